"""Telegram's speed limits as a scheduler: when may the next message to this chat go out?

Telegram allows about 30 messages a second overall, one a second to a private chat and twenty a
minute to a group or channel (https://core.telegram.org/bots/faq, "My bot is hitting limits").
With paid broadcast (sendMessage's `allow_paid_broadcast`, 0.1 Telegram Stars a message,
https://core.telegram.org/bots/api#sendmessage) the overall budget is up to 1,000 a second;
the per-chat limits still hold. The limiter answers "how long to wait" instead of sleeping
itself, so the sender can skip a busy chat and serve another: one slow group never stalls a
broadcast.

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
PRUNE_EVERY = 5.0  # seconds between sweeps of per-chat state during a long broadcast
PAID_BROADCAST_PER_SECOND = 1000.0


@dataclass(frozen=True, slots=True)
class Limits:
    global_per_second: float = 30.0
    private_interval: float = 1.0  # seconds between messages to one private chat
    group_per_minute: int = 20
    enabled: bool = True
    min_global_per_second: float = 1.0
    decrease_factor: float = 0.75
    # Messages/s regained per second without a 429; None: the budget over a minute (0.5 for
    # the free 30/s), so paid broadcast recovers as fast, relatively.
    recovery_per_second: float | None = None
    # Paid broadcast: sendMessage carries allow_paid_broadcast=True and the overall budget is
    # `paid_per_second` instead of `global_per_second`.
    paid_broadcast: bool = False
    paid_per_second: float = PAID_BROADCAST_PER_SECOND
    # Messages that may leave at once after a quiet spell; None: a tenth of a second's worth.
    # Small on purpose: requests reach Telegram with jittered delays, and a sender that is
    # smooth at its end stays under the limit at Telegram's end even when they bunch up.
    global_burst: float | None = None

    @property
    def budget(self) -> float:
        """The overall rate this configuration aims for, in messages a second."""
        return self.paid_per_second if self.paid_broadcast else self.global_per_second

    @property
    def recovery(self) -> float:
        return self.recovery_per_second or self.budget / 60

    @classmethod
    def paid(cls, per_second: float = PAID_BROADCAST_PER_SECOND) -> Limits:
        """Paid broadcast: up to 1,000 messages a second, per-chat limits unchanged."""
        return cls(paid_broadcast=True, paid_per_second=per_second)


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
        burst = limits.global_burst if limits.global_burst is not None else limits.budget / 10
        self._global = TokenBucket(limits.budget, max(1.0, burst), clock)
        self._private_next: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}
        self._paused_until: dict[int, float] = {}
        self._last_429 = -1e9
        self._recovered_at = clock()
        self._pruned_at = clock()
        self.rate_limited = 0

    @property
    def global_rate(self) -> float:
        return self._global.rate

    @property
    def tracked_chats(self) -> int:
        """Chats whose own limit is remembered now (memory use during a broadcast)."""
        return len(self._private_next) + len(self._group_sent) + len(self._paused_until)

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
        if now - self._pruned_at > PRUNE_EVERY:
            # A broadcast to a million chats touches each once: forget them as they expire.
            self.forget_idle()

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
        if now - self._last_429 > 1 and self._global.rate < self.limits.budget:
            self._global.rate = min(
                self.limits.budget,
                self._global.rate + self.limits.recovery * elapsed,
            )

    def forget_idle(self) -> None:
        """Drop per-chat state that no longer limits anything, so memory stays flat."""
        now = self._clock()
        self._pruned_at = now
        self._private_next = {c: t for c, t in self._private_next.items() if t > now}
        self._paused_until = {c: t for c, t in self._paused_until.items() if t > now}
        self._group_sent = {c: w for c, w in self._group_sent.items() if w and w[-1] > now - 60}
