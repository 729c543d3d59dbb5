"""The sender drains the outbox: claim due deliveries, send each, record the outcome.

Every Telegram answer has one meaning for the delivery row: sent, retry later, resend
somewhere else, resend as plain text, or fail with a reason. One chat's error never touches
another chat's delivery.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.deliver.limiter import Limits, RateLimiter
from bot.store.alerts import AlertRecord, AlertRepository, DeliveryTask
from bot.store.chats import BLOCKED, ChatRepository

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    html: str
    plain: str


RenderAlert = Callable[[AlertRecord, str, str | None], OutgoingMessage]
TemplateProblem = Callable[[int, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SenderConfig:
    concurrency: int = 16
    batch_size: int = 256
    max_attempts: int = 6
    backoff_base: float = 2.0
    backoff_cap: float = 600.0
    idle_wait: float = 2.0
    # A chat that must wait longer than this goes back to the queue instead of holding a slot.
    max_inline_wait: float = 1.5


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
        self._config = config or SenderConfig()
        self._on_template_problem = on_template_problem
        self._wake = asyncio.Event()
        self.limiter = limiter or RateLimiter(Limits())

    def wake(self) -> None:
        """Tell the sender new deliveries are waiting, so it does not wait for its tick."""
        self._wake.set()

    async def run_forever(self) -> None:
        while True:
            sent = await self.drain_once()
            if sent == 0:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), self._config.idle_wait)
                except TimeoutError:
                    pass

    async def drain_once(self) -> int:
        """Send every delivery due now; returns how many were attempted."""
        attempted = 0
        messages: dict[tuple[int, str, str | None], OutgoingMessage | None] = {}
        limit = asyncio.Semaphore(self._config.concurrency)
        while tasks := await self._alerts.claim_due(self._config.batch_size, now=self._clock()):
            attempted += len(tasks)
            await self._prepare(tasks, messages)

            async def guarded(task: DeliveryTask) -> None:
                async with limit:
                    await self._deliver(task, messages[_variant(task)])

            await asyncio.gather(*(guarded(task) for task in tasks))
        return attempted

    async def _prepare(
        self,
        tasks: list[DeliveryTask],
        messages: dict[tuple[int, str, str | None], OutgoingMessage | None],
    ) -> None:
        """Render once per (alert, locale, citizenship), however many chats share it."""
        for task in tasks:
            key = _variant(task)
            if key in messages:
                continue
            alert = await self._alerts.get_alert(task.alert_id)
            messages[key] = self._render(alert, task.locale, task.country) if alert else None

    async def _wait_for_turn(self, task: DeliveryTask) -> bool:
        """Wait out a short rate-limit delay; a long one sends the row back to the queue."""
        is_private = task.chat_id > 0  # Telegram: users are positive, groups and channels not
        while (delay := self.limiter.delay_for(task.chat_id, is_private)) > 0:
            if delay > self._config.max_inline_wait:
                now = self._clock()
                await self._alerts.postpone(
                    task.delivery_id, not_before=now + timedelta(seconds=delay), now=now
                )
                return False
            await asyncio.sleep(delay)
        self.limiter.sent(task.chat_id, is_private)
        return True

    async def _deliver(self, task: DeliveryTask, message: OutgoingMessage | None) -> None:
        if message is None:
            now = self._clock()
            await self._alerts.mark_failed(task.delivery_id, "alert no longer exists", now=now)
            return
        if not await self._wait_for_turn(task):
            return
        now = self._clock()
        try:
            sent = await self._send(task.chat_id, message.html, task.thread_id, html=True)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            self.limiter.flood(task.chat_id, wait)
            # Not a failure of this message: it waits its turn without using up attempts.
            await self._alerts.postpone(
                task.delivery_id, not_before=now + timedelta(seconds=wait), now=now
            )
            return
        except ChatMigrated as exc:
            await self._chats.migrate(task.chat_id, exc.new_chat_id, now=now)
            await self._alerts.redirect(task.delivery_id, exc.new_chat_id, now=now)
            self.wake()
            return
        except Forbidden as exc:
            await self._give_up_on_chat(task, f"blocked: {exc.message}", now)
            return
        except BadRequest as exc:
            await self._handle_bad_request(task, message, exc, now)
            return
        except NetworkError as exc:
            await self._retry_or_fail(task, f"network: {exc.message}", now)
            return
        await self._alerts.mark_sent(task.delivery_id, sent, now=self._clock())

    async def _handle_bad_request(
        self, task: DeliveryTask, message: OutgoingMessage, exc: BadRequest, now: datetime
    ) -> None:
        text = exc.message.lower()
        if "chat not found" in text or "user is deactivated" in text:
            await self._give_up_on_chat(task, exc.message, now)
            return
        if "can't parse entities" in text:
            if self._on_template_problem is not None:
                await self._on_template_problem(task.alert_id, exc.message)
            try:
                sent = await self._send(task.chat_id, message.plain, task.thread_id, html=False)
            except (BadRequest, Forbidden, NetworkError) as retry_exc:
                await self._retry_or_fail(task, f"plain resend: {retry_exc.message}", now)
                return
            await self._alerts.mark_sent(task.delivery_id, sent, now=self._clock())
            return
        await self._alerts.mark_failed(task.delivery_id, f"bad request: {exc.message}", now=now)

    async def _give_up_on_chat(self, task: DeliveryTask, reason: str, now: datetime) -> None:
        await self._chats.set_status(task.chat_id, BLOCKED, now=now)
        await self._alerts.mark_failed(task.delivery_id, reason, now=now)

    async def _retry_or_fail(self, task: DeliveryTask, reason: str, now: datetime) -> None:
        attempts = task.attempts + 1
        if attempts >= self._config.max_attempts:
            await self._alerts.mark_failed(
                task.delivery_id, f"{reason} (gave up after {attempts} attempts)", now=now
            )
            return
        delay = min(self._config.backoff_cap, self._config.backoff_base**attempts)
        delay *= random.uniform(0.5, 1.0)
        await self._alerts.retry_later(
            task.delivery_id, reason, not_before=now + timedelta(seconds=delay), now=now
        )

    async def _send(self, chat_id: int, text: str, thread_id: int | None, *, html: bool) -> int:
        sent = await self._bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode="HTML" if html else None,
            message_thread_id=thread_id,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
        return sent.message_id


def _variant(task: DeliveryTask) -> tuple[int, str, str | None]:
    return (task.alert_id, task.locale, task.country)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
