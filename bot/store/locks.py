"""Who does the work that only one process may do: poll feeds, drain the outbox, poll updates.

On PostgreSQL each role is a session advisory lock held on a connection of its own: when the
holder dies, its connection closes, PostgreSQL releases the lock, and another replica takes
over on its next try (every `retry_seconds`). SQLite has no such locks and no safe way to share
one file between processes, so a second process on the same SQLite database is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.errors import ConfigError

log = logging.getLogger(__name__)


def lock_key(role: str, scope: str) -> int:
    """A stable signed 64-bit key for (role, scope), e.g. ("sender", bot id)."""
    digest = hashlib.sha256(f"alertbot:{role}:{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SingleProcessGuard:
    """Refuse a second process on one SQLite file; released when this process exits."""

    def __init__(self, database_path: Path) -> None:
        self._path = database_path.with_name(database_path.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self._path, "a+", encoding="utf-8")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise ConfigError(
                f"DATABASE_URL: another alertbot (pid {holder}) is already running on "
                f"{self._path.with_suffix('')}; SQLite allows one process only. "
                "Stop it, or use PostgreSQL to run several replicas."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


class LeaderLock:
    """Hold `key` while running `work`; wait for it while another replica holds it."""

    def __init__(self, engine: AsyncEngine, key: int, name: str, retry_seconds: float = 2.0):
        self._engine = engine
        self._key = key
        self.name = name
        self._retry = retry_seconds
        self.held = False
        self._stopping = False

    def stop(self) -> None:
        """Do not take the role again once the current `work` returns."""
        self._stopping = True

    async def run_while_leader(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `work` each time this replica becomes the holder, until cancelled.

        If the lock's connection breaks, `work` is cancelled: another replica may own the
        role by then, and two holders would break the one-sender promise.
        """
        if self._engine.dialect.name != "postgresql":
            # SQLite: SingleProcessGuard already made this process the only one.
            self.held = True
            try:
                await work()
            finally:
                self.held = False
            return
        while not self._stopping:
            async with self._holding() as connection:
                if connection is None:
                    if not self._stopping:
                        await asyncio.sleep(self._retry)
                    continue
                log.info("this replica now holds the %s role", self.name)
                await self._work_until_lost(connection, work)

    @contextlib.asynccontextmanager
    async def _holding(self) -> AsyncIterator[AsyncConnection | None]:
        try:
            connection = await self._engine.connect()
        except (OSError, sa.exc.SQLAlchemyError) as exc:
            log.warning("cannot reach the database for the %s lock: %s", self.name, exc)
            yield None
            return
        try:
            got = (
                await connection.execute(
                    sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
                )
            ).scalar_one()
            await connection.commit()
            yield connection if got else None
        finally:
            self.held = False
            with contextlib.suppress(Exception):
                await connection.close()  # closing the session releases the lock

    async def _work_until_lost(
        self, connection: AsyncConnection, work: Callable[[], Coroutine[Any, Any, None]]
    ) -> None:
        self.held = True
        worker = asyncio.create_task(work())
        try:
            while not worker.done():
                done, _ = await asyncio.wait({worker}, timeout=self._retry)
                if done:
                    break
                try:
                    await connection.execute(sa.text("SELECT 1"))
                    await connection.commit()
                except (OSError, sa.exc.SQLAlchemyError):
                    log.error("lost the database connection holding the %s role", self.name)
                    break
        finally:
            if not worker.done():
                worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
