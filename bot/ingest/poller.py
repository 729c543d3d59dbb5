"""One polling cycle over the feeds that are due: fetch, parse, dedupe, cluster, keep health.

Each feed runs in its own task and ends either as new items or as a plain-words error on its
health record; nothing one feed does (hang, trickle, flood, crash the parser) reaches the
others or escapes `poll_due`. New items are returned with the story they joined, so the
caller sends one alert per story and lists later outlets as "also reported by".
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.errors import FeedError
from bot.ingest.cluster import Signature, StoryIndex, signatures_from_shingles
from bot.ingest.fetch import Fetched, Fetcher, FetchFailed
from bot.ingest.health import FeedHealth, format_health_table
from bot.ingest.repository import FeedRepository, StoryMember
from bot.ingest.schedule import (
    SchedulePolicy,
    is_dead,
    is_due,
    next_poll_after_failure,
    next_poll_after_success,
)
from bot.ingest.workers import ShingledFeed, parse_and_shingle
from bot.models import FeedSource, FeedState, Item

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
OnFeedDead = Callable[[FeedSource, str], Awaitable[None] | None]
CLUSTER_WINDOW = timedelta(days=3)
_WARM_CHUNK = 500
# Finished polls are written together once this many items (or a tenth as many feed states)
# wait: one transaction per feed costs more than the feed's parsing on SQLite.
SAVE_BATCH = 2000
# New items are checked against the store for a few feeds at once (see `_admit`).
ADMIT_BATCH = 10
ADMIT_WAIT = 0.05

__all__ = ["FeedHealth", "OnFeedDead", "PolledItem", "Poller", "format_health_table"]


@dataclass(frozen=True, slots=True)
class PolledItem:
    """An item never seen before, the story it joined, and whether it opened that story."""

    item: Item
    story_id: str
    first_of_story: bool


# What admitting one feed yields: its new items, and the members to record for them.
Admitted = tuple[list[PolledItem], list[StoryMember]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Poller:
    """Polls due feeds; keeps their state in `repository` so a restart resumes where it was."""

    def __init__(
        self,
        sources: Sequence[FeedSource],
        fetcher: Fetcher,
        repository: FeedRepository,
        *,
        default_interval: float,
        clock: Clock = _utc_now,
        on_feed_dead: OnFeedDead | None = None,
        parse_pool: Callable[[], Executor] | None = None,
        policy: SchedulePolicy = SchedulePolicy(),  # noqa: B008 (frozen, shared on purpose)
        cluster_window: timedelta = CLUSTER_WINDOW,
        rng: random.Random | None = None,
    ) -> None:
        self._sources = list(sources)
        self._fetcher = fetcher
        self._repository = repository
        self._default_interval = default_interval
        self._clock = clock
        self._on_feed_dead = on_feed_dead
        self._make_pool = parse_pool
        self._pool: Executor | None = None
        self._policy = policy
        self._window = cluster_window
        self._rng = rng or random.Random()
        self._states: dict[str, FeedState] | None = None
        self._index: StoryIndex | None = None
        self._in_flight: set[str] = set()
        self._loading = asyncio.Lock()
        self._reading = 0
        self._to_admit: list[tuple[ShingledFeed, asyncio.Future[Admitted]]] = []
        self._admitting = asyncio.Lock()
        self._unsaved_items: list[StoryMember] = []
        self._unsaved_states: dict[str, FeedState] = {}
        self._saving = asyncio.Lock()

    async def poll_due(self) -> list[PolledItem]:
        """Poll every due feed at once (within the fetcher's limits); return the new items."""
        states = await self._feed_states()
        index = await self._story_index()
        index.evict_before(self._clock() - self._window)
        now = self._clock()
        due = [
            source
            for source in self._sources
            if source.url not in self._in_flight and is_due(states[source.url], now)
        ]
        # Claimed before any await, and until saved: an overlapping cycle (a slow one still
        # running) skips them rather than fetch them again and take unsaved items for new.
        claimed = {source.url for source in due}
        self._in_flight |= claimed
        try:
            batches = await asyncio.gather(
                *(self._poll(source, states[source.url]) for source in due)
            )
            await self._save_unsaved()
        finally:
            self._in_flight -= claimed
        return [polled for batch in batches for polled in batch]

    async def health(self) -> list[FeedHealth]:
        states = await self._feed_states()
        return [FeedHealth.of(source, states[source.url]) for source in self._sources]

    # --- one feed ----------------------------------------------------------------------------

    async def _poll(self, source: FeedSource, state: FeedState) -> list[PolledItem]:
        """Poll one feed; whatever happens ends in its state, saved, never as an exception."""
        new, members = await self._take(source, state)
        # Items and state join the same write (no await between): neither is saved alone.
        self._unsaved_items.extend(members)
        self._unsaved_states[source.url] = state
        await self._save_if_due()
        return new

    async def _take(self, source: FeedSource, state: FeedState) -> Admitted:
        """Read the feed and admit its new items; a failure is written into `state` instead.

        Apart from `_poll` so the response and parsed feed are let go before any wait to save.
        """
        try:
            fetched, parsed = await self._read(source, state)
            new, members = await self._admit(parsed) if parsed else ([], [])
            self._succeeded(source, state, fetched, parsed, len(new))
            return new, members
        except FeedError as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchFailed) else None
            await self._failed(source, state, str(exc), retry_after)
        except Exception as exc:  # a bug or a parser crash: this feed's problem, not the cycle's
            log.exception("feed %s: unexpected error", source.url)
            reason = f"unexpected error while reading the feed ({type(exc).__name__}: {exc})"
            await self._failed(source, state, reason[:300], None)
        return [], []

    async def _read(
        self, source: FeedSource, state: FeedState
    ) -> tuple[Fetched, ShingledFeed | None]:
        """Fetch and parse one feed (None: not modified), counted while it runs, so admission
        knows whether more feeds are on their way to it."""
        self._reading += 1
        try:
            fetched = await self._fetcher.fetch(
                source.url, etag=state.etag, last_modified=state.last_modified
            )
            return fetched, None if fetched.not_modified else await self._parse(source, fetched)
        finally:
            self._reading -= 1

    async def _parse(self, source: FeedSource, fetched: Fetched) -> ShingledFeed:
        """Parse off the event loop; a dead parser process is replaced and the feed retried once.

        When a worker dies every job in flight fails with it, so the retry is what keeps the
        other feeds from paying for one that crashes the parser.
        """
        headers = {**fetched.headers, "content-location": fetched.url}
        work = partial(parse_and_shingle, fetched.body, headers, source, self._clock())
        make_pool = self._make_pool
        if make_pool is None:
            return await asyncio.to_thread(work)
        try:
            return await self._in_pool(work, make_pool)
        except BrokenExecutor:
            log.error(
                "a parser process died while %s was parsed; retrying on a new one", source.url
            )
        try:
            return await self._in_pool(work, make_pool)
        except BrokenExecutor:
            raise FeedError(
                "the parser process died twice while reading this feed (it may be built to "
                "exhaust memory)"
            ) from None

    async def _in_pool(
        self, work: Callable[[], ShingledFeed], make_pool: Callable[[], Executor]
    ) -> ShingledFeed:
        pool = self._pool = self._pool or make_pool()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work)
        except BrokenExecutor:
            if self._pool is pool:  # the first job to notice replaces the pool for everyone
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise

    async def aclose(self) -> None:
        """Stop the parser processes this poller started, if any."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown)

    async def _admit(self, parsed: ShingledFeed) -> Admitted:
        """Drop items seen before (in any run), assign the rest to stories; what to remember.

        Feeds are looked up together, one query for many (on SQLite the query costs more than
        its items): those parsed while a lookup runs wait in line for the next, and while other
        feeds are still being read, a lookup first waits `ADMIT_WAIT` for some to join.
        """
        admitted: asyncio.Future[Admitted] = asyncio.get_running_loop().create_future()
        self._to_admit.append((parsed, admitted))
        try:
            async with self._admitting:
                if not admitted.done():
                    if self._reading and len(self._to_admit) < ADMIT_BATCH:
                        await asyncio.sleep(ADMIT_WAIT)
                    await self._admit_waiting()
        except BaseException:
            admitted.cancel()  # cancelled while in line: no one is left to take its items
            raise
        return admitted.result()

    async def _admit_waiting(self) -> None:
        """Admit up to `ADMIT_BATCH` waiting feeds: bounded work between two turns of the loop."""
        taken, self._to_admit = self._to_admit[:ADMIT_BATCH], self._to_admit[ADMIT_BATCH:]
        waiting = [(parsed, admitted) for parsed, admitted in taken if not admitted.done()]
        try:
            index = await self._story_index()
            unseen = await self._repository.unseen_item_ids(
                [item.item_id for parsed, _ in waiting for item, _ in parsed.items]
            )
            fresh = [_unseen(parsed, unseen) for parsed, _ in waiting]
            signatures = signatures_from_shingles([s for items in fresh for _, s in items])
        except Exception as exc:
            for _, admitted in waiting:
                admitted.set_exception(exc)
            return
        except BaseException:
            self._to_admit[:0] = waiting  # cancelled: the next in line looks them up
            raise
        now, start = self._clock(), 0
        for items, (_, admitted) in zip(fresh, waiting, strict=True):
            end = start + len(items)
            try:
                admitted.set_result(_assign(items, signatures[start:end], index, now))
            except Exception as exc:  # a bug: that feed's error (see `_take`), not the others'
                admitted.set_exception(exc)
            start = end

    async def _save_if_due(self) -> None:
        """Write a batch once enough has gathered. While a write runs, finished polls go on
        without waiting for it (waiting, each would keep its feed in memory), unless writing
        has fallen far behind: then they wait, which holds back the next feeds."""
        items, states = len(self._unsaved_items), len(self._unsaved_states)
        if items < SAVE_BATCH and states < SAVE_BATCH // 10:
            return
        if self._saving.locked() and items < 4 * SAVE_BATCH:
            return
        await self._save_unsaved()

    async def _save_unsaved(self) -> None:
        """Write the finished polls' items, then their feed states, in one batch.

        Items go first: a crash between the two writes leaves a feed with its old ETag, to be
        fetched again and its items found seen, never a saved ETag whose items were lost. If
        the store refuses the batch, what memory holds beyond the store (states, stories) is
        dropped and reloaded from the store on the next cycle, so those feeds are read again.
        """
        async with self._saving:
            members, self._unsaved_items = self._unsaved_items, []
            states, self._unsaved_states = self._unsaved_states, {}
            try:
                if members:
                    await self._repository.record_items(members)
                if states:
                    await self._repository.save_feed_states(list(states.values()))
            except BaseException:
                self._states = self._index = None
                raise

    def _succeeded(
        self,
        source: FeedSource,
        state: FeedState,
        fetched: Fetched,
        parsed: ShingledFeed | None,
        new_items: int,
    ) -> None:
        now = self._clock()
        if state.dead:
            log.warning(
                "feed %s works again after %d failures", source.url, state.consecutive_failures
            )
        state.consecutive_failures = 0
        state.dead = state.dead_notified = False
        state.last_success_at = now
        state.items_seen += new_items
        if parsed is not None:
            state.etag, state.last_modified = fetched.etag, fetched.last_modified
            if parsed.note:
                state.last_error, state.last_error_at = parsed.note, now
        state.next_poll_at = next_poll_after_success(
            now,
            self._interval(source),
            self._policy,
            self._rng,
            max_age=fetched.max_age,
            retry_after=fetched.retry_after,
        )

    async def _failed(
        self, source: FeedSource, state: FeedState, reason: str, retry_after: float | None
    ) -> None:
        now = self._clock()
        state.consecutive_failures += 1
        state.last_error, state.last_error_at = reason, now
        state.next_poll_at = next_poll_after_failure(
            now,
            self._interval(source),
            state.consecutive_failures,
            self._policy,
            self._rng,
            retry_after=retry_after,
        )
        state.dead = state.dead or is_dead(state.consecutive_failures, self._policy)
        if state.dead and not state.dead_notified:
            state.dead_notified = await self._tell_dead(source, reason)

    async def _tell_dead(self, source: FeedSource, reason: str) -> bool:
        """Tell the operators once; if telling fails, try again at the next failure."""
        log.error("feed %s is dead after repeated failures: %s", source.url, reason)
        if self._on_feed_dead is None:
            return True
        try:
            outcome = self._on_feed_dead(source, reason)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            log.exception("could not report dead feed %s", source.url)
            return False
        return True

    def _interval(self, source: FeedSource) -> float:
        return float(source.interval or self._default_interval)

    # --- state kept across cycles and restarts -----------------------------------------------

    async def _feed_states(self) -> dict[str, FeedState]:
        if self._states is None:
            async with self._loading:
                if self._states is None:
                    saved = await self._repository.load_feed_states()
                    self._states = {
                        source.url: saved.get(source.url) or FeedState(url=source.url)
                        for source in self._sources
                    }
        return self._states

    async def _story_index(self) -> StoryIndex:
        """The clustering window, rebuilt from the repository on first use after a start."""
        if self._index is None:
            async with self._loading:
                if self._index is None:
                    self._index = await self._rebuild_index()
        return self._index

    async def _rebuild_index(self) -> StoryIndex:
        index = StoryIndex()
        members = await self._repository.story_members_since(self._clock() - self._window)
        for start in range(0, len(members), _WARM_CHUNK):
            chunk = members[start : start + _WARM_CHUNK]
            signatures = signatures_from_shingles([member.shingles for member in chunk])
            for member, signature in zip(chunk, signatures, strict=True):
                index.remember(
                    member.item_id, member.story_id, member.lang, signature, member.seen_at
                )
            await asyncio.sleep(0)  # let users be answered while a big window loads
        return index


def _unseen(feed: ShingledFeed, unseen: set[str]) -> list[tuple[Item, tuple[int, ...]]]:
    """The feed's items never seen before; the same entry twice in one document counts once."""
    fresh = []
    for item, shingles in feed.items:
        if item.item_id in unseen:
            unseen.discard(item.item_id)
            fresh.append((item, shingles))
    return fresh


def _assign(
    fresh: list[tuple[Item, tuple[int, ...]]],
    signatures: list[Signature],
    index: StoryIndex,
    now: datetime,
) -> Admitted:
    """New items with the stories they join, and the members to record for them."""
    new: list[PolledItem] = []
    members: list[StoryMember] = []
    for (item, shingles), signature in zip(fresh, signatures, strict=True):
        story_id, first = index.assign(item.item_id, item.lang, signature, now)
        new.append(PolledItem(item, story_id, first))
        members.append(
            StoryMember(item.item_id, story_id, item.feed_url, item.lang, shingles, now, item)
        )
    return new, members
