"""Composition root: builds settings-driven parts and wires them into a PTB Application.

Operator files (feeds, lexicons, templates, hotlines) are loaded before anything connects, so
a broken file stops the start with its file and line, not half-way through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.chat import on_startup, register_handlers, words
from bot.chat.admin import tell_operators, tell_operators_feed_dead
from bot.chat.deeplink import start_link
from bot.classify import Classifier, check_lexicons
from bot.config import Settings
from bot.deliver.limiter import Limits, RateLimiter
from bot.deliver.sender import OutgoingMessage, RenderAlert, RenderDigest, Sender
from bot.errors import Problem
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.poller import Poller
from bot.ingest.sources import check_feed_files, load_feed_files
from bot.ingest.workers import make_parse_pool
from bot.metrics import Metrics
from bot.models import Category, Decision, Item, Verdict
from bot.pipeline import NewItem, run_cycle
from bot.render import AlertView, ReloadingRenderer
from bot.render import check_operator_files as check_render_files
from bot.services import SERVICES_KEY, Clock, Services, services_from, utc_now
from bot.store.alerts import MANUAL, RETRACTION, AlertRecord, AlertRepository
from bot.store.chats import ChatRepository
from bot.store.db import create_engine, ping, upgrade_schema
from bot.store.feeds import SqlFeedRepository
from bot.store.locks import LeaderLock, lock_key

log = logging.getLogger(__name__)

POLL_JOB = "poll-feeds"
RELOAD_JOB = "reload-operator-files"
ROLES_KEY = "roles"
LAST_POLL_KEY = "last-successful-poll"
POLLER_KEY = "poller"
POLLER_ROLE, SENDER_ROLE, UPDATES_ROLE = "poller", "sender", "updates"
SHUTDOWN_GRACE_SECONDS = 10.0


# --- operator files -------------------------------------------------------------------------


def load_classifier(settings: Settings) -> Classifier:
    thresholds: dict[str, float] = {}
    if settings.alert_threshold is not None:
        thresholds["alert_threshold"] = settings.alert_threshold
    if settings.review_threshold is not None:
        thresholds["review_threshold"] = settings.review_threshold
    return Classifier.from_directory(settings.lexicons_path, **thresholds)


def load_renderers(settings: Settings) -> ReloadingRenderer:
    return ReloadingRenderer(settings.templates_path, settings.hotlines_path, settings.locales_path)


def check_operator_files(settings: Settings) -> list[Problem]:
    """Everything `alertbot check` reports: feeds, lexicons, templates, catalogs, hotlines."""
    return [
        *check_feed_files(settings.feeds_path),
        *check_lexicons(settings.lexicons_path),
        *check_render_files(settings.templates_path, settings.hotlines_path, settings.locales_path),
    ]


# --- database -------------------------------------------------------------------------------


async def prepare_database(settings: Settings) -> None:
    """Fail early and plainly when the database is unreachable; then migrate it."""
    engine = create_engine(settings.database_url)
    try:
        await ping(engine)
        await upgrade_schema(engine)
    finally:
        await engine.dispose()


# --- the running bot ------------------------------------------------------------------------


def classify_item(classifier: Classifier, item: Item) -> Verdict:
    return classifier.classify(item.title, item.summary, item.lang or None)


def alert_renderer(renderers: ReloadingRenderer, bot_username: str | None = None) -> RenderAlert:
    """The sender's render function: a stored alert for one locale and citizenship.

    News alerts use the alert template, operators' broadcasts the broadcast template, and
    corrections the retraction template; all read the last good templates (hot reload).
    """

    def render(alert: AlertRecord, locale: str, citizenship: str | None) -> OutgoingMessage:
        renderer = renderers.current
        # Forwarded alerts travel far: each carries a link that subscribes in its language.
        link = start_link(bot_username, locale) if bot_username else None
        if alert.kind == MANUAL:
            hotlines = renderer.hotlines.select(
                citizenship=citizenship, province=None, destinations=alert.countries
            )
            message = renderer.render(
                "broadcast", locale, body=alert.summary, hotlines=hotlines, subscribe_link=link
            )
            return OutgoingMessage(html=message.html, plain=message.plain)
        item, verdict = alert_as_item(alert)
        view = AlertView.from_item(item, verdict, also_reported_by=alert.also_reported_by)
        if alert.kind == RETRACTION:
            message = renderer.render("retraction", locale, alert=view, reason=alert.summary)
        else:
            message = renderer.render_alert(
                view, locale, citizenship=citizenship, province=None, subscribe_link=link
            )
        return OutgoingMessage(html=message.html, plain=message.plain)

    return render


def digest_renderer(renderers: ReloadingRenderer) -> RenderDigest:
    """The sender's digest function: a digest chat's waiting alerts in one message."""

    def render(alerts: list[AlertRecord], locale: str, citizenship: str | None) -> OutgoingMessage:
        renderer = renderers.current
        views = [
            AlertView.from_item(*alert_as_item(alert), also_reported_by=alert.also_reported_by)
            for alert in alerts
        ]
        destinations = tuple(dict.fromkeys(c for alert in alerts for c in alert.countries))
        hotlines = renderer.hotlines.select(
            citizenship=citizenship, province=None, destinations=destinations
        )
        message = renderer.render(
            "digest",
            locale,
            alerts=views,
            period_start=alerts[0].created_at,
            period_end=alerts[-1].created_at,
            hotlines=hotlines,
        )
        return OutgoingMessage(html=message.html, plain=message.plain)

    return render


def alert_as_item(alert: AlertRecord) -> tuple[Item, Verdict]:
    item = Item(
        item_id=str(alert.alert_id),
        feed_url="",
        source=alert.source,
        url=alert.url,
        title=alert.title,
        summary=alert.summary,
        published=alert.published,
        lang=alert.lang,
    )
    verdict = Verdict(
        alert=True,
        score=1.0,
        category=Category(alert.category),
        lang=alert.lang,
        countries=alert.countries,
        provinces=alert.provinces,
        decision=Decision.ALERT,
    )
    return item, verdict


def build_application(
    settings: Settings, *, clock: Clock = utc_now, first_poll_after: float = 1.0
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready for `run_polling`, `run_webhook` or a test's `async with`."""
    token = settings.require_token()
    sources = load_feed_files(settings.feeds_path)
    classifier = load_classifier(settings)
    renderers = load_renderers(settings)
    resources = AsyncExitStack()

    async def start(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        engine = create_engine(settings.database_url)
        resources.push_async_callback(engine.dispose)
        await upgrade_schema(engine)
        chats, alerts = ChatRepository(engine), AlertRepository(engine)
        metrics = Metrics()
        sender = Sender(
            application.bot,
            alerts,
            chats,
            alert_renderer(renderers, application.bot.username),
            clock,
            metrics=metrics,
            limiter=RateLimiter(Limits(paid_broadcast=settings.delivery_paid_broadcast)),
            render_digest=digest_renderer(renderers),
        )
        services = Services(
            engine=engine,
            chats=chats,
            alerts=alerts,
            classifier=classifier,
            renderers=renderers,
            sender=sender,
            admin_ids=frozenset(settings.admin_ids),
            metrics=metrics,
            clock=clock,
        )
        application.bot_data[LAST_POLL_KEY] = clock()
        application.bot_data[SERVICES_KEY] = services
        fetcher = await resources.enter_async_context(
            Fetcher(FetchConfig(contact_url=settings.public_url))
        )
        application.bot_data[POLL_JOB] = lambda: Poller(
            sources,
            fetcher,
            SqlFeedRepository(engine),
            default_interval=settings.poll_interval,
            clock=clock,
            parse_pool=make_parse_pool,
            on_feed_dead=lambda source, reason: tell_operators_feed_dead(
                application.bot, services, source, reason
            ),
        )
        resources.push_async_callback(_close_poller, application.bot_data)
        roles = Roles(engine, str(application.bot.id))
        application.bot_data[ROLES_KEY] = roles
        roles.start(POLLER_ROLE, roles.hold)
        roles.start(SENDER_ROLE, lambda: _run_sender(sender, alerts, clock))
        resources.push_async_callback(roles.stop, sender)
        jobs = application.job_queue
        assert jobs is not None, "python-telegram-bot[job-queue] is required"
        jobs.run_repeating(
            poll_feeds,
            interval=min(settings.poll_interval, 60),
            first=first_poll_after,
            name=POLL_JOB,
        )
        jobs.run_repeating(reload_operator_files, interval=15, first=15, name=RELOAD_JOB)
        jobs.run_repeating(measure_outbox, interval=15, first=5, name="measure-outbox")
        await on_startup(application)

    async def stop(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        await resources.aclose()

    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.bot_base_url)
        .base_file_url(settings.bot_base_file_url)
        .post_init(start)
        .post_shutdown(stop)
        .build()
    )
    register_handlers(application)
    return application


