"""When a feed is polled next: interval with jitter, server hints, backoff, death."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from bot.ingest.schedule import (
    SchedulePolicy,
    is_dead,
    is_due,
    next_poll_after_failure,
    next_poll_after_success,
)
from bot.models import FeedState

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
POLICY = SchedulePolicy(jitter=0.1, max_backoff=6 * 3600, dead_after_failures=12)


def delay(moment: datetime) -> float:
    return (moment - NOW).total_seconds()


def test_success_waits_the_interval_give_or_take_the_jitter() -> None:
    rng = random.Random(1)
    delays = {delay(next_poll_after_success(NOW, 900, POLICY, rng)) for _ in range(200)}
    assert min(delays) >= 810 and max(delays) <= 990
    assert len(delays) > 100  # spread out, not one instant for every feed


def test_max_age_and_retry_after_are_lower_bounds() -> None:
    rng = random.Random(1)
    assert delay(next_poll_after_success(NOW, 900, POLICY, rng, max_age=3600)) == 3600
    assert delay(next_poll_after_success(NOW, 900, POLICY, rng, retry_after=7200)) == 7200
    assert delay(next_poll_after_success(NOW, 900, POLICY, rng, max_age=60)) < 1000


def test_a_server_hint_cannot_silence_a_feed_for_longer_than_a_day() -> None:
    moment = next_poll_after_success(NOW, 900, POLICY, random.Random(1), max_age=10**9)
    assert delay(moment) == 24 * 3600


def test_failures_back_off_exponentially_up_to_the_cap() -> None:
    still = SchedulePolicy(jitter=0.0)
    delays = [
        delay(next_poll_after_failure(NOW, 900, n, still, random.Random(1))) for n in range(1, 9)
    ]
    assert delays == [900, 1800, 3600, 7200, 14400, 21600, 21600, 21600]


def test_backoff_never_polls_faster_than_the_feeds_own_interval() -> None:
    still = SchedulePolicy(jitter=0.0)
    assert delay(next_poll_after_failure(NOW, 86_400, 3, still, random.Random(1))) == 86_400


def test_retry_after_on_a_failure_is_honoured() -> None:
    still = SchedulePolicy(jitter=0.0)
    assert (
        delay(next_poll_after_failure(NOW, 900, 1, still, random.Random(1), retry_after=5000))
        == 5000
    )


def test_a_feed_is_dead_after_the_configured_run_of_failures() -> None:
    assert not is_dead(11, POLICY)
    assert is_dead(12, POLICY)


def test_a_feed_never_polled_is_due_and_a_scheduled_one_waits() -> None:
    assert is_due(FeedState(url="u"), NOW)
    assert not is_due(FeedState(url="u", next_poll_at=NOW + timedelta(seconds=1)), NOW)
    assert is_due(FeedState(url="u", next_poll_at=NOW), NOW)
