"""Telegram's speed limits as waits, on a clock the test moves by hand."""

from __future__ import annotations

import pytest

from bot.deliver.limiter import Limits, RateLimiter

LAN, MINH, GROUP = 101, 102, -500


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Monotonic:
    return Monotonic()


def send_all_allowed_now(limiter: RateLimiter, chats: range) -> int:
    """How many of these chats may get a message right now (each is sent one if so)."""
    sent = 0
    for chat_id in chats:
        if limiter.delay_for(chat_id, is_private=True) == 0:
            limiter.sent(chat_id, is_private=True)
            sent += 1
    return sent


def sent_within(limiter: RateLimiter, clock: Monotonic, seconds: float) -> int:
    """Send to new chats whenever allowed, stepping the clock by a millisecond."""
    sent, chat_id, end = 0, 10_000, clock.now + seconds
    while clock.now < end:
        sent += send_all_allowed_now(limiter, range(chat_id, chat_id + 50))
        chat_id += 50
        clock.now += 0.001
    return sent


def test_the_free_budget_is_thirty_messages_a_second(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits(), clock)

    assert sent_within(limiter, clock, 10) == pytest.approx(300, abs=4)


def test_only_a_tenth_of_a_seconds_budget_leaves_at_once(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits(), clock)

    assert send_all_allowed_now(limiter, range(1, 100)) == 3
    assert limiter.delay_for(200, is_private=True) == pytest.approx(1 / 30)


def test_paid_broadcast_raises_the_budget_to_a_thousand_a_second(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits.paid(), clock)

    assert sent_within(limiter, clock, 2) == pytest.approx(2000, abs=101)


def test_paid_broadcast_keeps_one_message_a_second_per_private_chat(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits.paid(), clock)
    limiter.sent(LAN, is_private=True)

    assert limiter.delay_for(LAN, is_private=True) == pytest.approx(1.0)
    assert limiter.delay_for(MINH, is_private=True) == 0


def test_the_burst_can_be_set(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits(global_per_second=300, global_burst=60), clock)

    assert send_all_allowed_now(limiter, range(1, 100)) == 60


def test_a_group_gets_twenty_messages_a_minute(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits(global_per_second=1000), clock)
    for _ in range(20):
        assert limiter.delay_for(GROUP, is_private=False) == 0
        limiter.sent(GROUP, is_private=False)
        clock.now += 0.1

    assert limiter.delay_for(GROUP, is_private=False) == pytest.approx(58.0)


def test_a_429_pauses_that_chat_and_slows_everyone_until_quiet_returns(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits(global_per_second=30), clock)

    limiter.flood(LAN, retry_after=5)

    assert limiter.delay_for(LAN, is_private=True) == pytest.approx(5.0)
    assert limiter.global_rate == pytest.approx(22.5)
    clock.now += 10  # ten quiet seconds regain 0.5 message/s each
    limiter.delay_for(MINH, is_private=True)
    assert limiter.global_rate == pytest.approx(27.5)
    clock.now += 60
    limiter.delay_for(MINH, is_private=True)
    assert limiter.global_rate == 30


def test_a_long_broadcast_forgets_chats_whose_limits_have_passed(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits.paid(), clock)
    sent = sent_within(limiter, clock, 12)  # twelve seconds at 1,000 new chats a second

    assert sent > 11_900 and limiter.tracked_chats < 7_000


def test_with_limits_off_nothing_waits(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits(enabled=False), clock)

    assert send_all_allowed_now(limiter, range(1, 5000)) == 4999
    assert limiter.tracked_chats == 0


def test_paid_broadcast_recovers_from_a_429_within_a_minute_too(clock: Monotonic) -> None:
    limiter = RateLimiter(Limits.paid(), clock)

    limiter.flood(LAN, retry_after=1)
    assert limiter.global_rate == pytest.approx(750)
    clock.now += 30
    limiter.delay_for(MINH, is_private=True)
    assert limiter.global_rate == pytest.approx(1000)