async def _run_sender(sender: Sender, alerts: AlertRepository, clock: Clock) -> None:
    """The sender role: rows left in flight by a previous holder are ours to finish.

    Only the role's holder sends, so every in-flight row belongs to a process that is gone.
    """
    recovered = await alerts.recover_inflight(older_than=timedelta(0), now=clock())
    if recovered:
        log.warning("re-queued %d deliveries a stopped sender left in flight", recovered)
    await sender.run_forever()


class Roles:
    """The work only one replica may do at a time, each under its own leader lock."""

    def __init__(self, engine: AsyncEngine, bot_id: str) -> None:
        self._engine = engine
        self._bot_id = bot_id
        self.locks: dict[str, LeaderLock] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, role: str, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        lock = LeaderLock(self._engine, lock_key(role, self._bot_id), role)
        self.locks[role] = lock
        self._tasks[role] = asyncio.get_running_loop().create_task(
            lock.run_while_leader(work), name=role
        )

    def holds(self, role: str) -> bool:
        lock = self.locks.get(role)
        return lock is not None and lock.held

    @staticmethod
    async def hold() -> None:
        """Work for roles that are checked (`holds`) rather than run: wait forever."""
        await asyncio.Event().wait()

    async def stop(self, sender: Sender) -> None:
        """Finish messages under way and record them; stop every role within a bounded wait."""
        for lock in self.locks.values():
            lock.stop()
        sender.stop()
        sending = self._tasks.pop(SENDER_ROLE, None)
        if sending is not None:
            try:
                await asyncio.wait_for(sending, SHUTDOWN_GRACE_SECONDS)
            except TimeoutError:
                log.warning(
                    "sender did not finish within %s s; unsent rows stay queued",
                    SHUTDOWN_GRACE_SECONDS,
                )
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)


