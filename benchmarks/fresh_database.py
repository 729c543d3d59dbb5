"""A fresh, empty database for one benchmark run: a SQLite file, or a PostgreSQL database
created for the run and dropped afterwards. Shared by the benchmarks that use the bot's store.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


class Backend:
    """A fresh database per run: a SQLite file, or a PostgreSQL database dropped afterwards."""

    def __init__(self, name: str, postgres_url: str | None, folder: Path) -> None:
        self.name = name
        self._postgres = postgres_url
        self._folder = folder

    @contextmanager
    def database(self) -> Iterator[str]:
        if self.name == "sqlite":
            path = self._folder / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
            try:
                yield f"sqlite:///{path}"
            finally:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        assert self._postgres is not None
        name = f"alertbot_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(_postgres_admin(self._postgres, f'CREATE DATABASE "{name}"'))
        try:
            yield _with_database(self._postgres, name)
        finally:
            asyncio.run(
                _postgres_admin(self._postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            )


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _postgres_admin(url: str, statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def postgres_available(url: str) -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        asyncio.run(_postgres_admin(url, "SELECT 1"))
    except Exception as exc:  # any failure means: report SQLite only, and say why
        return f"{type(exc).__name__}: {exc}"
    return None
