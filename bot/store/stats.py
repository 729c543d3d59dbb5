"""Counts for operators' /stats: who subscribes, what was sent, and how delivery went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.schema import alerts, chats, deliveries, verdicts

ACTIVE = "active"
PENDING_REVIEW = "pending"


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """What happened in the last `days` days."""

    days: int
    alerts: int
    deliveries: dict[str, int]  # by state: sent, failed, pending, inflight


@dataclass(frozen=True, slots=True)
class Statistics:
    subscribers_by_locale: dict[str, int]
    subscribers_by_province: dict[str, int]  # "" for chats that chose none
    subscribers_by_type: dict[str, int]
    pending_review: int
    windows: tuple[WindowCounts, ...]

    @property
    def subscribers(self) -> int:
        return sum(self.subscribers_by_locale.values())


class StatisticsQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def collect(self, *, now: datetime, windows: tuple[int, ...] = (7, 30)) -> Statistics:
        async with self._engine.connect() as connection:
            by_locale = await _active_by(connection, chats.c.locale)
            by_province = await _active_by(connection, sa.func.coalesce(chats.c.province, ""))
            by_type = await _active_by(connection, chats.c.type)
            pending = await connection.scalar(
                sa.select(sa.func.count()).where(verdicts.c.review_state == PENDING_REVIEW)
            )
            counted = []
            for days in windows:
                since = now - timedelta(days=days)
                issued = await connection.scalar(
                    sa.select(sa.func.count()).where(alerts.c.created_at >= since)
                )
                rows = await connection.execute(
                    sa.select(deliveries.c.state, sa.func.count())
                    .where(deliveries.c.updated_at >= since)
                    .group_by(deliveries.c.state)
                )
                counted.append(
                    WindowCounts(days, int(issued or 0), {state: n for state, n in rows})
                )
        return Statistics(
            subscribers_by_locale=by_locale,
            subscribers_by_province=by_province,
            subscribers_by_type=by_type,
            pending_review=int(pending or 0),
            windows=tuple(counted),
        )


async def _active_by(connection: AsyncConnection, column: sa.ColumnElement[str]) -> dict[str, int]:
    rows = await connection.execute(
        sa.select(column, sa.func.count())
        .where(chats.c.status == ACTIVE)
        .group_by(column)
        .order_by(sa.func.count().desc(), column)
    )
    return {str(key): int(count) for key, count in rows}


async def count_audience(
    engine: AsyncEngine,
    *,
    locales: tuple[str, ...] = (),
    provinces: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
) -> int:
    """Active chats an operator's message would reach (it goes to every alert kind)."""
    query = sa.select(sa.func.count()).where(chats.c.status == ACTIVE)
    if locales:
        query = query.where(chats.c.locale.in_(locales))
    if provinces:
        query = query.where(chats.c.province.in_(provinces))
    if countries:
        query = query.where(chats.c.country.in_(countries))
    async with engine.connect() as connection:
        return int(await connection.scalar(query) or 0)
