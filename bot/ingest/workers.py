"""The CPU half of ingestion, run in worker processes so the bot's event loop stays free.

feedparser needs about 10 ms of CPU for a 30-item feed; on the loop that would delay every
reply to a user. `Poller(..., parse_pool=make_parse_pool)` parses in processes; without a
`parse_pool` the poller parses in a thread (fine for tests and a few dozen feeds).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from bot.heap import freeze_startup_heap
from bot.ingest.parse import read_feed
from bot.ingest.shingles import sorted_shingles
from bot.models import FeedSource, Item


@dataclass(frozen=True, slots=True)
class ShingledFeed:
    """A parsed feed with each item's headline shingles, ready for dedupe and clustering.

    The band keys that find similar headlines are computed by the poller, many feeds in one
    numpy pass, so these processes never load numpy (a parser process peaks at ~30 MB without
    it, ~43 MB with it).
    """

    items: list[tuple[Item, tuple[int, ...]]]
    note: str | None


def parse_and_shingle(
    body: bytes, headers: Mapping[str, str], source: FeedSource, fetched_at: datetime
) -> ShingledFeed:
    parsed = read_feed(body, headers, source, fetched_at)
    return ShingledFeed([(item, sorted_shingles(item.title)) for item in parsed.items], parsed.note)


def make_parse_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of parser processes; the caller shuts it down (`pool.shutdown()`).

    Workers are spawned, not forked (forking a process that runs threads and an event loop
    is unsafe), and run at lower priority: parsing is batch work, answering users is not.
    """
    return ProcessPoolExecutor(
        max_workers=workers or os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
    )


def _start_worker() -> None:
    """Lower priority, and the modules just imported (feedparser) kept out of every
    collection: a parser makes thousands of short-lived objects per feed."""
    if hasattr(os, "nice"):
        os.nice(10)
    freeze_startup_heap()
