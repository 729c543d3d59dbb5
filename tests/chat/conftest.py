"""A running bot and a fake Telegram for each chat test, and the people in it.

Chat tests use SQLite (the store's behaviour on PostgreSQL is covered by `tests/store` and the
group lifecycle test, which runs on both). Each test gets its own fake server and database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.services import Services
from tests.conftest import FakeClock
from tests.e2e.harness import bot_settings, running_bot, services
from tests.fakes.bot_api import FakeBotApi, FakeUser, SentMessage


@dataclass
class World:
    """The fake Telegram, the bot running against it, and an operator (in ADMIN_IDS)."""

    api: FakeBotApi
    app: Application[Any, Any, Any, Any, Any, Any]
    operator: FakeUser
    clock: FakeClock
    _witness: FakeUser | None = None

    @property
    def services(self) -> Services:
        return services(self.app)

    async def reply_to(self, chat: Any, *, after: int = 0) -> SentMessage:
        """The next message the bot sends to `chat` after the `after` it had already sent."""
        messages = await self.api.wait_for_messages(chat, count=after + 1)
        return messages[after]

    def count(self, chat: Any) -> int:
        return len(self.api.sent(chat))

    async def press(self, user: Any, message: SentMessage, data: str) -> dict[str, Any]:
        """Tap a button and wait until the bot has answered the tap."""
        since = len(self.api.requests)
        update = self.api.press_button(user, message, data)
        query_id = update["callback_query"]["id"]
        await self.api.wait_for_request(
            "answerCallbackQuery",
            since=since,
            where=lambda r: r.params.get("callback_query_id") == query_id,
        )
        answer = self.api.callback_answer(query_id)
        assert answer is not None
        return answer

    async def barrier(self) -> None:
        """Wait until every update sent so far has been handled.

        The bot handles updates one at a time, in order, so once it has answered a /help sent
        now, everything before it is done (useful after updates that get no answer).
        """
        if self._witness is None:
            self._witness = self.api.add_user("Witness", language_code="en")
        before = self.count(self._witness)
        self.api.send_command(self._witness, "/help")
        await self.reply_to(self._witness, after=before)


async def start_world(
    tmp_path: Path, database_url: str | None = None, **overrides: Any
) -> AsyncIterator[World]:
    feeds = tmp_path / "feeds"
    feeds.mkdir(exist_ok=True)
    # One feed on a closed loopback port: the tests never run the polling job.
    (feeds / "test.toml").write_text(
        '[[feed]]\nurl = "http://127.0.0.1:9/rss"\nname = "Test"\nlang = "vi"\ncountry = "VN"\n',
        encoding="utf-8",
    )
    url = database_url or f"sqlite:///{tmp_path}/chat.sqlite3"
    clock = FakeClock()
    async with FakeBotApi() as api:
        operator = api.add_user("Oanh", language_code="vi", username="oanh_ops")
        settings = bot_settings(api, url, feeds, admin_ids=(operator.id,), **overrides)
        async with running_bot(settings, clock=clock) as app:
            yield World(api, app, operator, clock)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for running in start_world(tmp_path):
        yield running
