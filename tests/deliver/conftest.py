"""A small world for delivery tests: the store, the fake Telegram, the shipped templates."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import alert_renderer, digest_renderer
from bot.deliver.limiter import Limits, RateLimiter
from bot.deliver.sender import RenderAlert, RenderDigest, Sender, SenderConfig
from bot.render import ReloadingRenderer
from bot.services import utc_now
from bot.store.alerts import AlertContent, AlertRepository, Audience
from bot.store.chats import ChatRepository
from tests.e2e.harness import REPO
from tests.fakes.bot_api import FakeBotApi, FakeUser

CONTENT = AlertContent(
    category="recruitment_lure",
    title="Lời mời “việc nhẹ, lương cao” ở Campuchia là bẫy lừa đảo",
    summary="Nhiều người được hứa lương 1.500 USD/tháng rồi bị giữ lại và ép làm lừa đảo.",
    url="https://news.example.vn/bay-viec-nhe-luong-cao",
    source="Báo Thử Nghiệm",
    lang="vi",
    published=datetime(2026, 11, 1, 7, 0, tzinfo=UTC),
    countries=("KH",),
)
FAST_RETRIES = SenderConfig(backoff_initial=0.01, backoff_cap=0.05, idle_wait=0.05)
HANOI = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh, the chats' default zone: UTC+7


def hanoi(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Hanoi time, as the aware UTC the store hands out."""
    return datetime(2026, 11, day, hour, minute, tzinfo=HANOI).astimezone(UTC)


@pytest.fixture(scope="session")
def renderers() -> ReloadingRenderer:
    return ReloadingRenderer(
        REPO / "templates", REPO / "hotlines" / "hotlines.yaml", REPO / "locales"
    )


@dataclass
class World:
    api: FakeBotApi
    bot: Bot
    chats: ChatRepository
    alerts: AlertRepository
    render: RenderAlert
    render_digest: RenderDigest

    async def subscribe(
        self, chat_id: int, locale: str = "vi", *, now: datetime | None = None, **settings: Any
    ) -> None:
        kind = "private" if chat_id > 0 else "group"
        stamp = now or utc_now()
        await self.chats.subscribe(chat_id, chat_type=kind, locale=locale, title="", now=stamp)
        if settings:
            await self.chats.update(chat_id, now=stamp, **settings)

    async def subscribers(self, count: int) -> list[FakeUser]:
        """`count` users of the fake Telegram, each subscribed in Vietnamese."""
        users = [self.api.add_user(f"U{i}") for i in range(count)]
        for user in users:
            await self.subscribe(user.id)
        return users

    async def issue(self, content: AlertContent = CONTENT, *, now: datetime | None = None) -> int:
        alert_id = await self.alerts.issue_alert(
            content, Audience(), kind="news", now=now or utc_now()
        )
        assert alert_id is not None
        return alert_id

    def sender(
        self,
        render: RenderAlert | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        limits: Limits | None = None,
        digests: bool = True,
        **config: Any,
    ) -> Sender:
        return Sender(
            self.bot,
            self.alerts,
            self.chats,
            render or self.render,
            clock,
            dataclasses.replace(FAST_RETRIES, **config),
            limiter=RateLimiter(limits or Limits(enabled=False)),
            render_digest=self.render_digest if digests else None,
        )


@pytest.fixture
async def world(engine: AsyncEngine, renderers: ReloadingRenderer) -> AsyncIterator[World]:
    async with FakeBotApi() as api:
        # As the app's Bot has (ApplicationBuilder): a pool for every concurrent request.
        request = HTTPXRequest(connection_pool_size=32)
        bot = Bot(
            api.token, base_url=api.base_url, base_file_url=api.base_file_url, request=request
        )
        async with bot:
            yield World(
                api,
                bot,
                ChatRepository(engine),
                AlertRepository(engine),
                alert_renderer(renderers),
                digest_renderer(renderers),
            )


async def drain_until_settled(sender: Sender, alerts: AlertRepository, within: float = 10) -> None:
    """Drain, waiting out retries, until nothing is pending or in flight."""
    async with asyncio.timeout(within):
        while True:
            await sender.drain_once()
            counts = await alerts.delivery_counts()
            if not counts.get("pending") and not counts.get("inflight"):
                return
            await asyncio.sleep(0.02)
