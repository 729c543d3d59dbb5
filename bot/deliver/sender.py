"""The sender drains the outbox: claim due deliveries, send each, record the outcome.

Every Telegram answer has one meaning for the delivery row: sent, try again later, resend to a
migrated group's new id, resend as plain text, or fail with a reason. One chat's error never
touches another chat's delivery.

Timing is decided when a row is claimed (`bot.deliver.schedule`): a row due in the chat's
quiet hours goes back to the queue until the window ends, and a digest chat's rows wait for
its digest time, then leave together as one message (`render_digest`). Nothing is dropped.

Crash safety: rows are marked in flight when claimed and sent after Telegram answers; outcomes
are written in small batches, and workers wait when `SenderConfig.max_unwritten` of them are
not yet written. After a kill -9 the only messages that can go out twice are those whose
request was under way or whose outcome was not yet written: at most
`SenderConfig.inflight_bound`. On a graceful stop, rows claimed but not yet sent go straight
back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.deliver.limiter import Limits, RateLimiter
from bot.deliver.schedule import DEFAULT_DIGEST_HOUR, Decision, Timing, decide
from bot.metrics import Metrics
from bot.store.alerts import (
    FAILED,
    PENDING,
    RETRACTED,
    SENT,
    SENT_ON_THEIR_OWN,
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
# The chat's waiting alerts (oldest first), its locale and its citizenship → one message.
RenderDigest = Callable[[list[AlertRecord], str, str | None], OutgoingMessage]
TemplateProblem = Callable[[int, str], Awaitable[None]]
Variant = tuple[int, str, str | None]


@dataclass(frozen=True, slots=True)
class SenderConfig:
    concurrency: int = 16  # requests under way at once; Little's law: rate x round trip
    batch_size: int = 256  # rows claimed per query
    # Outcomes written together, or at least every `flush_interval` seconds. Each write is a
    # transaction costing milliseconds however few rows it has (and on SQLite a hop to its
    # thread): 64 at a time keeps bookkeeping near 2% of the CPU a send costs.
    flush_size: int = 64
    flush_interval: float = 0.25
    max_attempts: int = 6
    backoff_initial: float = 2.0  # seconds before the first retry; doubles each attempt
    backoff_cap: float = 600.0
    idle_wait: float = 2.0
    # A chat that must wait longer than this goes back to the queue instead of holding a slot.
    max_inline_wait: float = 1.5
    digest_hour: int = DEFAULT_DIGEST_HOUR  # local time of a digest chat's daily message
    write_retry: float = 1.0  # seconds between attempts to write outcomes when the store fails
    write_attempts_at_close: int = 3
    # Safety net: at the start of a round (when this sender holds no row) rows in flight for
    # longer than this are orphans of a round that failed (the store went away mid-round).
    stale_inflight: float = 600.0

    @property
    def max_unwritten(self) -> int:
        """Outcomes that may wait to be written before workers pause: a batch being written
        plus what the workers finish meanwhile."""
        return self.flush_size + self.concurrency

    @property
    def inflight_bound(self) -> int:
        """The most messages a kill -9 can make Telegram deliver twice (each to another chat):
        those under way, and those sent whose outcome was not written yet."""
        return self.concurrency + self.max_unwritten


@dataclass(frozen=True, slots=True)
class _Unsendable:
    """Why an alert cannot be rendered now: for good (`final`) or until a retry."""

    reason: str
    final: bool


@dataclass(slots=True, eq=False)
class _Digest:
    """One chat's digest: the rows claimed for it so far, merged until a worker starts it."""

    chat_id: int
    tasks: list[DeliveryTask] = field(default_factory=list)
    started: bool = False


