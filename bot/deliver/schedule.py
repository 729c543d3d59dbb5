"""When a chat wants its alerts: now, after its quiet hours, or in its daily digest.

Pure time arithmetic in the chat's own time zone, no I/O, so the rules are easy to test with
any clock. A delivery is never dropped for timing: it is postponed to the moment it may go.

* Quiet hours ("22-07", local whole hours, may wrap midnight): a message due inside the
  window waits for its end. Equal hours ("7-7") mean no quiet hours.
* Digest chats get one message a day at `DEFAULT_DIGEST_HOUR` local time (18:00: after work,
  before the evening, when a family can talk about it) covering every alert queued since their
  last digest. An alert queued at `t` is ready at the first digest time at or after `t`; if
  that falls in the chat's quiet hours, the quiet rule moves it to the window's end.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

DEFAULT_DIGEST_HOUR = 18
_QUIET = re.compile(r"^\s*(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?\s*$")


class Timing(Enum):
    SEND = "send"  # send the message now
    WAIT = "wait"  # postpone to `until`, without counting an attempt
    DIGEST = "digest"  # send the chat's digest now


@dataclass(frozen=True, slots=True)
class Decision:
    timing: Timing
    until: datetime | None = None


SEND_NOW = Decision(Timing.SEND)
DIGEST_NOW = Decision(Timing.DIGEST)


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: int  # local hour the window opens
    end: int  # local hour it closes (exclusive)

    def contains(self, hour: int) -> bool:
        if self.start < self.end:
            return self.start <= hour < self.end
        return hour >= self.start or hour < self.end


@functools.lru_cache(maxsize=256)
def parse_quiet_hours(text: str | None) -> QuietHours | None:
    """ "22-07" → QuietHours(22, 7); None, "" or an empty window → None.

    A value this module cannot read is logged and ignored: a typo must not silence a chat.
    """
    if not text:
        return None
    match = _QUIET.match(text)
    if match is None or not all(0 <= int(h) <= 24 for h in match.groups()):
        log.warning("ignoring unreadable quiet hours %r (expected e.g. 22-07)", text)
        return None
    start, end = (int(h) % 24 for h in match.groups())
    return None if start == end else QuietHours(start, end)


@functools.lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo:
    """The chat's zone; an unknown name falls back to UTC (logged) rather than failing a send."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r; using UTC for this chat's schedule", name)
        return ZoneInfo("UTC")


def quiet_until(now: datetime, quiet: QuietHours | None, tz: ZoneInfo) -> datetime | None:
    """The end of the quiet window `now` falls in, or None when `now` is not quiet."""
    if quiet is None:
        return None
    local = now.astimezone(tz)
    if not quiet.contains(local.hour):
        return None
    end_day = local.date()
    if local.hour >= quiet.end:  # the window wraps midnight and we are before it
        end_day += timedelta(days=1)
    return _local_moment(end_day, quiet.end, tz)


def digest_time(queued_at: datetime, tz: ZoneInfo, hour: int = DEFAULT_DIGEST_HOUR) -> datetime:
    """The first digest moment at or after `queued_at` (an aware datetime)."""
    local = queued_at.astimezone(tz)
    moment = _local_moment(local.date(), hour, tz)
    if moment < queued_at:
        moment = _local_moment(local.date() + timedelta(days=1), hour, tz)
    return moment


def decide(
    now: datetime,
    *,
    queued_at: datetime,
    digest: bool,
    quiet_hours: str | None,
    timezone: str | None,
    digest_hour: int = DEFAULT_DIGEST_HOUR,
) -> Decision:
    """What to do with one delivery claimed at `now`."""
    if not digest and not quiet_hours:
        return SEND_NOW  # the common case, without time-zone work
    tz = zone(timezone)
    if digest:
        ready = digest_time(queued_at, tz, digest_hour)
        if now < ready:
            return Decision(Timing.WAIT, ready)
    until = quiet_until(now, parse_quiet_hours(quiet_hours), tz)
    if until is not None:
        return Decision(Timing.WAIT, until)
    return DIGEST_NOW if digest else SEND_NOW


def _local_moment(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 local on `day`, in UTC (zoneinfo resolves a time a clock change skips)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)
