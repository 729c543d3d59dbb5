"""Fixtures every test may use: a migrated database on SQLite and on PostgreSQL, and a clock.

PostgreSQL is found through TEST_DATABASE_URL (default: the local server CI starts); each test
gets a database of its own, dropped afterwards. When no server answers, the PostgreSQL half of
a parametrised test is skipped with the reason, never silently passed.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.db import create_engine, upgrade_schema

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_configure(config: pytest.Config) -> None:
    # As `alertbot` does: PTB hands `retry_after` over as a timedelta (PTB 23's behaviour).
    os.environ.setdefault("PTB_TIMEDELTA", "true")


class FakeClock:
    """A clock tests move by hand, so schedules and timeouts need no sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _postgres_database(tmp_name: str) -> str:
    admin = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL), timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{tmp_name}"')
    finally:
        await admin.close()
    return make_url(TEST_DATABASE_URL).set(database=tmp_name).render_as_string(hide_password=False)


async def _drop_postgres_database(tmp_name: str) -> None:
    admin = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{tmp_name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """A URL to an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/alertbot.sqlite3"
        return
    name = f"alertbot_test_{uuid.uuid4().hex[:12]}"
    try:
        url = await _postgres_database(name)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.skip(
            f"PostgreSQL at {make_url(TEST_DATABASE_URL).render_as_string()} did not answer: {exc}"
        )
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated database, on each backend."""
    engine = create_engine(database_url)
    await upgrade_schema(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
