"""The database schema: the only description of tables; migrations are written to match it.

Times are stored as timezone-aware UTC. JSON columns hold small lists (cues, countries,
provinces) that are read whole and never queried inside.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite alone would hand back naive ones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


chats = sa.Table(
    "chats",
    metadata,
    sa.Column("chat_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("title", sa.String(256), nullable=False, server_default=""),
    sa.Column("locale", sa.String(16), nullable=False, server_default="en"),
    sa.Column("province", sa.String(64), nullable=True),
    sa.Column("country", sa.String(2), nullable=True),
    sa.Column("status", sa.String(16), nullable=False, server_default="active"),
    sa.Column("alert_kinds", sa.String(128), nullable=False, server_default=""),
    sa.Column("digest", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("quiet_hours", sa.String(16), nullable=True),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Ho_Chi_Minh"),
    sa.Column("thread_id", sa.BigInteger, nullable=True),
    sa.Column("migrated_to", sa.BigInteger, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Index(None, "status", "locale"),
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("url", sa.String(2048), primary_key=True),
    sa.Column("etag", sa.String(512), nullable=True),
    sa.Column("last_modified", sa.String(128), nullable=True),
    sa.Column("next_poll_at", UtcDateTime(), nullable=True),
    sa.Column("last_success_at", UtcDateTime(), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("last_error_at", UtcDateTime(), nullable=True),
    sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
    sa.Column("items_seen", sa.Integer, nullable=False, server_default="0"),
    sa.Column("dead", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("dead_notified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_until", UtcDateTime(), nullable=True),
)

items = sa.Table(
    "items",
    metadata,
    # What ingestion remembers of every item, forever: dedupe and story clustering.
    sa.Column("item_id", sa.String(128), primary_key=True),
    sa.Column("feed_url", sa.String(2048), nullable=False),
    sa.Column("story_id", sa.String(64), nullable=False),
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("shingles", sa.JSON, nullable=False),
    sa.Column("seen_at", UtcDateTime(), nullable=False),
    # The content, written with the item so a crash before classification loses nothing.
    sa.Column("source", sa.String(256), nullable=False, server_default=""),
    sa.Column("url", sa.String(2048), nullable=False, server_default=""),
    sa.Column("title", sa.Text, nullable=False, server_default=""),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("published", UtcDateTime(), nullable=True),
    sa.Column("country", sa.String(2), nullable=False, server_default=""),
    sa.Index(None, "story_id"),
    sa.Index(None, "seen_at"),
)

verdicts = sa.Table(
    "verdicts",
    metadata,
    sa.Column("item_id", sa.String(128), sa.ForeignKey("items.item_id"), primary_key=True),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("cues", sa.JSON, nullable=False),
    sa.Column("countries", sa.JSON, nullable=False),
    sa.Column("provinces", sa.JSON, nullable=False),
    sa.Column("review_state", sa.String(16), nullable=True),
    sa.Column("reviewed_by", sa.BigInteger, nullable=True),
    sa.Column("reviewed_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index(None, "review_state"),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("alert_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("item_id", sa.String(128), sa.ForeignKey("items.item_id"), nullable=True),
    sa.Column("story_id", sa.String(64), nullable=True, unique=True),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("source", sa.String(256), nullable=False),
    sa.Column("lang", sa.String(16), nullable=False),
    sa.Column("published", UtcDateTime(), nullable=False),
    sa.Column("countries", sa.JSON, nullable=False),
    sa.Column("provinces", sa.JSON, nullable=False),
    sa.Column("also_reported_by", sa.JSON, nullable=False),
    sa.Column("created_by", sa.BigInteger, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("retracted_at", UtcDateTime(), nullable=True),
    sa.Column("follows_alert_id", sa.Integer, nullable=True),
    sa.Index(None, "state"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("delivery_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.alert_id"), nullable=False),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("telegram_message_id", sa.BigInteger, nullable=True),
    sa.Column("not_before", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("alert_id", "chat_id"),
    sa.Index(None, "state", "not_before"),
    # The sender's claim: pending rows that are due, oldest first, without passing over the
    # rows already sent (a broadcast to a million chats claims four thousand times).
    sa.Index(
        None,
        "not_before",
        "delivery_id",
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    ),
    sa.Index(None, "chat_id", "state"),  # one chat's rows: its digest, a migration, /forget
)

review_decisions = sa.Table(
    "review_decisions",
    metadata,
    # Every operator decision on a review-queue item, kept for audit: who, when, what.
    sa.Column("decision_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("item_id", sa.String(128), sa.ForeignKey("items.item_id"), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),  # approve, reject, recategorise
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("alert_id", sa.Integer, nullable=True),
    sa.Column("decided_by", sa.BigInteger, nullable=False),
    sa.Column("decided_at", UtcDateTime(), nullable=False),
    sa.Index(None, "item_id"),
)
