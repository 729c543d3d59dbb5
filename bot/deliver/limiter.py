"""Telegram's speed limits as a scheduler: when may the next message to this chat go out?

Telegram allows about 30 messages a second overall, one a second to a private chat and twenty a
minute to a group or channel. The limiter answers "how long to wait" instead of sleeping itself,
so the sender can skip a busy chat and serve another: one slow group never stalls a broadcast.

The global rate adapts: each 429 lowers it (multiplicative decrease), each quiet stretch raises
it back towards the configured rate (additive increase), so a broadcast settles just under the
real limit even when the configured one is too optimistic.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Monotonic = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Limits:
    global_per_second: float = 30.0
    private_interval: float = 1.0  # seconds between messages to one private chat
    group_per_minute: int = 20
    enabled: bool = True
    min_global_per_second: float = 1.0
    decrease_factor: float = 0.75
    recovery_per_second: float = 0.5  # messages/s regained per quiet second


class TokenBucket:
    """A bucket of `rate` tokens a second, holding at most `burst`."""

    def __init__(self, rate: float, burst: float, clock: Monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def delay(self) -> float:
        """Seconds until one token is available (0 when one is there now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self) -> None:
        self._refill()
        self._tokens -= 1


class RateLimiter:
    """Global, per-private-chat and per-group limits, with an adaptive global rate."""

    def __init__(self, limits: Limits, clock: Monotonic = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._global = TokenBucket(
            limits.global_per_second, max(1.0, limits.global_per_second), clock
        )
        self._private_next: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}
        self._paused_until: dict[int, float] = {}
        self._last_429 = -1e9
        self._recovered_at = clock()
        self.rate_limited = 0

    @property
    def global_rate(self) -> float:
        return self._global.rate

    def delay_for(self, chat_id: int, is_private: bool) -> float:
        """Seconds this chat must still wait; 0 means it may send now (then call `sent`)."""
        if not self.limits.enabled:
            return 0.0
        self._recover()
        now = self._clock()
        waits = [self._paused_until.get(chat_id, 0.0) - now]
        if is_private:
            waits.append(self._private_next.get(chat_id, 0.0) - now)
        else:
            window = self._group_sent.get(chat_id)
            if window is not None:
                while window and window[0] <= now - 60:
                    window.popleft()
                if len(window) >= self.limits.group_per_minute:
                    waits.append(window[0] + 60 - now)
        chat_wait = max(waits)
        return chat_wait if chat_wait > 0 else self._global.delay()

    def sent(self, chat_id: int, is_private: bool) -> None:
        if not self.limits.enabled:
            return
        now = self._clock()
        self._global.take()
        if is_private:
            self._private_next[chat_id] = now + self.limits.private_interval
        else:
            self._group_sent.setdefault(chat_id, deque()).append(now)

    def flood(self, chat_id: int, retry_after: float) -> None:
        """A 429: pause this chat as told and slow everyone down a little."""
        now = self._clock()
        self.rate_limited += 1
        self._paused_until[chat_id] = now + retry_after
        if self.limits.enabled:
            self._global.rate = max(
                self.limits.min_global_per_second, self._global.rate * self.limits.decrease_factor
            )
        self._last_429 = now

    def _recover(self) -> None:
        """Regain `recovery_per_second` of rate for every second without a 429."""
        now = self._clock()
        elapsed, self._recovered_at = now - self._recovered_at, now
        if now - self._last_429 > 1 and self._global.rate < self.limits.global_per_second:
            self._global.rate = min(
                self.limits.global_per_second,
                self._global.rate + self.limits.recovery_per_second * elapsed,
            )

    def forget_idle(self) -> None:
        """Drop per-chat state that no longer limits anything, so memory stays flat."""
        now = self._clock()
        self._private_next = {c: t for c, t in self._private_next.items() if t > now}
        self._paused_until = {c: t for c, t in self._paused_until.items() if t > now}
        self._group_sent = {c: w for c, w in self._group_sent.items() if w and w[-1] > now - 60}
