"""Quiet hours and digests through the fake Telegram: scheduled, never dropped."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.alerts import MANUAL, AlertContent, Audience
from bot.store.schema import deliveries
from tests.conftest import FakeClock
from tests.deliver.conftest import CONTENT, World, hanoi

TITLES = (
    "Sáu thanh niên được giải cứu khỏi khu nhà lừa đảo ở biên giới",
    "Cảnh báo quảng cáo tuyển “nhân viên chăm sóc khách hàng” lương 30 triệu",
    "Công an khuyến cáo không giao hộ chiếu cho người môi giới việc làm",
)


def titled(title: str) -> AlertContent:
    return dataclasses.replace(CONTENT, title=title)


async def message_ids(engine: AsyncEngine, chat_id: int) -> list[tuple[str, int | None]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.select(deliveries.c.state, deliveries.c.telegram_message_id)
            .where(deliveries.c.chat_id == chat_id)
            .order_by(deliveries.c.delivery_id)
        )
        return [(state, message_id) for state, message_id in rows]


async def test_an_alert_issued_in_quiet_hours_arrives_when_they_end_and_not_before(
    world: World, clock: FakeClock
) -> None:
    clock.now = hanoi(2, 23)
    lan, minh = world.api.add_user("Lan", language_code="vi"), world.api.add_user("Minh")
    await world.subscribe(lan.id, now=clock(), quiet_hours="22-07")
    await world.subscribe(minh.id, now=clock())
    alert_id = await world.issue(now=clock())
    sender = world.sender(clock=clock)

    await sender.drain_once()
    assert world.api.sent(lan) == [] and len(world.api.sent(minh)) == 1
    report = await world.alerts.report(alert_id)
    assert report is not None and (report.sent, report.pending, report.failed) == (1, 1, 0)

    clock.now = hanoi(3, 6, 59)
    await sender.drain_once()
    assert world.api.sent(lan) == []

    clock.now = hanoi(3, 7)
    await sender.drain_once()
    assert len(world.api.sent(lan)) == 1
    assert len(world.api.requests_for("sendMessage")) == 2  # waiting was never an attempt


async def test_a_digest_chat_gets_one_evening_message_covering_every_waiting_alert(
    world: World, clock: FakeClock, engine: AsyncEngine
) -> None:
    clock.now = hanoi(2, 8)
    hoa, nam = world.api.add_user("Hoa", language_code="vi"), world.api.add_user("Nam")
    await world.subscribe(hoa.id, now=clock(), digest=True)
    await world.subscribe(nam.id, now=clock())
    sender = world.sender(clock=clock)

    for hour, title in zip((9, 12, 16), TITLES, strict=True):
        clock.now = hanoi(2, hour)
        await world.issue(titled(title), now=clock())
        await sender.drain_once()
    assert len(world.api.sent(nam)) == 3 and world.api.sent(hoa) == []

    clock.now = hanoi(2, 18)
    await sender.drain_once()

    [digest] = world.api.sent(hoa)
    assert all(title in digest.text for title in TITLES)
    assert await message_ids(engine, hoa.id) == [("sent", digest.message_id)] * 3


async def test_a_late_digest_also_carries_alerts_that_came_after_its_time(
    world: World, clock: FakeClock, engine: AsyncEngine
) -> None:
    clock.now = hanoi(2, 8)
    hoa = world.api.add_user("Hoa", language_code="vi")
    await world.subscribe(hoa.id, now=clock(), digest=True)
    await world.issue(titled(TITLES[0]), now=hanoi(2, 9))
    await world.issue(titled(TITLES[1]), now=hanoi(2, 18, 30))  # after today's digest time

    clock.now = hanoi(2, 19)  # the bot was down at 18:00
    await world.sender(clock=clock).drain_once()

    [digest] = world.api.sent(hoa)
    assert TITLES[0] in digest.text and TITLES[1] in digest.text
    assert await message_ids(engine, hoa.id) == [("sent", digest.message_id)] * 2


async def test_a_digest_to_a_chat_that_blocked_the_bot_fails_every_row_with_one_request(
    world: World, clock: FakeClock
) -> None:
    clock.now = hanoi(2, 9)
    hoa = world.api.add_user("Hoa", language_code="vi")
    await world.subscribe(hoa.id, now=clock(), digest=True)
    first = await world.issue(titled(TITLES[0]), now=clock())
    second = await world.issue(titled(TITLES[1]), now=clock())
    world.api.block_bot(hoa, notify=False)

    clock.now = hanoi(2, 18)
    await world.sender(clock=clock).drain_once()

    assert len(world.api.requests_for("sendMessage")) == 1
    for alert_id in (first, second):
        report = await world.alerts.report(alert_id)
        assert report is not None and report.failed_by_reason == {"blocked": 1}


async def test_without_a_digest_template_hook_digest_chats_get_each_alert_as_it_comes(
    world: World, clock: FakeClock
) -> None:
    clock.now = hanoi(2, 9)
    hoa = world.api.add_user("Hoa", language_code="vi")
    await world.subscribe(hoa.id, now=clock(), digest=True)
    await world.issue(now=clock())

    await world.sender(clock=clock, digests=False).drain_once()

    assert len(world.api.sent(hoa)) == 1


async def test_a_correction_reaches_a_digest_chat_at_once_and_stays_out_of_its_digest(
    world: World, clock: FakeClock
) -> None:
    clock.now = hanoi(2, 8)
    hoa = world.api.add_user("Hoa", language_code="vi")
    await world.subscribe(hoa.id, now=clock(), digest=True)
    sender = world.sender(clock=clock)
    wrong = await world.issue(titled(TITLES[0]), now=hanoi(2, 9))
    clock.now = hanoi(2, 18)
    await sender.drain_once()  # yesterday's digest carried the story
    await world.issue(titled(TITLES[1]), now=hanoi(3, 9))

    clock.now = hanoi(3, 10)
    await world.alerts.retract(
        wrong, reason="Bài báo đã được gỡ: thông tin không chính xác.", retracted_by=None,
        now=clock(),
    )  # fmt: skip
    await sender.drain_once()

    _, correction = world.api.sent(hoa)
    assert "Bài báo đã được gỡ" in correction.text and TITLES[1] not in correction.text
    clock.now = hanoi(3, 18)
    await sender.drain_once()
    _, _, digest = world.api.sent(hoa)
    assert TITLES[1] in digest.text and "Bài báo đã được gỡ" not in digest.text


async def test_an_operators_broadcast_reaches_a_digest_chat_at_once(
    world: World, clock: FakeClock
) -> None:
    clock.now = hanoi(2, 9)
    hoa = world.api.add_user("Hoa", language_code="vi")
    await world.subscribe(hoa.id, now=clock(), digest=True)
    words = "Tối nay công an xã họp dân về các vụ lừa đi làm ở nước ngoài."
    broadcast = dataclasses.replace(CONTENT, summary=words)
    await world.alerts.issue_alert(broadcast, Audience(), kind=MANUAL, now=clock())

    await world.sender(clock=clock).drain_once()

    [message] = world.api.sent(hoa)
    assert words in message.text
