"""Run the bot as a process: long polling or webhook, with health, metrics and a clean stop.

SIGTERM or SIGINT stops it in order: stop taking updates (webhook server or getUpdates), let
PTB finish the updates it has, let the sender finish and record the messages under way, close
the database, exit 0. Nothing queued is lost: unsent deliveries simply wait in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import (
    LAST_POLL_KEY,
    POLLER_ROLE,
    ROLES_KEY,
    UPDATES_ROLE,
    Roles,
    build_application,
    prepare_database,
)
from bot.config import Settings
from bot.errors import ConfigError
from bot.heap import freeze_startup_heap
from bot.services import services_from
from bot.store.alerts import AlertRecord
from bot.store.locks import SingleProcessGuard, sqlite_path
from bot.web.cap import CapTexts
from bot.web.server import WebServer, create_web_app
from bot.web.texts import cap_texts_for, feed_titles_for

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def run(settings: Settings, *, webhook: bool = False) -> None:
    """`alertbot run`: refuse a second SQLite process, migrate, serve until a stop signal."""
    if webhook and not settings.webhook_url:
        raise ConfigError("WEBHOOK_URL: required for --webhook (the public HTTPS URL)")
    if webhook and not settings.webhook_secret:
        raise ConfigError(
            "WEBHOOK_SECRET: required for --webhook (1-256 characters of A-Z a-z 0-9 _ -), "
            "so that only Telegram can post updates"
        )
    guard = None
    if (path := sqlite_path(settings.database_url)) is not None:
        guard = SingleProcessGuard(path)
        guard.acquire()
    try:
        asyncio.run(prepare_database(settings))
        asyncio.run(serve(settings, webhook=webhook))
    except InvalidToken:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN: Telegram refused this token (revoked or mistyped); "
            "get the current one from @BotFather"
        ) from None
    except NetworkError as exc:
        raise ConfigError(
            f"TELEGRAM_API_URL: cannot reach the Bot API at {settings.telegram_api_url}: "
            f"{exc.message}"
        ) from None
    finally:
        if guard is not None:
            guard.release()


async def serve(settings: Settings, *, webhook: bool, stop: asyncio.Event | None = None) -> None:
    stop = stop or _stop_on_signals()
    application = build_application(settings)
    async with application:
        assert application.post_init is not None and application.post_shutdown is not None
        await application.post_init(application)
        web = _web_server(settings, application, webhook=webhook)
        web_task = asyncio.create_task(web.serve()) if web is not None else None
        roles: Roles = application.bot_data[ROLES_KEY]
        if webhook:
            assert settings.webhook_url and settings.webhook_secret
            await application.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await application.bot.delete_webhook()
            roles.start(UPDATES_ROLE, lambda: _poll_updates(application))
        await application.start()
        freeze_startup_heap()
        log.info("bot is running (%s)", "webhook" if webhook else "long polling")
        await stop.wait()
        log.info("stopping: no new updates; finishing messages under way")
        if web is not None and web_task is not None:
            web.stop()
            await web_task
        await application.stop()
        await application.post_shutdown(application)
    log.info("stopped cleanly")


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _poll_updates(application: AnyApplication) -> None:
    """The updates role: only one replica may call getUpdates (Telegram answers 409 else)."""
    assert application.updater is not None
    await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    try:
        await asyncio.Event().wait()
    finally:
        with contextlib.suppress(RuntimeError):
            await application.updater.stop()


def _web_server(
    settings: Settings, application: AnyApplication, *, webhook: bool
) -> WebServer | None:
    if not webhook and settings.metrics_port is None:
        return None
    services = services_from(application.bot_data)
    renderers = services.renderers

    def cap_texts(alert: AlertRecord) -> Mapping[str, CapTexts]:
        return cap_texts_for(renderers.current, alert)

    async def put_update(payload: dict[str, Any]) -> None:
        update = Update.de_json(payload, application.bot)
        await application.update_queue.put(update)

    webhook_path = urlsplit(settings.webhook_url).path if webhook and settings.webhook_url else None
    app = create_web_app(
        webhook_path=webhook_path,
        webhook_secret=(
            settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        ),
        put_update=put_update,
        readiness=lambda: readiness(settings, application),
        metrics=services.metrics,
        alerts=services.alerts,
        cap_texts=cap_texts,
        public_base_url=settings.public_url,
        feed_titles=feed_titles_for(renderers.current),
    )
    port = settings.port if webhook else settings.metrics_port
    assert port is not None
    return WebServer(app, "0.0.0.0", port)


async def readiness(settings: Settings, application: AnyApplication) -> list[str]:
    """Reasons this replica should not get traffic; empty when it is ready."""
    reasons: list[str] = []
    services = services_from(application.bot_data)
    try:
        async with services.engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except (OSError, sa.exc.SQLAlchemyError) as exc:
        reasons.append(f"database unreachable: {str(exc).splitlines()[0]}")
    jobs = application.job_queue
    if jobs is None or not jobs.scheduler.running:
        reasons.append("scheduler is not running")
    roles: Roles = application.bot_data[ROLES_KEY]
    if roles.holds(POLLER_ROLE):
        last = application.bot_data.get(LAST_POLL_KEY)
        limit = timedelta(seconds=3 * settings.poll_interval)
        if last is not None and services.clock() - last > limit:
            reasons.append(f"no successful feed poll for more than {limit.total_seconds():.0f} s")
    return reasons
