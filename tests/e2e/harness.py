"""Run the real bot in the test's event loop, the way `run_polling` does, against fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app import POLL_JOB, build_application
from bot.config import Settings
from bot.services import Clock, Services, services_from, utc_now
from tests.fakes.bot_api import FakeBotApi

REPO = Path(__file__).resolve().parents[2]


def bot_settings(
    api: FakeBotApi, database_url: str, feeds_path: Path, **overrides: Any
) -> Settings:
    """Settings for a test bot: the shipped operator files, the fake Telegram, a test database."""
    values: dict[str, Any] = {
        "telegram_bot_token": api.token,
        "telegram_api_url": api.root_url,
        "database_url": database_url,
        "feeds_path": feeds_path,
        "templates_path": REPO / "templates",
        "lexicons_path": REPO / "lexicons",
        "hotlines_path": REPO / "hotlines" / "hotlines.yaml",
        "locales_path": REPO / "locales",
        "poll_interval": 3600,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@asynccontextmanager
async def running_bot(
    settings: Settings, *, clock: Clock = utc_now
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Start polling Telegram and the jobs; stop everything on exit, like `run_polling`."""
    # The test runs the polling job itself (`poll_now`), so the timer's first run is far away.
    application = build_application(settings, clock=clock, first_poll_after=3600)
    async with application:
        assert application.post_init is not None and application.updater is not None
        await application.post_init(application)
        await application.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            assert application.post_shutdown is not None
            await application.post_shutdown(application)


def services(application: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    return services_from(application.bot_data)


async def poll_now(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run the scheduler's feed-polling job now, instead of waiting for its interval."""
    assert application.job_queue is not None
    [job] = application.job_queue.get_jobs_by_name(POLL_JOB)
    await job.run(application)
