"""The sender drains the outbox: claim due deliveries, send each, record the outcome.

Every Telegram answer has one meaning for the delivery row: sent, try again later, resend to a
migrated group's new id, resend as plain text, or fail with a reason. One chat's error never
touches another chat's delivery.

Crash safety: rows are marked in flight when claimed and sent after Telegram answers; outcomes
are written in small batches, so after a kill the only rows that may be sent twice are those
whose request was under way or whose outcome was not yet written: at most
`SenderConfig.inflight_bound`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.deliver.limiter import Limits, RateLimiter
from bot.store.alerts import (
    FAILED,
    PENDING,
    SENT,
    AlertRecord,
    AlertRepository,
    DeliveryOutcome,
    DeliveryTask,
)
from bot.store.chats import BLOCKED, ChatRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    html: str
    plain: str


RenderAlert = Callable[[AlertRecord, str, str | None], OutgoingMessage]
TemplateProblem = Callable[[int, str], Awaitable[None]]
Variant = tuple[int, str, str | None]


@dataclass(frozen=True, slots=True)
class SenderConfig:
    concurrency: int = 16
    batch_size: int = 256
    flush_size: int = 16  # outcomes written together
    flush_interval: float = 0.05  # … or at least this often (seconds)
    max_attempts: int = 6
    backoff_initial: float = 2.0  # seconds before the first retry; doubles each attempt
    backoff_cap: float = 600.0
    idle_wait: float = 2.0
    # A chat that must wait longer than this goes back to the queue instead of holding a slot.
    max_inline_wait: float = 1.5

    @property
    def inflight_bound(self) -> int:
        """The most messages a kill -9 can make a subscriber receive twice."""
        return self.concurrency + self.flush_size


class Sender:
    def __init__(
        self,
        bot: Bot,
        alerts: AlertRepository,
        chats: ChatRepository,
        render: RenderAlert,
        clock: Clock,
        config: SenderConfig | None = None,
        on_template_problem: TemplateProblem | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self._bot = bot
        self._alerts = alerts
        self._chats = chats
        self._render = render
        self._clock = clock
        self.config = config or SenderConfig()
        self._on_template_problem = on_template_problem
        self._wake = asyncio.Event()
        self.limiter = limiter or RateLimiter(Limits())
        self._draining = asyncio.Lock()
        self._stopping = False

    def wake(self) -> None:
        """Tell the sender new deliveries are waiting, so it does not wait for its tick."""
        self._wake.set()

    async def run_forever(self) -> None:
        """Drain whenever woken (or every `idle_wait`) until `stop()`."""
        while not self._stopping:
            self._wake.clear()
            attempted = await self.drain_once()
            if attempted == 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.idle_wait)

    def stop(self) -> None:
        """Finish the messages under way, record them, then let `run_forever` return."""
        self._stopping = True
        self._wake.set()

    async def drain_once(self) -> int:
        """Send every delivery due now; returns how many were attempted.

        One drain at a time: a caller that finds one under way waits for it, then drains.
        """
        async with self._draining:
            return await self._drain()

    async def _drain(self) -> int:
        queue: asyncio.Queue[DeliveryTask] = asyncio.Queue(maxsize=self.config.batch_size)
        messages: dict[Variant, OutgoingMessage | None] = {}
        book = _OutcomeBook(self._alerts, self._clock, self.config)
        workers = [
            asyncio.create_task(self._worker(queue, messages, book))
            for _ in range(self.config.concurrency)
        ]
        flusher = asyncio.create_task(book.flush_periodically())
        attempted = 0
        try:
            while not self._stopping and (
                tasks := await self._alerts.claim_due(self.config.batch_size, now=self._clock())
            ):
                attempted += len(tasks)
                await self._prepare(tasks, messages)
                for task in tasks:
                    await queue.put(task)
            await queue.join()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await book.close(flusher)
        self.limiter.forget_idle()
        return attempted

    async def _worker(
        self,
        queue: asyncio.Queue[DeliveryTask],
        messages: dict[Variant, OutgoingMessage | None],
        book: _OutcomeBook,
    ) -> None:
        while True:
            task = await queue.get()
            try:
                outcome = await self._deliver(task, messages[_variant(task)])
            except Exception as exc:  # one delivery's surprise must not stop the others
                log.exception("delivery failed unexpectedly", extra={"chat_id": task.chat_id})
                outcome = self._retry_or_fail(task, f"internal error: {type(exc).__name__}")
            finally:
                queue.task_done()
            if outcome is not None:
                book.add(outcome)

    async def _prepare(
        self, tasks: list[DeliveryTask], messages: dict[Variant, OutgoingMessage | None]
    ) -> None:
        """Render once per (alert, locale, citizenship), however many chats share it."""
        for task in tasks:
            key = _variant(task)
            if key in messages:
                continue
            alert = await self._alerts.get_alert(task.alert_id)
            messages[key] = self._render(alert, task.locale, task.country) if alert else None

    async def _wait_for_turn(self, task: DeliveryTask) -> DeliveryOutcome | None:
        """Wait out a short rate-limit delay; a long one sends the row back to the queue."""
        is_private = task.chat_id > 0  # Telegram: users are positive, groups and channels not
        while (delay := self.limiter.delay_for(task.chat_id, is_private)) > 0:
            if delay > self.config.max_inline_wait:
                return DeliveryOutcome(
                    task.delivery_id, PENDING,
                    not_before=self._clock() + timedelta(seconds=delay),
                )  # fmt: skip
            await asyncio.sleep(delay)
        self.limiter.sent(task.chat_id, is_private)
        return None

    async def _deliver(
        self, task: DeliveryTask, message: OutgoingMessage | None
    ) -> DeliveryOutcome | None:
        """The outcome to record, or None when it was recorded already."""
        if message is None:
            return DeliveryOutcome(task.delivery_id, FAILED, reason="alert no longer exists")
        if (postponed := await self._wait_for_turn(task)) is not None:
            return postponed
        try:
            sent = await self._send(task.chat_id, message.html, task.thread_id, html=True)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            self.limiter.flood(task.chat_id, wait)
            # Not a failure of this message: it waits its turn without using up attempts.
            return DeliveryOutcome(
                task.delivery_id, PENDING, reason=f"flood limit: retry after {wait:.0f} s",
                not_before=self._clock() + timedelta(seconds=wait),
            )  # fmt: skip
        except ChatMigrated as exc:
            await self._follow_migration(task, exc.new_chat_id)
            return None
        except Forbidden as exc:
            return await self._give_up_on_chat(task, f"blocked: {exc.message}")
        except BadRequest as exc:
            return await self._handle_bad_request(task, message, exc)
        except NetworkError as exc:
            return self._retry_or_fail(task, f"network: {exc.message}")
        return DeliveryOutcome(task.delivery_id, SENT, message_id=sent)

    async def _follow_migration(self, task: DeliveryTask, new_chat_id: int) -> None:
        """The group became a supergroup: move it, and queue the message for the new id."""
        now = self._clock()
        await self._chats.migrate(task.chat_id, new_chat_id, now=now)
        await self._alerts.redirect(task.delivery_id, new_chat_id, now=now)
        self.wake()

    async def _handle_bad_request(
        self, task: DeliveryTask, message: OutgoingMessage, exc: BadRequest
    ) -> DeliveryOutcome:
        text = exc.message.lower()
        if "chat not found" in text or "user is deactivated" in text:
            return await self._give_up_on_chat(task, exc.message)
        if "can't parse entities" not in text:
            return DeliveryOutcome(task.delivery_id, FAILED, reason=f"bad request: {exc.message}")
        log.error(
            "Telegram refused an alert's HTML; sending it as plain text: %s",
            exc.message,
            extra={"alert_id": task.alert_id},
        )
        if self._on_template_problem is not None:
            await self._on_template_problem(task.alert_id, exc.message)
        try:
            sent = await self._send(task.chat_id, message.plain, task.thread_id, html=False)
        except (BadRequest, Forbidden, NetworkError) as retry_exc:
            return self._retry_or_fail(task, f"plain resend: {retry_exc.message}")
        return DeliveryOutcome(task.delivery_id, SENT, message_id=sent)

    async def _give_up_on_chat(self, task: DeliveryTask, reason: str) -> DeliveryOutcome:
        await self._chats.set_status(task.chat_id, BLOCKED, now=self._clock())
        return DeliveryOutcome(task.delivery_id, FAILED, reason=reason)

    def _retry_or_fail(self, task: DeliveryTask, reason: str) -> DeliveryOutcome:
        attempts = task.attempts + 1
        if attempts >= self.config.max_attempts:
            return DeliveryOutcome(
                task.delivery_id, FAILED, reason=f"{reason} (gave up after {attempts} attempts)",
                counts_as_attempt=True,
            )  # fmt: skip
        delay = min(self.config.backoff_cap, self.config.backoff_initial * 2 ** (attempts - 1))
        delay *= random.uniform(0.5, 1.0)
        return DeliveryOutcome(
            task.delivery_id, PENDING, reason=reason, counts_as_attempt=True,
            not_before=self._clock() + timedelta(seconds=delay),
        )  # fmt: skip

    async def _send(self, chat_id: int, text: str, thread_id: int | None, *, html: bool) -> int:
        sent = await self._bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode="HTML" if html else None,
            message_thread_id=thread_id,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        return sent.message_id


class _OutcomeBook:
    """Outcomes waiting to be written: flushed when `flush_size` gather or every interval."""

    def __init__(self, alerts: AlertRepository, clock: Clock, config: SenderConfig) -> None:
        self._alerts = alerts
        self._clock = clock
        self._config = config
        self._outcomes: list[DeliveryOutcome] = []
        self._due = asyncio.Event()
        self._closing = False

    def add(self, outcome: DeliveryOutcome) -> None:
        self._outcomes.append(outcome)
        if len(self._outcomes) >= self._config.flush_size:
            self._due.set()

    async def flush_periodically(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), self._config.flush_interval)
            self._due.clear()
            await self.flush()

    async def close(self, flusher: asyncio.Task[None]) -> None:
        """Stop the periodic flush without interrupting a write, then write the rest."""
        self._closing = True
        self._due.set()
        await asyncio.gather(flusher, return_exceptions=True)
        await self.flush()

    async def flush(self) -> None:
        # Outcomes leave the book only once written: an interrupted write loses none of them
        # (writing one twice is harmless: each sets the same final state).
        outcomes = self._outcomes[:]
        if outcomes:
            await self._alerts.record_outcomes(outcomes, now=self._clock())
            del self._outcomes[: len(outcomes)]


def _variant(task: DeliveryTask) -> Variant:
    return (task.alert_id, task.locale, task.country)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
