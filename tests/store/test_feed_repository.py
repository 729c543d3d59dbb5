"""The SQL feed repository keeps the same promises as the in-memory one, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ingest.repository import FeedRepository
from bot.store.feeds import SqlFeedRepository
from tests.ingest.repository_contract import CONTRACT, Check, contract_id


@pytest.mark.parametrize("check", CONTRACT, ids=contract_id)
async def test_sql_feed_repository_meets_the_contract(check: Check, engine: AsyncEngine) -> None:
    async def reopen() -> FeedRepository:
        return SqlFeedRepository(engine)  # a new repository on the same database: a restart

    await check(reopen)
