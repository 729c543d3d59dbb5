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
from bot.ingest.cluster import StoryIndex, signatures_from_shingles
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
from bot.ingest.workers import SignedFeed, parse_and_sign
from bot.models import FeedSource, FeedState, Item

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
OnFeedDead = Callable[[FeedSource, str], Awaitable[None] | None]
CLUSTER_WINDOW = timedelta(days=3)
_WARM_CHUNK = 500
# Finished polls are written together once this many items (or a tenth as many feed states)
# wait: one transaction per feed costs more than the feed's parsing on SQLite.
SAVE_BATCH = 2000

__all__ = ["FeedHealth", "OnFeedDead", "PolledItem", "Poller", "format_health_table"]


@dataclass(frozen=True, slots=True)
class PolledItem:
    """An item never seen before, the story it joined, and whether it opened that story."""

    item: Item
    story_id: str
    first_of_story: bool


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
        new: list[PolledItem] = []
        members: list[StoryMember] = []
        try:
            fetched = await self._fetcher.fetch(
                source.url, etag=state.etag, last_modified=state.last_modified
            )
            signed = None if fetched.not_modified else await self._parse(source, fetched)
            new, members = await self._admit(signed) if signed else ([], [])
            self._succeeded(source, state, fetched, signed, len(new))
        except FeedError as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchFailed) else None
            await self._failed(source, state, str(exc), retry_after)
        except Exception as exc:  # a bug or a parser crash: this feed's problem, not the cycle's
            log.exception("feed %s: unexpected error", source.url)
            reason = f"unexpected error while reading the feed ({type(exc).__name__}: {exc})"
            await self._failed(source, state, reason[:300], None)
        # Items and state join the same write (no await between): neither is saved alone.
        self._unsaved_items.extend(members)
        self._unsaved_states[source.url] = state
        if len(self._unsaved_items) >= SAVE_BATCH or len(self._unsaved_states) >= SAVE_BATCH // 10:
            await self._save_unsaved()
        return new

    async def _parse(self, source: FeedSource, fetched: Fetched) -> SignedFeed:
        """Parse off the event loop; a dead parser process is replaced and the feed retried once.

        When a worker dies every job in flight fails with it, so the retry is what keeps the
        other feeds from paying for one that crashes the parser.
        """
        headers = {**fetched.headers, "content-location": fetched.url}
        work = partial(parse_and_sign, fetched.body, headers, source, self._clock())
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
        self, work: Callable[[], SignedFeed], make_pool: Callable[[], Executor]
    ) -> SignedFeed:
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

    async def _admit(self, signed: SignedFeed) -> tuple[list[PolledItem], list[StoryMember]]:
        """Drop items seen before (in any run), assign the rest to stories; what to remember."""
        index = await self._story_index()
        unseen = await self._repository.unseen_item_ids([item.item_id for item, _ in signed.items])
        now = self._clock()
        new: list[PolledItem] = []
        members: list[StoryMember] = []
        for item, signature in signed.items:
            if item.item_id not in unseen:
                continue
            unseen.discard(item.item_id)  # the same entry twice in one document counts once
            story_id, first = index.assign(item.item_id, item.lang, signature, now)
            new.append(PolledItem(item, story_id, first))
            members.append(
                StoryMember(
                    item.item_id,
                    story_id,
                    item.feed_url,
                    item.lang,
                    signature.shingles,
                    now,
                    item,
                )
            )
        return new, members

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
        signed: SignedFeed | None,
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
        if signed is not None:
            state.etag, state.last_modified = fetched.etag, fetched.last_modified
            if signed.note:
                state.last_error, state.last_error_at = signed.note, now
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
