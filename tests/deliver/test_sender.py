"""Delivery through Telegram's answers: every chat gets its alert once, whatever the others do."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.deliver.limiter import Limits, RateLimiter
from bot.deliver.sender import OutgoingMessage, Sender
from bot.services import utc_now
from bot.store.alerts import AlertRecord, AlertRepository, DeliveryOutcome
from bot.store.chats import ACTIVE, BLOCKED, MIGRATED
from tests.conftest import FakeClock
from tests.deliver.conftest import CONTENT, FAST_RETRIES, World, drain_until_settled
from tests.fakes.flood import FloodLimits


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
    users = await world.subscribers(4)
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
    users = await world.subscribers(40)
    await world.issue()
    sender = world.sender(limits=Limits(global_per_second=18))

    await drain_until_settled(sender, world.alerts)

    assert all(len(world.api.sent(u)) == 1 for u in users)
    assert world.api.too_many_requests_count == 0


async def test_paid_broadcast_asks_telegram_for_it_on_every_message(world: World) -> None:
    await world.subscribers(3)
    await world.issue()

    await drain_until_settled(world.sender(limits=Limits.paid()), world.alerts)

    assert [m.allow_paid_broadcast for m in world.api.sent()] == [True, True, True]


async def test_without_paid_broadcast_messages_do_not_ask_for_it(world: World) -> None:
    lan = world.api.add_user("Lan")
    await world.subscribe(lan.id)
    await world.issue()

    await drain_until_settled(world.sender(limits=Limits()), world.alerts)

    assert world.api.last_sent(lan).allow_paid_broadcast is False


async def test_stopping_mid_broadcast_puts_unsent_rows_back_without_using_attempts(
    world: World,
) -> None:
    users = await world.subscribers(40)
    world.api.delay_next(0.02, count=40, method="sendMessage")
    await world.issue()
    sender = world.sender(concurrency=2)

    draining = asyncio.create_task(sender.drain_once())
    await world.api.wait_for_messages(None, 4)
    sender.stop()
    await draining

    counts = await world.alerts.delivery_counts()
    assert "inflight" not in counts
    assert counts["sent"] == len(world.api.sent()) and counts["pending"] == 40 - counts["sent"]
    await drain_until_settled(world.sender(), world.alerts)
    assert all(len(world.api.sent(user)) == 1 for user in users)
    assert len(world.api.requests_for("sendMessage")) == 40  # no row was tried twice


class GatedOutcomes(AlertRepository):
    """The store, except that outcomes are written only once the test opens the gate."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self.gate = asyncio.Event()

    async def record_outcomes(self, outcomes: Sequence[DeliveryOutcome], *, now: datetime) -> None:
        await self.gate.wait()
        await super().record_outcomes(outcomes, now=now)


async def test_while_outcomes_cannot_be_written_at_most_the_inflight_bound_is_sent(
    world: World, engine: AsyncEngine
) -> None:
    users = await world.subscribers(60)
    await world.issue()
    gated = GatedOutcomes(engine)
    config = dataclasses.replace(FAST_RETRIES, concurrency=4, flush_size=8)
    sender = Sender(
        world.bot, gated, world.chats, world.render, utc_now, config,
        limiter=RateLimiter(Limits(enabled=False)),
    )  # fmt: skip

    draining = asyncio.create_task(sender.drain_once())
    await world.api.wait_for_messages(None, config.inflight_bound)
    with pytest.raises(TimeoutError):  # what a kill -9 now could make Telegram send twice
        await world.api.wait_for_messages(None, config.inflight_bound + 1, timeout=0.3)
    gated.gate.set()
    await draining

    assert all(len(world.api.sent(user)) == 1 for user in users)
    assert await world.alerts.delivery_counts() == {"sent": 60}


class FlakyOutcomes(AlertRepository):
    """The store, failing the first `failures` writes of outcomes as a restarting one would."""

    def __init__(self, engine: AsyncEngine, failures: int) -> None:
        super().__init__(engine)
        self.failures = failures

    async def record_outcomes(self, outcomes: Sequence[DeliveryOutcome], *, now: datetime) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise sa.exc.OperationalError("UPDATE deliveries", {}, Exception("database is locked"))
        await super().record_outcomes(outcomes, now=now)


async def test_a_store_that_fails_to_record_outcomes_delays_them_but_loses_none(
    world: World, engine: AsyncEngine
) -> None:
    users = await world.subscribers(10)
    await world.issue()
    flaky = FlakyOutcomes(engine, failures=2)
    sender = Sender(
        world.bot, flaky, world.chats, world.render, utc_now,
        dataclasses.replace(FAST_RETRIES, write_retry=0.01),
        limiter=RateLimiter(Limits(enabled=False)),
    )  # fmt: skip

    await sender.drain_once()

    assert flaky.failures == 0
    assert all(len(world.api.sent(user)) == 1 for user in users)
    assert await world.alerts.delivery_counts() == {"sent": 10}


async def test_a_template_that_fails_to_render_is_reported_and_retried(world: World) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    await world.subscribe(lan.id)
    problems: list[str] = []
    calls = 0

    def first_render_fails(alert: AlertRecord, locale: str, country: str | None) -> OutgoingMessage:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ValueError("undefined variable in alert.html")
        return world.render(alert, locale, country)

    async def report(alert_id: int, reason: str) -> None:
        problems.append(reason)

    await world.issue()
    sender = Sender(
        world.bot, world.alerts, world.chats, first_render_fails, utc_now, FAST_RETRIES,
        on_template_problem=report, limiter=RateLimiter(Limits(enabled=False)),
    )  # fmt: skip

    await drain_until_settled(sender, world.alerts)

    assert len(world.api.sent(lan)) == 1
    assert problems == ["render failed: undefined variable in alert.html"]


async def test_a_row_left_in_flight_when_its_alert_was_retracted_is_not_sent_later(
    world: World, clock: FakeClock
) -> None:
    lan = world.api.add_user("Lan")
    await world.subscribe(lan.id, now=clock())
    alert_id = await world.issue(now=clock())
    await world.alerts.claim_due(10, now=clock())  # a sender claimed it, then died
    await world.alerts.retract(
        alert_id, reason="Tin đã được đính chính.", retracted_by=None, now=clock()
    )
    await world.alerts.recover_inflight(older_than=timedelta(0), now=clock())

    await drain_until_settled(world.sender(clock=clock), world.alerts)

    assert world.api.sent(lan) == []
    report = await world.alerts.report(alert_id)
    assert report is not None and report.failed_by_reason == {"retracted before it was sent": 1}