_Item = DeliveryTask | _Digest
_Prepared = OutgoingMessage | _Unsendable


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
        render_digest: RenderDigest | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """`render_digest` None: digest chats get each alert as it comes (quiet hours apply)."""
        self._metrics = metrics or Metrics()
        self._bot = bot
        self._alerts = alerts
        self._chats = chats
        self._render = render
        self._render_digest = render_digest
        self._clock = clock
        self.config = config or SenderConfig()
        self._on_template_problem = on_template_problem
        self._wake = asyncio.Event()
        self._stop_requested = asyncio.Event()
        self.limiter = limiter or RateLimiter(Limits())
        self._draining = asyncio.Lock()
        self._stopping = False

    def wake(self) -> None:
        """Tell the sender new deliveries are waiting, so it does not wait for its tick."""
        self._wake.set()

    async def run_forever(self) -> None:
        """Drain whenever woken (or every `idle_wait`) until `stop()`.

        A store that fails (a restart, a full disk) costs a pause, not the sender.
        """
        while not self._stopping:
            self._wake.clear()
            try:
                attempted = await self.drain_once()
            except Exception:
                log.exception("delivery round failed; trying again in %s s", self.config.idle_wait)
                attempted = 0
            if attempted == 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.idle_wait)

    def stop(self) -> None:
        """Finish the messages under way, record them, queue the rest again; then return."""
        self._stopping = True
        self._stop_requested.set()
        self._wake.set()

    async def drain_once(self) -> int:
        """Handle every delivery due now; returns how many rows were claimed.

        One drain at a time: a caller that finds one under way waits for it, then drains.
        """
        async with self._draining:
            return await self._drain()

    # --- one round ----------------------------------------------------------------------

    async def _drain(self) -> int:
        queue: asyncio.Queue[_Item] = asyncio.Queue(maxsize=self.config.batch_size)
        round_ = _Round(self._alerts)
        book = _OutcomeBook(self._alerts, self._clock, self.config)
        workers = [
            asyncio.create_task(self._worker(queue, round_, book))
            for _ in range(self.config.concurrency)
        ]
        flusher = asyncio.create_task(book.flush_periodically())
        attempted = 0
        try:
            await self._alerts.recover_inflight(
                older_than=timedelta(seconds=self.config.stale_inflight), now=self._clock()
            )
            while not self._stopping and (
                tasks := await self._alerts.claim_due(self.config.batch_size, now=self._clock())
            ):
                if attempted == 0 and len(tasks) == self.config.batch_size:
                    await self._alerts.refresh_outbox_statistics()  # a big broadcast begins
                attempted += len(tasks)
                ready = await self._plan(tasks, round_, book)
                await self._prepare(ready, round_)
                await self._enqueue(ready, queue, book)
            await self._finish_or_stop(queue, book)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await book.close(flusher)
        self.limiter.forget_idle()
        return attempted

    async def _plan(
        self, tasks: list[DeliveryTask], round_: _Round, book: _OutcomeBook
    ) -> list[_Item]:
        """Sort claimed rows: send now, wait (quiet hours, digest time), or join a digest."""
        now = self._clock()
        decisions = [self._decide(task, now) for task in tasks]
        # A chat whose digest leaves now takes every row it has, even those not yet due.
        pairs = list(zip(tasks, decisions, strict=True))
        digesting = {task.chat_id for task, d in pairs if d.timing is Timing.DIGEST}
        ready: list[_Item] = []
        waiting: list[DeliveryOutcome] = []
        for task, decision in pairs:
            if decision.timing is Timing.SEND:
                ready.append(task)
            elif decision.timing is Timing.WAIT and task.chat_id not in digesting:
                waiting.append(
                    DeliveryOutcome(task.delivery_id, PENDING, not_before=decision.until)
                )
            else:
                digest = round_.digests.get(task.chat_id)
                if digest is None or digest.started:
                    digest = round_.digests[task.chat_id] = _Digest(task.chat_id)
                    ready.append(digest)
                digest.tasks.append(task)
        if waiting:
            await book.add(waiting)
        return ready

    def _decide(self, task: DeliveryTask, now: datetime) -> Decision:
        return decide(
            now,
            queued_at=task.queued_at or now,
            digest=task.digest
            and task.alert_kind not in SENT_ON_THEIR_OWN
            and self._render_digest is not None,
            quiet_hours=task.quiet_hours,
            timezone=task.timezone,
            digest_hour=self.config.digest_hour,
        )

    async def _prepare(self, items: list[_Item], round_: _Round) -> None:
        """Render once per (alert, locale, citizenship), however many chats share it."""
        for item in items:
            if isinstance(item, _Digest):
                continue
            key = _variant(item)
            if key not in round_.messages:
                round_.messages[key] = await self._render_alert(item, round_)

    async def _render_alert(self, task: DeliveryTask, round_: _Round) -> _Prepared:
        alert = await round_.alert(task.alert_id)
        if alert is None:
            return _Unsendable("alert no longer exists", final=True)
        if alert.state == RETRACTED:
            return _Unsendable(_RETRACTED_REASON, final=True)
        try:
            return self._render(alert, task.locale, task.country)
        except Exception as exc:  # an operator's template error must not stop the round
            return await self._render_failed(alert.alert_id, exc)

    async def _render_failed(self, alert_id: int, exc: Exception) -> _Unsendable:
        log.exception("rendering alert %s failed; will retry", alert_id)
        if self._on_template_problem is not None:
            await self._on_template_problem(alert_id, f"render failed: {exc}")
        return _Unsendable(f"render failed: {type(exc).__name__}", final=False)

    async def _enqueue(
        self, items: list[_Item], queue: asyncio.Queue[_Item], book: _OutcomeBook
    ) -> None:
        for index, item in enumerate(items):
            if self._stopping:
                await book.add(self._release(items[index:]))
                return
            await queue.put(item)

    async def _finish_or_stop(self, queue: asyncio.Queue[_Item], book: _OutcomeBook) -> None:
        """Wait until the queue is done, or on `stop()` put what was not started back."""
        joined = asyncio.create_task(queue.join())
        stopped = asyncio.create_task(self._stop_requested.wait())
        try:
            await asyncio.wait({joined, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not joined.done():
                left: list[_Item] = []
                while not queue.empty():
                    left.append(queue.get_nowait())
                    queue.task_done()
                await book.add(self._release(left))
                await joined  # only the messages under way now
        finally:
            stopped.cancel()
            joined.cancel()

    def _release(self, items: Sequence[_Item]) -> list[DeliveryOutcome]:
        """Claimed but never sent: back to the queue as they were, no attempt counted."""
        now = self._clock()
        return [
            DeliveryOutcome(task.delivery_id, PENDING, not_before=now)
            for item in items
            for task in (item.tasks if isinstance(item, _Digest) else [item])
        ]

    async def _worker(
        self, queue: asyncio.Queue[_Item], round_: _Round, book: _OutcomeBook
    ) -> None:
        while True:
            item = await queue.get()
            try:
                # Done only once its outcome is in the book: the round ends at `queue.join()`.
                outcomes = await self._handle(item, round_)
                for outcome in outcomes:
                    self._metrics.count_delivery(outcome.state)
                await book.add(outcomes)
            finally:
                queue.task_done()

    async def _handle(self, item: _Item, round_: _Round) -> list[DeliveryOutcome]:
        try:
            if isinstance(item, _Digest):
                return await self._send_digest(item, round_)
            return await self._send_alert(item, round_.messages[_variant(item)])
        except Exception as exc:  # one delivery's surprise must not stop the others
            tasks = item.tasks if isinstance(item, _Digest) else [item]
            log.exception("delivery failed unexpectedly", extra={"chat_id": tasks[0].chat_id})
            return self._retry_or_fail(tasks, f"internal error: {type(exc).__name__}")

    # --- one message --------------------------------------------------------------------

    async def _send_alert(self, task: DeliveryTask, prepared: _Prepared) -> list[DeliveryOutcome]:
        if isinstance(prepared, _Unsendable):
            if prepared.final:
                return [DeliveryOutcome(task.delivery_id, FAILED, reason=prepared.reason)]
            return self._retry_or_fail([task], prepared.reason)
        return await self._deliver([task], prepared)

    async def _send_digest(self, digest: _Digest, round_: _Round) -> list[DeliveryOutcome]:
        """All the chat's waiting alerts in one message; every row included is marked sent."""
        assert self._render_digest is not None
        digest.started = True
        digest.tasks += await self._alerts.claim_chat_pending(digest.chat_id, now=self._clock())
        tasks = sorted(digest.tasks, key=lambda t: t.delivery_id)
        outcomes: list[DeliveryOutcome] = []
        included: list[DeliveryTask] = []
        records: dict[int, AlertRecord] = {}
        for task in tasks:
            alert = await round_.alert(task.alert_id)
            if alert is None or alert.state == RETRACTED:
                reason = _RETRACTED_REASON if alert else "alert no longer exists"
                outcomes.append(DeliveryOutcome(task.delivery_id, FAILED, reason=reason))
                continue
            included.append(task)
            records[alert.alert_id] = alert
        if not included:
            return outcomes
        latest = included[-1]  # the chat's current language and citizenship
        alerts = sorted(records.values(), key=lambda a: (a.created_at, a.alert_id))
        try:
            message = self._render_digest(alerts, latest.locale, latest.country)
        except Exception as exc:  # an operator's template error must not stop the round
            problem = await self._render_failed(latest.alert_id, exc)
            return outcomes + self._retry_or_fail(included, problem.reason)
        return outcomes + await self._deliver(included, message)

    async def _wait_for_turn(self, chat_id: int) -> datetime | None:
        """Wait out a short rate-limit delay; a long one returns when to try again."""
        is_private = chat_id > 0  # Telegram: users are positive, groups and channels not
        while (delay := self.limiter.delay_for(chat_id, is_private)) > 0:
            if delay > self.config.max_inline_wait:
                return self._clock() + timedelta(seconds=delay)
            await asyncio.sleep(delay)
        self.limiter.sent(chat_id, is_private)
        return None

    async def _deliver(
        self, tasks: list[DeliveryTask], message: OutgoingMessage
    ) -> list[DeliveryOutcome]:
        """Send one message for these rows (one chat) and say what became of each row.

        An empty list means the outcome was recorded already (a migrated group).
        """
        lead = tasks[0]
        if (later := await self._wait_for_turn(lead.chat_id)) is not None:
            return _all(tasks, PENDING, not_before=later)
        try:
            sent = await self._send(lead.chat_id, message.html, lead.thread_id, html=True)
        except RetryAfter as exc:
            wait = _seconds(exc.retry_after)
            self.limiter.flood(lead.chat_id, wait)
            self._metrics.count_rate_limited()
            # Not a failure of this message: it waits its turn without using up attempts.
            return _all(
                tasks, PENDING, reason=f"flood limit: retry after {wait:.0f} s",
                not_before=self._clock() + timedelta(seconds=wait),
            )  # fmt: skip
        except ChatMigrated as exc:
            await self._follow_migration(tasks, exc.new_chat_id)
            return []
        except Forbidden as exc:
            return await self._give_up_on_chat(tasks, f"forbidden: {exc.message}")
        except BadRequest as exc:
            return await self._handle_bad_request(tasks, message, exc)
        except NetworkError as exc:
            return self._retry_or_fail(tasks, f"network: {exc.message}")
        return _all(tasks, SENT, message_id=sent)

    async def _follow_migration(self, tasks: list[DeliveryTask], new_chat_id: int) -> None:
        """The group became a supergroup: move it, and queue the message for the new id."""
        now = self._clock()
        await self._chats.migrate(tasks[0].chat_id, new_chat_id, now=now)
        for task in tasks:
            await self._alerts.redirect(task.delivery_id, new_chat_id, now=now)
        self.wake()

    async def _handle_bad_request(
        self, tasks: list[DeliveryTask], message: OutgoingMessage, exc: BadRequest
    ) -> list[DeliveryOutcome]:
        text = exc.message.lower()
        if "chat not found" in text or "user is deactivated" in text:
            return await self._give_up_on_chat(tasks, exc.message)
        if "can't parse entities" not in text:
            return _all(tasks, FAILED, reason=f"bad request: {exc.message}")
        lead = tasks[0]
        log.error(
            "Telegram refused an alert's HTML; sending it as plain text: %s",
            exc.message,
            extra={"alert_id": lead.alert_id},
        )
        if self._on_template_problem is not None:
            await self._on_template_problem(lead.alert_id, exc.message)
        try:
            sent = await self._send(lead.chat_id, message.plain, lead.thread_id, html=False)
        except (BadRequest, Forbidden, NetworkError) as retry_exc:
            return self._retry_or_fail(tasks, f"plain resend: {retry_exc.message}")
        return _all(tasks, SENT, message_id=sent)

    async def _give_up_on_chat(
        self, tasks: list[DeliveryTask], reason: str
    ) -> list[DeliveryOutcome]:
        await self._chats.set_status(tasks[0].chat_id, BLOCKED, now=self._clock())
        return _all(tasks, FAILED, reason=reason)

    def _retry_or_fail(self, tasks: Sequence[DeliveryTask], reason: str) -> list[DeliveryOutcome]:
        """Back to the queue after an exponential, jittered pause; failed after max_attempts."""
        outcomes = []
        for task in tasks:
            attempts = task.attempts + 1
            if attempts >= self.config.max_attempts:
                outcomes.append(DeliveryOutcome(
                    task.delivery_id, FAILED,
                    reason=f"{reason} (gave up after {attempts} attempts)", counts_as_attempt=True,
                ))  # fmt: skip
                continue
            delay = min(self.config.backoff_cap, self.config.backoff_initial * 2 ** (attempts - 1))
            delay *= random.uniform(0.5, 1.0)
            outcomes.append(DeliveryOutcome(
                task.delivery_id, PENDING, reason=reason, counts_as_attempt=True,
                not_before=self._clock() + timedelta(seconds=delay),
            ))  # fmt: skip
        return outcomes

    async def _send(self, chat_id: int, text: str, thread_id: int | None, *, html: bool) -> int:
        started = time.perf_counter()
        sent = await self._bot.send_message(
            chat_id=chat_id,
            text=text,
            parse_mode="HTML" if html else None,
            message_thread_id=thread_id,
            link_preview_options=_NO_PREVIEW,
            allow_paid_broadcast=True if self.limiter.limits.paid_broadcast else None,
        )
        self._metrics.observe_send_latency(time.perf_counter() - started)
        return sent.message_id


_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_RETRACTED_REASON = "retracted before it was sent"  # as `AlertRepository.retract` words it


class _Round:
    """What one drain shares between its workers: rendered messages, alerts, open digests."""

    def __init__(self, alerts: AlertRepository) -> None:
        self._repository = alerts
        self._alerts: dict[int, AlertRecord | None] = {}
        self.messages: dict[Variant, _Prepared] = {}
        self.digests: dict[int, _Digest] = {}

    async def alert(self, alert_id: int) -> AlertRecord | None:
        if alert_id not in self._alerts:
            self._alerts[alert_id] = await self._repository.get_alert(alert_id)
        return self._alerts[alert_id]


class _OutcomeBook:
    """Outcomes waiting to be written: flushed when `flush_size` gather or every interval.

    Workers wait while `max_unwritten` outcomes are unwritten, which is what bounds the
    messages a crash can make Telegram deliver twice.
    """

    def __init__(self, alerts: AlertRepository, clock: Clock, config: SenderConfig) -> None:
        self._alerts = alerts
        self._clock = clock
        self._config = config
        self._outcomes: list[DeliveryOutcome] = []
        self._due = asyncio.Event()
        self._written = asyncio.Event()
        self._closing = False

    async def add(self, outcomes: Sequence[DeliveryOutcome]) -> None:
        if not outcomes:
            return
        while len(self._outcomes) >= self._config.max_unwritten and not self._closing:
            self._due.set()
            self._written.clear()
            await self._written.wait()
        self._outcomes.extend(outcomes)
        if len(self._outcomes) >= self._config.flush_size:
            self._due.set()

    async def flush_periodically(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), self._config.flush_interval)
            self._due.clear()
            try:
                await self.flush()
            except Exception:  # the store is down: keep the outcomes, workers wait
                log.exception("could not record delivery outcomes; retrying")
                await asyncio.sleep(self._config.write_retry)

    async def close(self, flusher: asyncio.Task[None]) -> None:
        """Stop the periodic flush without interrupting a write, then write the rest."""
        self._closing = True
        self._due.set()
        self._written.set()
        await asyncio.gather(flusher, return_exceptions=True)
        for attempt in range(1, self._config.write_attempts_at_close + 1):
            try:
                await self.flush()
                return
            except Exception:
                if attempt == self._config.write_attempts_at_close:
                    raise  # the rows stay in flight: the next start (or round) re-queues them
                log.exception("could not record delivery outcomes; retrying")
                await asyncio.sleep(self._config.write_retry)

    async def flush(self) -> None:
        # Outcomes leave the book only once written: an interrupted write loses none of them
        # (writing one twice is harmless: each sets the same final state).
        outcomes = self._outcomes[:]
        if outcomes:
            await self._alerts.record_outcomes(outcomes, now=self._clock())
            del self._outcomes[: len(outcomes)]
        self._written.set()


def _all(
    tasks: Sequence[DeliveryTask],
    state: str,
    *,
    message_id: int | None = None,
    reason: str | None = None,
    not_before: datetime | None = None,
) -> list[DeliveryOutcome]:
    """The same outcome for every row a message was for."""
    return [
        DeliveryOutcome(task.delivery_id, state, message_id, reason, not_before) for task in tasks
    ]


def _variant(task: DeliveryTask) -> Variant:
    return (task.alert_id, task.locale, task.country)


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
