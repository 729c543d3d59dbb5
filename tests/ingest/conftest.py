"""Fixtures for ingestion tests: a misbehaving local feed server, a fetcher with small limits,
an in-memory repository, and a poller factory that wires them with the tests' clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest

from bot.ingest.fetch import FetchConfig, Fetcher
from bot.ingest.poller import Poller
from bot.ingest.repository import FeedRepository, InMemoryFeedRepository
from bot.models import FeedSource
from tests.conftest import FakeClock
from tests.fakes.feed_server import FeedServer

# Small limits keep the hostile cases fast: a trickle is cut after half a second.
TEST_LIMITS = FetchConfig(
    contact_url="https://example.org/alertbot",
    connect_timeout=1.0,
    read_timeout=1.0,
    deadline=0.5,
    max_bytes=256 * 1024,
    max_redirects=3,
    concurrency=16,
    per_host_concurrency=16,
)

MakePoller = Callable[..., Poller]


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as server:
        yield server


@pytest.fixture
def fetch_config() -> FetchConfig:
    return TEST_LIMITS


@pytest.fixture
async def fetcher(fetch_config: FetchConfig) -> AsyncIterator[Fetcher]:
    async with Fetcher(fetch_config) as fetcher:
        yield fetcher


@pytest.fixture
def repository() -> InMemoryFeedRepository:
    return InMemoryFeedRepository()


@pytest.fixture
def make_poller(
    fetcher: Fetcher, repository: InMemoryFeedRepository, clock: FakeClock
) -> MakePoller:
    """A new Poller over the same fetcher, repository and clock (a new one = a restart)."""

    def make(
        sources: Sequence[FeedSource], *, repo: FeedRepository | None = None, **options: Any
    ) -> Poller:
        options.setdefault("default_interval", 900)
        return Poller(sources, fetcher, repo or repository, clock=clock, **options)

    return make
