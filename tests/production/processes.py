"""Run `alertbot run` as a real process against fakes, the way an operator runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.e2e.harness import REPO


def bot_environment(root_url: str, token: str, database_url: str, feeds: Path,
                    **extra: str) -> dict[str, str]:  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=root_url,
        DATABASE_URL=database_url,
        FEEDS_PATH=str(feeds),
        TEMPLATES_PATH=str(REPO / "templates"),
        LEXICONS_PATH=str(REPO / "lexicons"),
        HOTLINES_PATH=str(REPO / "hotlines" / "hotlines.yaml"),
        LOCALES_PATH=str(REPO / "locales"),
        POLL_INTERVAL="30",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def quiet_feeds(folder: Path) -> Path:
    """A feed file whose one feed is a closed local port: the poller has nothing to do."""
    folder.mkdir(exist_ok=True)
    (folder / "quiet.toml").write_text(
        '[[feed]]\nurl = "http://127.0.0.1:9/rss"\nname = "Closed port"\nlang = "vi"\n'
        'country = "VN"\ninterval = 86400\n',
        encoding="utf-8",
    )
    return folder


def start_bot(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with open(log, "ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=log.parent, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip


def stop_bot(process: subprocess.Popen[bytes], timeout: float = 30) -> int:
    """SIGTERM, then wait; the exit code (the test fails on a hang, not here)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


def wait_for_log(log: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{text!r} not in {log}:\n{log.read_text(errors='replace')[-3000:]}")
