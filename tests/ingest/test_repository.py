"""The in-memory repository meets the same contract the SQL one must."""

from __future__ import annotations

import pytest

from bot.ingest.repository import FeedRepository, InMemoryFeedRepository
from tests.ingest.repository_contract import CONTRACT, Check, contract_id


@pytest.mark.parametrize("check", CONTRACT, ids=contract_id)
async def test_in_memory_repository_meets_the_contract(check: Check) -> None:
    storage = InMemoryFeedRepository()

    async def reopen() -> FeedRepository:
        return storage  # memory is the storage: "reopening" finds the same data

    await check(reopen)
