"""When each feed is polled next: a pure decider, no I/O, so every rule is tested with a clock.

- after a success: the feed's interval with jitter (so 300 feeds do not all fire together),
  never earlier than the server's `Cache-Control: max-age` or `Retry-After`;
- after a failure: exponential backoff from the interval, capped, again never earlier than a
  `Retry-After`;
- after `dead_after_failures` consecutive failures (about two days at the default 15-minute
  interval and 6-hour cap) the feed is dead: operators are told once, and it is still tried
  at the capped rate so it comes back by itself when mended.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.models import FeedState


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    jitter: float = 0.1  # ± this fraction of each delay
    max_backoff: float = 6 * 3600.0
    max_server_hint: float = 24 * 3600.0  # a hostile max-age must not silence a feed for a year
    dead_after_failures: int = 12


def is_due(state: FeedState, now: datetime) -> bool:
    return state.next_poll_at is None or state.next_poll_at <= now


def next_poll_after_success(
    now: datetime,
    interval: float,
    policy: SchedulePolicy,
    rng: random.Random,
    *,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> datetime:
    delay = _jittered(interval, policy, rng)
    return now + timedelta(seconds=_at_least_hints(delay, policy, max_age, retry_after))


def next_poll_after_failure(
    now: datetime,
    interval: float,
    consecutive_failures: int,
    policy: SchedulePolicy,
    rng: random.Random,
    *,
    retry_after: float | None = None,
) -> datetime:
    """Interval × 2^(failures-1), capped at `max_backoff` (or the interval, if longer)."""
    exponent = min(max(consecutive_failures - 1, 0), 32)
    backoff = max(interval, min(interval * 2.0**exponent, policy.max_backoff))
    delay = _jittered(backoff, policy, rng)
    return now + timedelta(seconds=_at_least_hints(delay, policy, None, retry_after))


def is_dead(consecutive_failures: int, policy: SchedulePolicy) -> bool:
    return consecutive_failures >= policy.dead_after_failures


def _jittered(delay: float, policy: SchedulePolicy, rng: random.Random) -> float:
    return delay * rng.uniform(1.0 - policy.jitter, 1.0 + policy.jitter)


def _at_least_hints(
    delay: float, policy: SchedulePolicy, max_age: float | None, retry_after: float | None
) -> float:
    hints = [hint for hint in (max_age, retry_after) if hint is not None and hint > 0]
    if not hints:
        return delay
    return max(delay, min(max(hints), policy.max_server_hint))
