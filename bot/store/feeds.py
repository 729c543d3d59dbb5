"""Ingestion's persistence (`bot.ingest.repository.FeedRepository`) on SQL.

Feed states survive restarts so conditional GETs and backoff resume where they were; item ids
are kept forever so an item is processed once, whatever the restarts.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.ingest.repository import StoryMember
from bot.models import FeedState
from bot.store.schema import feeds, items

CHUNK = 500  # bound parameters per statement stay well under every backend's limit
STATE_FIELDS = tuple(f.name for f in fields(FeedState))


def _insert(connection: AsyncConnection, table: sa.Table) -> Any:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


class SqlFeedRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load_feed_states(self) -> dict[str, FeedState]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(sa.select(*(feeds.c[n] for n in STATE_FIELDS)))
            return {row.url: FeedState(**row._asdict()) for row in rows}

    async def save_feed_states(self, states: Sequence[FeedState]) -> None:
        rows = [{name: getattr(state, name) for name in STATE_FIELDS} for state in states]
        async with self._engine.begin() as connection:
            upsert = _insert(connection, feeds)
            upsert = upsert.on_conflict_do_update(
                index_elements=[feeds.c.url],
                set_={name: upsert.excluded[name] for name in STATE_FIELDS if name != "url"},
            )
            for start in range(0, len(rows), CHUNK):
                await connection.execute(upsert, rows[start : start + CHUNK])

    async def unseen_item_ids(self, item_ids: Collection[str]) -> set[str]:
        wanted = list(dict.fromkeys(item_ids))
        seen: set[str] = set()
        async with self._engine.connect() as connection:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                rows = await connection.execute(
                    sa.select(items.c.item_id).where(items.c.item_id.in_(chunk))
                )
                seen.update(rows.scalars())
        return set(wanted) - seen

    async def record_items(self, members: Sequence[StoryMember]) -> None:
        rows = [_member_row(member) for member in members]
        async with self._engine.begin() as connection:
            for start in range(0, len(rows), CHUNK):
                await connection.execute(
                    _insert(connection, items).on_conflict_do_nothing(
                        index_elements=[items.c.item_id]
                    ),
                    rows[start : start + CHUNK],
                )

    async def story_members_since(self, since: datetime) -> list[StoryMember]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                sa.select(
                    items.c.item_id,
                    items.c.story_id,
                    items.c.feed_url,
                    items.c.lang,
                    items.c.shingles,
                    items.c.seen_at,
                )
                .where(items.c.seen_at >= since)
                .order_by(items.c.seen_at, items.c.item_id)
            )
            return [
                StoryMember(
                    item_id=row.item_id,
                    story_id=row.story_id,
                    feed_url=row.feed_url,
                    lang=row.lang,
                    shingles=tuple(row.shingles),
                    seen_at=row.seen_at,
                )
                for row in rows
            ]


def _member_row(member: StoryMember) -> dict[str, object]:
    row: dict[str, object] = {
        "item_id": member.item_id,
        "story_id": member.story_id,
        "feed_url": member.feed_url,
        "lang": member.lang,
        "shingles": list(member.shingles),
        "seen_at": member.seen_at,
    }
    item = member.item
    if item is not None:
        row.update(
            source=item.source,
            url=item.url,
            title=item.title,
            summary=item.summary,
            published=item.published,
            country=item.country,
        )
    return row
