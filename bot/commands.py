"""What the one-off `alertbot` commands do: scan, feeds, alerts, preview.

Each opens what it needs (operator files, a migrated database), does one thing, and closes;
none of them sends anything to Telegram except through the outbox a running bot drains.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import classify_item, load_classifier, load_renderers
from bot.config import Settings
from bot.errors import StoreUnavailable
from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.poller import Poller, format_health_table
from bot.ingest.repository import FeedRepository, InMemoryFeedRepository
from bot.ingest.sources import load_feed_files
from bot.models import Decision
from bot.render import preview as render_preview
from bot.services import utc_now
from bot.store.alerts import AlertRepository
from bot.store.chats import ChatRepository
from bot.store.db import create_engine, ping, upgrade_schema
from bot.store.feeds import SqlFeedRepository


async def scan_once(settings: Settings, out: TextIO) -> int:
    """Poll every feed once and print what would be sent; nothing is stored or sent."""
    sources = load_feed_files(settings.feeds_path)
    classifier = load_classifier(settings)
    repository: FeedRepository = InMemoryFeedRepository()
    async with Fetcher(FetchConfig()) as fetcher:
        poller = Poller(sources, fetcher, repository, default_interval=settings.poll_interval)
        new = await poller.poll_due()
        audience = await _audience(settings)
        for entry in new:
            verdict = classify_item(classifier, entry.item)
            if verdict.decision == Decision.DROP:
                continue
            out.write(
                json.dumps(
                    {
                        "decision": str(verdict.decision),
                        "score": round(verdict.score, 3),
                        "category": str(verdict.category),
                        "title": entry.item.title,
                        "url": entry.item.url,
                        "source": entry.item.source,
                        "cues": [c.phrase for c in verdict.cues],
                        "would_reach": audience
                        if verdict.decision == Decision.ALERT
                        else "review queue",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        out.write(format_health_table(await poller.health()) + "\n")
    return 0


async def _audience(settings: Settings) -> dict[str, int]:
    """Active chats by locale, or nothing when the database is not there yet."""
    try:
        async with _store(settings) as engine:
            return await ChatRepository(engine).count_active_by_locale()
    except StoreUnavailable:
        return {}


async def print_feed_health(settings: Settings, out: TextIO) -> int:
    sources = load_feed_files(settings.feeds_path)
    async with _store(settings) as engine, Fetcher(FetchConfig()) as fetcher:
        poller = Poller(
            sources, fetcher, SqlFeedRepository(engine), default_interval=settings.poll_interval
        )
        out.write(format_health_table(await poller.health()) + "\n")
    return 0


@asynccontextmanager
async def _store(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """A migrated database for a one-off command."""
    engine = create_engine(settings.database_url)
    try:
        await ping(engine)
        await upgrade_schema(engine)
        yield engine
    finally:
        await engine.dispose()


async def print_alerts(settings: Settings, out: TextIO, *, limit: int) -> int:
    async with _store(settings) as engine:
        repository = AlertRepository(engine)
        out.write(
            f"{'id':>5}  {'created (UTC)':16}  {'state':9}  {'category':19}  "
            f"{'sent':>7}  {'failed':>6}  {'pending':>7}  title\n"
        )
        for alert in await repository.list_alerts(limit):
            report = await repository.report(alert.alert_id)
            assert report is not None
            out.write(
                f"{alert.alert_id:>5}  {alert.created_at:%Y-%m-%d %H:%M}  {alert.state:9}  "
                f"{alert.category:19}  {report.sent:>7}  {report.failed:>6}  "
                f"{report.pending + report.inflight:>7}  {alert.title[:60]}\n"
            )
    return 0


async def print_alert_report(settings: Settings, out: TextIO, alert_id: int) -> int:
    async with _store(settings) as engine:
        report = await AlertRepository(engine).report(alert_id)
    if report is None:
        out.write(f"no alert {alert_id}\n")
        return 1
    alert = report.alert
    duration = f"{report.duration_s:.1f} s" if report.duration_s is not None else "not finished"
    lines = [
        f"alert {alert.alert_id} ({alert.kind}, {alert.state}, {alert.category})",
        f"title:     {alert.title}",
        f"source:    {alert.source} {alert.url}",
        f"created:   {alert.created_at:%Y-%m-%d %H:%M:%S} UTC",
        f"targeted:  {report.targeted}",
        f"sent:      {report.sent}",
        f"pending:   {report.pending} (+{report.inflight} in flight)",
        f"failed:    {report.failed}",
        *(f"  {reason}: {count}" for reason, count in sorted(report.failed_by_reason.items())),
        f"duration:  {duration}",
    ]
    out.write("\n".join(lines) + "\n")
    return 0


async def retract_alert(settings: Settings, out: TextIO, alert_id: int, reason: str) -> int:
    """`alertbot alerts retract`: the running bot's sender sends the corrections."""
    async with _store(settings) as engine:
        correction = await AlertRepository(engine).retract(
            alert_id, reason=reason, retracted_by=None, now=utc_now()
        )
        report = await AlertRepository(engine).report(correction) if correction else None
    if correction is None or report is None:
        out.write(f"no issued alert {alert_id} to retract\n")
        return 1
    out.write(
        f"alert {alert_id} retracted; correction {correction} queued for "
        f"{report.targeted} chat(s) that received it\n"
    )
    return 0


def preview(
    settings: Settings,
    *,
    template: str,
    locale: str,
    item: Path | None,
    all_locales: bool,
    plain: bool,
) -> str:
    classifier = load_classifier(settings)
    renderers = load_renderers(settings)
    return render_preview(
        renderers.current,
        template=template,
        locale=locale,
        item=item,
        all_locales=all_locales,
        plain=plain,
        classify=lambda title, text, lang: classifier.classify(title, text, lang),
    )
