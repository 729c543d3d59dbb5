"""Chats that receive alerts: private subscribers, groups, supergroups and channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.schema import chats, deliveries

ACTIVE = "active"
STOPPED = "stopped"  # the person sent /stop
BLOCKED = "blocked"  # Telegram answered 403 or "chat not found"
LEFT = "left"  # the bot was removed from a group or channel
MIGRATED = "migrated"  # the group became a supergroup with another id


@dataclass(frozen=True, slots=True)
class Chat:
    chat_id: int
    type: str
    title: str
    locale: str
    province: str | None
    country: str | None
    status: str
    alert_kinds: str
    digest: bool
    quiet_hours: str | None
    timezone: str
    thread_id: int | None
    created_at: datetime
    updated_at: datetime


def _chat(row: sa.Row[tuple[object, ...]]) -> Chat:
    return Chat(**{name: getattr(row, name) for name in Chat.__slots__})


class ChatRepository:
    """Reads and writes `chats`; `now` is passed in so tests control time."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get(self, chat_id: int) -> Chat | None:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(sa.select(chats).where(chats.c.chat_id == chat_id))
            ).first()
        return _chat(row) if row else None

    async def subscribe(
        self, chat_id: int, *, chat_type: str, locale: str, title: str, now: datetime
    ) -> Chat:
        """Create the chat or make it active again, keeping its earlier choices."""
        async with self._engine.begin() as connection:
            updated = await connection.execute(
                sa.update(chats)
                .where(chats.c.chat_id == chat_id)
                .values(status=ACTIVE, type=chat_type, title=title[:256], updated_at=now)
            )
            if updated.rowcount == 0:
                await connection.execute(
                    sa.insert(chats).values(
                        chat_id=chat_id,
                        type=chat_type,
                        title=title[:256],
                        locale=locale,
                        status=ACTIVE,
                        created_at=now,
                        updated_at=now,
                    )
                )
        chat = await self.get(chat_id)
        assert chat is not None
        return chat

    async def update(self, chat_id: int, *, now: datetime, **values: object) -> None:
        allowed = {
            "locale", "province", "country", "alert_kinds", "digest",
            "quiet_hours", "timezone", "thread_id", "title",
        }  # fmt: skip
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"not chat settings: {sorted(unknown)}")
        async with self._engine.begin() as connection:
            await connection.execute(
                sa.update(chats).where(chats.c.chat_id == chat_id).values(updated_at=now, **values)
            )

    async def set_status(self, chat_id: int, status: str, *, now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                sa.update(chats)
                .where(chats.c.chat_id == chat_id)
                .values(status=status, updated_at=now)
            )

    async def migrate(self, old_chat_id: int, new_chat_id: int, *, now: datetime) -> None:
        """Move a group's subscription and pending deliveries to its new supergroup id."""
        async with self._engine.begin() as connection:
            old = (
                await connection.execute(sa.select(chats).where(chats.c.chat_id == old_chat_id))
            ).first()
            exists = (
                await connection.execute(
                    sa.select(chats.c.chat_id).where(chats.c.chat_id == new_chat_id)
                )
            ).first()
            if old is not None and exists is None:
                values = {name: getattr(old, name) for name in Chat.__slots__}
                values.update(chat_id=new_chat_id, type="supergroup", updated_at=now)
                await connection.execute(sa.insert(chats).values(**values))
            await connection.execute(
                sa.update(chats)
                .where(chats.c.chat_id == old_chat_id)
                .values(status=MIGRATED, migrated_to=new_chat_id, updated_at=now)
            )
            await connection.execute(
                sa.update(deliveries)
                .where(deliveries.c.chat_id == old_chat_id, deliveries.c.state != "sent")
                .values(chat_id=new_chat_id, updated_at=now)
            )

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored about a chat (/forget)."""
        async with self._engine.begin() as connection:
            await connection.execute(sa.delete(deliveries).where(deliveries.c.chat_id == chat_id))
            await connection.execute(sa.delete(chats).where(chats.c.chat_id == chat_id))

    async def count_active_by_locale(self) -> dict[str, int]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                sa.select(chats.c.locale, sa.func.count())
                .where(chats.c.status == ACTIVE)
                .group_by(chats.c.locale)
            )
            return {locale: count for locale, count in rows}

    async def count_by_status(self) -> dict[str, int]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                sa.select(chats.c.status, sa.func.count()).group_by(chats.c.status)
            )
            return {status: count for status, count in rows}
