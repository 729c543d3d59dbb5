"""What ingestion persists, as a port: feed states, seen item ids and recent story signatures.

The poller needs only these five operations; `bot.store` implements them on SQL, and
`InMemoryFeedRepository` implements them for tests, benchmarks and `scan --once`. Both are
held to the same contract (tests/ingest/repository_contract.py).
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from bot.models import FeedState, Item


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One item as dedupe and clustering remember it: the story it joined and its headline.

    `shingles` is the headline's signature (`bot.ingest.shingles.sorted_shingles`), sorted
    non-negative ints below 2**41; store it as the repository likes (JSON array, blob).
    """

    item_id: str
    story_id: str
    feed_url: str
    lang: str
    shingles: tuple[int, ...]
    seen_at: datetime
    # The item itself, so the store can keep its text with the "seen" mark: an item the
    # process dies on before judging it is judged after the restart, not lost.
    item: Item | None = None


class FeedRepository(Protocol):
    """Persistence for ingestion; every method may be called concurrently from one event loop."""

    async def load_feed_states(self) -> dict[str, FeedState]:
        """Every saved state, by feed URL."""
        ...

    async def save_feed_states(self, states: Sequence[FeedState]) -> None:
        """Insert or replace the state of each `state.url`."""
        ...

    async def unseen_item_ids(self, item_ids: Collection[str]) -> set[str]:
        """Those of `item_ids` never recorded, ever (dedupe survives restarts)."""
        ...

    async def record_items(self, members: Sequence[StoryMember]) -> None:
        """Remember new items; recording an item id again changes nothing."""
        ...

    async def story_members_since(self, since: datetime) -> list[StoryMember]:
        """Members with `seen_at >= since`, oldest first (to rebuild the clustering window)."""
        ...


# (seen_at, item_id, story_id, feed_url, lang, shingles)
_Row = tuple[datetime, str, str, str, str, tuple[int, ...]]


class InMemoryFeedRepository:
    """`FeedRepository` in memory: for tests, benchmarks and one-off runs that store nothing.

    Members are kept as plain tuples (which the garbage collector stops tracking), since a
    first poll of many feeds records tens of thousands at once.
    """

    def __init__(self) -> None:
        self._states: dict[str, FeedState] = {}
        self._seen: set[str] = set()
        self._members: list[_Row] = []  # kept sorted by seen_at

    async def load_feed_states(self) -> dict[str, FeedState]:
        return {url: replace(state) for url, state in self._states.items()}

    async def save_feed_states(self, states: Sequence[FeedState]) -> None:
        self._states.update((state.url, replace(state)) for state in states)

    async def unseen_item_ids(self, item_ids: Collection[str]) -> set[str]:
        return {item_id for item_id in item_ids if item_id not in self._seen}

    async def record_items(self, members: Sequence[StoryMember]) -> None:
        for member in members:
            if member.item_id in self._seen:
                continue
            self._seen.add(member.item_id)
            row = (
                member.seen_at,
                member.item_id,
                member.story_id,
                member.feed_url,
                member.lang,
                member.shingles,
            )
            if not self._members or self._members[-1][0] <= member.seen_at:
                self._members.append(row)  # the usual case: time moves forward
            else:
                bisect.insort(self._members, row, key=lambda r: r[0])

    async def story_members_since(self, since: datetime) -> list[StoryMember]:
        start = bisect.bisect_left(self._members, since, key=lambda r: r[0])
        return [
            StoryMember(item_id, story_id, feed_url, lang, shingles, seen_at)
            for seen_at, item_id, story_id, feed_url, lang, shingles in self._members[start:]
        ]
