"""Connecting to the database and bringing its schema up to date.

Operators write plain `sqlite:///path` or `postgresql://user@host/db` URLs; the bot picks
the async driver itself so the same setting works for `alembic`, `psql` and the bot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import StoreUnavailable

MIGRATIONS_LOCATION = str(Path(__file__).with_name("migrations"))
# Any fixed number works; it only has to be the same in every replica.
MIGRATION_LOCK_KEY = 0x616C657274  # "alert"


def async_url(database_url: str) -> URL:
    """`sqlite:///x` → aiosqlite, `postgresql://` → asyncpg; explicit drivers are kept."""
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite" and url.drivername == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres") and url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+asyncpg")
    return url


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(database_url: str, **options: Any) -> AsyncEngine:
    """An engine with the connection settings each backend needs for concurrent use."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **options)
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the sender write while handlers read; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def upgrade_schema(engine: AsyncEngine, revision: str = "head") -> None:
    """Run migrations to `revision`; replicas starting together take turns on PostgreSQL."""
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(_run_alembic, revision)
    except (OSError, sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        raise StoreUnavailable(_unreachable(engine, exc)) from exc


def _run_alembic(connection: sa.Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS_LOCATION)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def ping(engine: AsyncEngine) -> None:
    """Raise `StoreUnavailable` in plain words when the database does not answer."""
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except (OSError, sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
        raise StoreUnavailable(_unreachable(engine, exc)) from exc


def _unreachable(engine: AsyncEngine, exc: BaseException) -> str:
    shown = engine.url.render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return f"DATABASE_URL: cannot reach the database at {shown}: {reason}"
