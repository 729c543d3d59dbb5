"""Per-alert reports: targeted, sent, failed by reason, pending and duration, as operators see
them in `alertbot alerts list` and `alertbot alerts show ID`."""

from __future__ import annotations

import io

from bot.commands import print_alert_report, print_alerts
from bot.config import Settings
from bot.store.alerts import DeliveryReport
from tests.conftest import FakeClock
from tests.deliver.conftest import CONTENT, World, hanoi


async def broadcast_with_every_outcome(world: World, clock: FakeClock) -> int:
    """Seven chats, one alert at 23:00 Hanoi time: each chat ends up differently."""
    clock.now = hanoi(2, 23)
    lan = world.api.add_user("Lan", language_code="vi")
    blocked = world.api.add_user("Minh")
    gone = world.api.add_user("Gone")
    deleted = world.api.add_user("Deleted account")
    never_started = world.api.add_user("Hoa", started=False)
    flaky = world.api.add_user("Flaky")
    sleeper = world.api.add_user("Sleeper")
    for user in (lan, blocked, gone, deleted, never_started, flaky):
        await world.subscribe(user.id, now=clock())
    await world.subscribe(sleeper.id, now=clock(), quiet_hours="22-06")
    world.api.block_bot(blocked, notify=False)
    world.api.forget_chat(gone)
    world.api.deactivate_user(deleted)
    world.api.fail_next(10, status=502, description="Bad Gateway", chat=flaky)
    alert_id = await world.issue(CONTENT, now=clock())

    sender = world.sender(clock=clock, max_attempts=2)
    await sender.drain_once()
    clock.advance(1)  # the flaky chat's retry is due
    await sender.drain_once()
    return alert_id


async def report_of(world: World, alert_id: int) -> DeliveryReport:
    report = await world.alerts.report(alert_id)
    assert report is not None
    return report


async def test_the_report_tells_sent_failed_by_reason_and_waiting_apart(
    world: World, clock: FakeClock
) -> None:
    alert_id = await broadcast_with_every_outcome(world, clock)

    report = await report_of(world, alert_id)

    assert (report.targeted, report.sent, report.pending, report.inflight) == (7, 1, 1, 0)
    assert report.failed_by_reason == {
        "blocked": 1,
        "chat not found": 1,
        "deactivated": 1,
        "forbidden": 1,
        "network": 1,
    }
    assert report.failed == 5
    assert report.duration_s is None  # the sleeper's message waits for the morning


async def test_the_duration_runs_from_the_issue_to_the_last_delivery(
    world: World, clock: FakeClock
) -> None:
    alert_id = await broadcast_with_every_outcome(world, clock)

    clock.now = hanoi(3, 6)
    await world.sender(clock=clock).drain_once()

    report = await report_of(world, alert_id)
    assert (report.sent, report.pending, report.failed) == (2, 0, 5)
    assert report.duration_s == 7 * 3600  # 23:00 to 06:00, when the quiet hours ended


async def test_alerts_show_prints_the_report_for_operators(
    world: World, clock: FakeClock, database_url: str
) -> None:
    alert_id = await broadcast_with_every_outcome(world, clock)
    out = io.StringIO()

    code = await print_alert_report(
        Settings(_env_file=None, database_url=database_url),  # type: ignore[call-arg]
        out,
        alert_id,
    )

    lines = out.getvalue().splitlines()
    assert code == 0
    assert "targeted:  7" in lines and "sent:      1" in lines and "failed:    5" in lines
    assert "pending:   1 (+0 in flight)" in lines and "duration:  not finished" in lines
    assert "  deactivated: 1" in lines and "  network: 1" in lines


async def test_alerts_list_shows_each_alerts_counts(
    world: World, clock: FakeClock, database_url: str
) -> None:
    alert_id = await broadcast_with_every_outcome(world, clock)
    out = io.StringIO()

    await print_alerts(
        Settings(_env_file=None, database_url=database_url),  # type: ignore[call-arg]
        out,
        limit=10,
    )

    [row] = [line for line in out.getvalue().splitlines() if line.split()[0] == str(alert_id)]
    assert row.split()[5:8] == ["1", "5", "1"]  # sent, failed, pending
