"""Logging set up once by the CLI: key=value or JSON lines, with secrets scrubbed.

httpx logs every request URL, and Bot API URLs contain the token (`/bot<token>/method`), so
scrubbing happens in a filter on the handler: whatever logger emits, the token never leaves.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable

TOKEN_IN_TEXT = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,}")
CONTEXT_FIELDS = ("alert_id", "feed", "chat_id", "update_id", "delivery_id")


class SecretScrubber(logging.Filter):
    """Replace configured secrets and anything shaped like a bot token with `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return TOKEN_IN_TEXT.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = self.scrub(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            trace = logging.Formatter().formatException(record.exc_info)
            message = f"{message}\n{self.scrub(trace)}"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = message, None
        return True


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = [
            f"time={self.formatTime(record, '%Y-%m-%dT%H:%M:%S')}",
            f"level={record.levelname.lower()}",
            f"logger={record.name}",
        ]
        fields += [f"{k}={getattr(record, k)}" for k in CONTEXT_FIELDS if hasattr(record, k)]
        fields.append(f"msg={json.dumps(record.getMessage(), ensure_ascii=False)}")
        return " ".join(fields)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: getattr(record, k) for k in CONTEXT_FIELDS if hasattr(record, k)})
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str, fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(SecretScrubber(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Request lines are noise at INFO and carry the token in their URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
