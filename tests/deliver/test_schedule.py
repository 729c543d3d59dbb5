"""When a chat wants its alerts: now, after its quiet hours, or with its evening digest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.deliver.schedule import (
    DIGEST_NOW,
    SEND_NOW,
    Decision,
    QuietHours,
    Timing,
    decide,
    parse_quiet_hours,
)
from tests.deliver.conftest import hanoi


def instant(now: datetime, quiet: str | None, tz: str = "Asia/Ho_Chi_Minh") -> Decision:
    return decide(now, queued_at=now, digest=False, quiet_hours=quiet, timezone=tz)


def daily(now: datetime, queued_at: datetime, quiet: str | None = None) -> Decision:
    return decide(
        now, queued_at=queued_at, digest=True, quiet_hours=quiet, timezone="Asia/Ho_Chi_Minh"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22-07", QuietHours(22, 7)),
        ("13-15", QuietHours(13, 15)),
        ("22:00-07:00", QuietHours(22, 7)),
        ("0-24", None),  # the whole day is no window: a chat is never silenced for good
        ("7-7", None),
        ("", None),
        (None, None),
        ("after dark", None),
        ("25-07", None),
    ],
)
def test_quiet_hours_are_read_as_local_whole_hours(
    text: str | None, expected: QuietHours | None
) -> None:
    assert parse_quiet_hours(text) == expected


def test_a_chat_without_quiet_hours_or_digest_gets_alerts_at_once() -> None:
    assert instant(hanoi(2, 3), None) == SEND_NOW


def test_an_alert_due_late_at_night_waits_for_the_end_of_the_quiet_hours() -> None:
    assert instant(hanoi(2, 23, 30), "22-07") == Decision(Timing.WAIT, hanoi(3, 7))


def test_an_alert_due_before_dawn_waits_until_seven_the_same_morning() -> None:
    assert instant(hanoi(3, 6, 59), "22-07") == Decision(Timing.WAIT, hanoi(3, 7))


def test_the_quiet_window_ends_on_the_hour() -> None:
    assert instant(hanoi(3, 7), "22-07") == SEND_NOW
    assert instant(hanoi(2, 21, 59), "22-07") == SEND_NOW


def test_a_daytime_window_that_does_not_wrap_midnight() -> None:
    assert instant(hanoi(2, 14), "13-15") == Decision(Timing.WAIT, hanoi(2, 15))
    assert instant(hanoi(2, 16), "13-15") == SEND_NOW


def test_quiet_hours_follow_the_chats_own_time_zone() -> None:
    # 23:30 in Hanoi is 17:30 in Paris (UTC+1 in November): not quiet there.
    assert instant(hanoi(2, 23, 30), "22-07", tz="Europe/Paris") == SEND_NOW


def test_an_unknown_time_zone_falls_back_to_utc_instead_of_failing() -> None:
    midnight_utc = datetime(2026, 11, 2, 0, 30, tzinfo=UTC)
    assert instant(midnight_utc, "22-07", tz="Mars/Olympus_Mons") == Decision(
        Timing.WAIT, datetime(2026, 11, 2, 7, tzinfo=UTC)
    )


def test_a_morning_alert_waits_for_the_evening_digest() -> None:
    queued = hanoi(2, 9, 15)
    assert daily(queued, queued) == Decision(Timing.WAIT, hanoi(2, 18))


def test_at_digest_time_the_digest_goes_out() -> None:
    assert daily(hanoi(2, 18), hanoi(2, 9, 15)) == DIGEST_NOW


def test_an_alert_queued_after_the_digest_waits_for_the_next_days_digest() -> None:
    queued = hanoi(2, 18)
    late = hanoi(2, 18, 1)
    assert daily(queued, queued) == DIGEST_NOW  # queued on the dot: today's digest
    assert daily(late, late) == Decision(Timing.WAIT, hanoi(3, 18))


def test_a_digest_that_was_delayed_goes_out_as_soon_as_it_is_claimed() -> None:
    # The bot was down at 18:00; at 20:10 the waiting alerts still leave as one digest.
    assert daily(hanoi(2, 20, 10), hanoi(2, 9)) == DIGEST_NOW


def test_a_digest_time_inside_quiet_hours_moves_to_the_end_of_the_window() -> None:
    queued = hanoi(2, 9)
    assert daily(hanoi(2, 18), queued, quiet="17-19") == Decision(Timing.WAIT, hanoi(2, 19))
    assert daily(hanoi(2, 19), queued, quiet="17-19") == DIGEST_NOW
