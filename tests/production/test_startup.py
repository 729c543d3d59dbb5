"""Problems at start are told in one plain line, never as a traceback, never with the token."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import runner
from bot.errors import ConfigError
from tests.e2e.harness import bot_settings
from tests.fakes.bot_api import FakeBotApi
from tests.production.processes import quiet_feeds

REVOKED = "987654321:AAEorevokedTokenThatTelegramNoLongerKnows"


def test_a_revoked_token_stops_the_start_with_a_plain_error(tmp_path: Path) -> None:
    with FakeBotApi() as api:  # served from a thread: `run` makes its own event loop
        settings = bot_settings(
            api,
            f"sqlite:///{tmp_path}/bot.sqlite3",
            quiet_feeds(tmp_path / "feeds"),
            telegram_bot_token=REVOKED,
        )
        with pytest.raises(ConfigError) as refused:
            runner.run(settings)
    message = str(refused.value)
    assert message.startswith("TELEGRAM_BOT_TOKEN") and "@BotFather" in message
    assert REVOKED not in message


def test_webhook_mode_without_a_secret_is_refused(tmp_path: Path) -> None:
    with FakeBotApi() as api:
        settings = bot_settings(
            api,
            f"sqlite:///{tmp_path}/bot.sqlite3",
            quiet_feeds(tmp_path / "feeds"),
            webhook_url="https://bot.example.org/telegram/hook",
        )
        with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
            runner.run(settings, webhook=True)
