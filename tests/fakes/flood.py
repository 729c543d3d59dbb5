"""Telegram-like flood limits: token buckets per chat and overall, off until a test asks.

Telegram documents its limits only loosely (https://core.telegram.org/bots/faq#my-bot-is-
hitting-limits-how-do-i-avoid-this): about 30 messages a second overall, about one a second in
one private chat with short bursts tolerated, and 20 a minute in one group or channel. A message
over the limit gets 429 with a whole number of seconds in `retry_after` and is not delivered.
The clock is injected so tests can move time instead of sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Rates in messages per second and bucket sizes (the burst a chat may send at once)."""

    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 2
    group_per_minute: float = 20.0
    group_burst: int = 20


@dataclass(slots=True)
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_for_one(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class FloodLimiter:
    """Decides whether one more message may go out now, and if not, how long to wait."""

    def __init__(self, limits: FloodLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self._clock = clock
        self._global = self._bucket(limits.global_per_second, limits.global_burst)
        self._chats: dict[int, _Bucket] = {}

    def _bucket(self, rate: float, burst: int) -> _Bucket:
        return _Bucket(rate, float(burst), float(burst), self._clock())

    def _chat_bucket(self, chat_id: int, private: bool) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            limits = self.limits
            bucket = (
                self._bucket(limits.private_per_second, limits.private_burst)
                if private
                else self._bucket(limits.group_per_minute / 60.0, limits.group_burst)
            )
            self._chats[chat_id] = bucket
        return bucket

    def try_send(self, chat_id: int, private: bool) -> int | None:
        """Take one message from both buckets; None if allowed, else whole seconds to wait."""
        now = self._clock()
        buckets = (self._global, self._chat_bucket(chat_id, private))
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.wait_for_one() for bucket in buckets)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None
