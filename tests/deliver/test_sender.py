"""Delivery through Telegram's answers: every chat gets its alert once, whatever the others do."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot

from bot.app import alert_renderer
from bot.deliver.limiter import Limits, RateLimiter
from bot.deliver.sender import OutgoingMessage, Sender, SenderConfig
from bot.render import ReloadingRenderer
from bot.services import utc_now
from bot.store.alerts import AlertContent, AlertRecord, AlertRepository, Audience
from bot.store.chats import ACTIVE, BLOCKED, MIGRATED, ChatRepository
from tests.e2e.harness import REPO
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.flood import FloodLimits

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


@pytest.fixture(scope="module")
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

    async def subscribe(self, chat_id: int, locale: str = "vi") -> None:
        kind = "private" if chat_id > 0 else "group"
        await self.chats.subscribe(chat_id, chat_type=kind, locale=locale, title="", now=utc_now())

    async def issue(self) -> int:
        alert_id = await self.alerts.issue_alert(CONTENT, Audience(), kind="manual", now=utc_now())
        assert alert_id is not None
        return alert_id

    def sender(self, render: object = None, **config: object) -> Sender:
        settings = dataclasses.replace(FAST_RETRIES, **config)  # type: ignore[arg-type]
        return Sender(
            self.bot,
            self.alerts,
            self.chats,
            render or self.render,
            utc_now,
            settings,
            limiter=RateLimiter(Limits(enabled=False)),
        )

    render: object = None


@pytest.fixture
async def world(engine: AsyncEngine, renderers: ReloadingRenderer) -> AsyncIterator[World]:
    async with FakeBotApi() as api:
        bot = Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
        async with bot:
            yield World(
                api,
                bot,
                ChatRepository(engine),
                AlertRepository(engine),
                render=alert_renderer(renderers),
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


async def test_every_subscriber_gets_the_alert_once_rendered_in_their_language(
    world: World,
) -> None:
    users = [world.api.add_user(f"U{i}", language_code=lang)
             for i, lang in enumerate(["vi", "km", "en", "vi"])]  # fmt: skip
    for user, locale in zip(users, ["vi", "km", "en", "vi"], strict=True):
        await world.subscribe(user.id, locale)
    await world.issue()

    await drain_until_settled(world.sender(), world.alerts)

    texts = [world.api.sent(user) for user in users]
    assert [len(t) for t in texts] == [1, 1, 1, 1]
    assert texts[0][0].text == texts[3][0].text  # rendered once per locale, shared
    assert len({texts[0][0].text, texts[1][0].text, texts[2][0].text}) == 3
    assert all(CONTENT.title in t[0].text for t in texts)


async def test_blocked_user_is_deactivated_and_others_still_receive(world: World) -> None:
    lan, minh, hoa = (world.api.add_user(n, language_code="vi") for n in ("Lan", "Minh", "Hoa"))
    for user in (lan, minh, hoa):
        await world.subscribe(user.id)
    world.api.block_bot(minh, notify=False)
    alert_id = await world.issue()

    await drain_until_settled(world.sender(), world.alerts)

    assert len(world.api.sent(lan)) == len(world.api.sent(hoa)) == 1
    assert (await world.chats.get(minh.id)).status == BLOCKED  # type: ignore[union-attr]
    report = await world.alerts.report(alert_id)
    assert report is not None and report.failed_by_reason == {"blocked": 1}
    assert len(world.api.requests_for("sendMessage")) == 3  # no retry for a blocked user


async def test_chat_not_found_deactivates_only_that_chat(world: World) -> None:
    lan, gone = world.api.add_user("Lan", language_code="vi"), world.api.add_user("Gone")
    for user in (lan, gone):
        await world.subscribe(user.id)
    world.api.forget_chat(gone)
    await world.issue()

    await drain_until_settled(world.sender(), world.alerts)

    assert (await world.chats.get(gone.id)).status == BLOCKED  # type: ignore[union-attr]
    assert (await world.chats.get(lan.id)).status == ACTIVE  # type: ignore[union-attr]
    assert len(world.api.sent(lan)) == 1


async def test_migrated_group_gets_the_message_at_its_new_id(world: World) -> None:
    leader = world.api.add_user("Trưởng thôn", language_code="vi")
    group = world.api.add_group("Thôn Đông", members={leader: "creator"})
    await world.subscribe(group.id)
    supergroup = world.api.migrate_group_to_supergroup(group)
    await world.issue()

    await drain_until_settled(world.sender(), world.alerts)

    assert len(world.api.sent(supergroup)) == 1
    assert (await world.chats.get(group.id)).status == MIGRATED  # type: ignore[union-attr]
    new = await world.chats.get(supergroup.id)
    assert new is not None and new.status == ACTIVE and new.locale == "vi"
    assert await world.alerts.delivery_counts() == {"sent": 1}


async def test_html_telegram_refuses_is_resent_as_plain_text_and_reported(world: World) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    await world.subscribe(lan.id)
    problems: list[tuple[int, str]] = []

    def broken(alert: AlertRecord, locale: str, citizenship: str | None) -> OutgoingMessage:
        return OutgoingMessage(html=f"<b>{alert.title}", plain=f"{alert.title}\nGọi 111")

    async def report(alert_id: int, reason: str) -> None:
        problems.append((alert_id, reason))

    alert_id = await world.issue()
    sender = Sender(
        world.bot,
        world.alerts,
        world.chats,
        broken,
        utc_now,
        FAST_RETRIES,
        on_template_problem=report,
        limiter=RateLimiter(Limits(enabled=False)),
    )
    await drain_until_settled(sender, world.alerts)

    [message] = world.api.sent(lan)
    assert message.parse_mode is None and message.text.startswith(CONTENT.title)
    assert problems and problems[0][0] == alert_id and "parse entities" in problems[0][1]


async def test_server_errors_are_retried_with_backoff_until_sent(world: World) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    await world.subscribe(lan.id)
    world.api.fail_next(2, status=502, description="Bad Gateway", chat=lan)
    await world.issue()

    await drain_until_settled(world.sender(), world.alerts)

    assert len(world.api.sent(lan)) == 1
    assert len(world.api.requests_for("sendMessage")) == 3


async def test_a_chat_that_keeps_failing_is_given_up_after_bounded_attempts(world: World) -> None:
    lan, minh = world.api.add_user("Lan"), world.api.add_user("Minh")
    for user in (lan, minh):
        await world.subscribe(user.id)
    world.api.fail_next(50, status=500, chat=lan)
    alert_id = await world.issue()

    await drain_until_settled(world.sender(max_attempts=3), world.alerts)

    report = await world.alerts.report(alert_id)
    assert report is not None and (report.sent, report.failed) == (1, 1)
    assert len(world.api.requests_for("sendMessage")) == 4  # 3 for Lan, 1 for Minh


async def test_a_cut_connection_is_retried(world: World) -> None:
    lan = world.api.add_user("Lan")
    await world.subscribe(lan.id)
    world.api.drop_next(1, chat=lan)
    await world.issue()

    await drain_until_settled(world.sender(), world.alerts)

    assert len(world.api.sent(lan)) == 1


async def test_retry_after_pauses_that_chat_without_stalling_the_others(world: World) -> None:
    users = [world.api.add_user(f"U{i}") for i in range(4)]
    for user in users:
        await world.subscribe(user.id)
    world.api.rate_limit_next(1, retry_after=1, chat=users[0])
    await world.issue()
    sender = world.sender()

    await sender.drain_once()
    assert [len(world.api.sent(u)) for u in users] == [0, 1, 1, 1]
    assert sender.limiter.rate_limited == 1

    await drain_until_settled(sender, world.alerts)
    assert [len(world.api.sent(u)) for u in users] == [1, 1, 1, 1]
    first_try, retry = (
        world.api.requests_for("sendMessage")[0],
        world.api.requests_for("sendMessage")[-1],
    )
    assert retry.at - first_try.at >= 1.0


async def test_within_telegram_limits_a_broadcast_draws_no_429(world: World) -> None:
    world.api.enable_flood_limits(FloodLimits(global_per_second=20, global_burst=20))
    users = [world.api.add_user(f"U{i}") for i in range(40)]
    for user in users:
        await world.subscribe(user.id)
    await world.issue()
    sender = Sender(
        world.bot,
        world.alerts,
        world.chats,
        world.render,
        utc_now,  # type: ignore[arg-type]
        FAST_RETRIES,
        limiter=RateLimiter(Limits(global_per_second=18)),
    )

    await drain_until_settled(sender, world.alerts)

    assert all(len(world.api.sent(u)) == 1 for u in users)
    assert world.api.too_many_requests_count == 0