async def poll_feeds(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: poll the feeds that are due, judge new items, queue alerts, wake the sender.

    Only the replica holding the poller role polls; it builds its poller when it takes the
    role, so feed states and the story index are read fresh from the database.
    """
    roles: Roles = context.bot_data[ROLES_KEY]
    if not roles.holds(POLLER_ROLE):
        await _close_poller(context.bot_data)
        return
    services = services_from(context.bot_data)
    if POLLER_KEY not in context.bot_data:
        context.bot_data[POLLER_KEY] = context.bot_data[POLL_JOB]()
    poller: Poller = context.bot_data[POLLER_KEY]

    async def new_items() -> Sequence[NewItem]:
        return [NewItem(item=n.item, story_id=n.story_id) for n in await poller.poll_due()]

    started = time.perf_counter()
    report = await run_cycle(
        new_items,
        lambda item: classify_item(services.classifier, item),
        services.alerts,
        services.clock,
    )
    context.bot_data[LAST_POLL_KEY] = services.clock()
    metrics = services.metrics
    metrics.observe_poll_cycle(time.perf_counter() - started)
    metrics.count_items_fetched(report.items)
    for _ in report.alerts:
        metrics.count_alert("approved")
    if report.alerts:
        services.sender.wake()


async def _close_poller(bot_data: dict[str, Any]) -> None:
    """Stop the parser processes of the poller this replica built, if any."""
    poller: Poller | None = bot_data.pop(POLLER_KEY, None)
    if poller is not None:
        await poller.aclose()


async def measure_outbox(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: the outbox depth gauge (deliveries waiting or under way)."""
    services = services_from(context.bot_data)
    counts = await services.alerts.delivery_counts()
    services.metrics.set_outbox_depth(counts.get("pending", 0) + counts.get("inflight", 0))


async def reload_operator_files(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job: apply edited templates, catalogs and hotlines; keep the last good on error."""
    services = services_from(context.bot_data)
    # A reload re-verifies every template in every locale: seconds of CPU, off the event loop.
    problems = await asyncio.to_thread(services.renderers.reload_if_changed)
    if problems:
        log.error(
            "edited operator files rejected, keeping the last good version: %s",
            "; ".join(str(p) for p in problems),
        )
        await tell_operators(
            context.bot, services, words.OPERATOR_FILES_REJECTED, problem=str(problems[0])
        )
