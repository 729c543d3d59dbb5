"""Polling cycles against a real local feed server: conditional GET, schedule, dedupe,
clustering across outlets and restarts, feed health, and hostile feeds kept in their lane."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Collection, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.ingest.fetch import FetchConfig, Fetched, Fetcher
from bot.ingest.health import FeedHealth, format_health_table
from bot.ingest.poller import PolledItem, Poller
from bot.ingest.repository import InMemoryFeedRepository, StoryMember
from bot.ingest.schedule import SchedulePolicy
from bot.ingest.workers import make_parse_pool
from bot.models import FeedSource, FeedState
from tests.conftest import FakeClock
from tests.fakes.feed_server import FeedServer, Reply
from tests.ingest.builders import Entry, numbered, rss, source
from tests.ingest.conftest import MakePoller

STILL = SchedulePolicy(jitter=0.0, dead_after_failures=3)
STORY_EN = [
    Entry("Cambodian police free 64 Indonesians held in Sihanoukville scam compound", guid="kt-1"),
    Entry(
        "64 Indonesian nationals rescued from online scam compound in Sihanoukville", guid="pp-9"
    ),
]


class CountingExecutor(ThreadPoolExecutor):
    """Runs parsing in a thread and counts how often it was asked to."""

    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.jobs = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.jobs += 1
        return super().submit(fn, *args, **kwargs)


class TimedFetcher(Fetcher):
    """Notes when each feed's fetch ended, well or badly, to show who waited for whom."""

    def __init__(self, config: FetchConfig) -> None:
        super().__init__(config)
        self.ended_at: dict[str, float] = {}

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        try:
            return await super().fetch(url, etag=etag, last_modified=last_modified)
        finally:
            self.ended_at.setdefault(url, time.monotonic())


class RefusingRepository(InMemoryFeedRepository):
    """Notes each lookup and write; refuses the first write of items or of states if told."""

    def __init__(self, refuse: str = "") -> None:
        super().__init__()
        self.refuse = refuse
        self.writes: list[str] = []
        self.lookups = 0

    async def unseen_item_ids(self, item_ids: Collection[str]) -> set[str]:
        self.lookups += 1
        return await super().unseen_item_ids(item_ids)

    def _write(self, what: str) -> None:
        self.writes.append(what)
        if self.refuse == what:
            self.refuse = ""
            raise OSError("disk I/O error")

    async def record_items(self, members: Sequence[StoryMember]) -> None:
        self._write("items")
        await super().record_items(members)

    async def save_feed_states(self, states: Sequence[FeedState]) -> None:
        self._write("states")
        await super().save_feed_states(states)


async def poll_many(
    feed_server: FeedServer, make_poller: MakePoller, *, feeds: int, items: int
) -> tuple[RefusingRepository, list[PolledItem]]:
    """One cycle over `feeds` new feeds of `items` items each, noted by the repository."""
    repository = RefusingRepository()
    routes = [Reply(rss(*numbered(items, f"F{n}"))) for n in range(feeds)]
    urls = [feed_server.route(f"/feed{n}", reply) for n, reply in enumerate(routes)]
    return repository, await make_poller([source(url) for url in urls], repo=repository).poll_due()


async def health_of(poller: Poller, url: str) -> FeedHealth:
    return next(row for row in await poller.health() if row.url == url)


async def test_new_items_come_back_once_each_opening_its_own_story(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(3))))
    poller = make_poller([source(url)])
    first = await poller.poll_due()
    clock.advance(3600)
    again = await poller.poll_due()
    assert [p.item.title for p in first] == [e.title for e in numbered(3)]
    assert all(p.first_of_story and p.story_id == p.item.item_id for p in first)
    assert again == []
    assert len(feed_server.requests_for("/feed")) == 2


async def test_a_feed_is_not_polled_before_its_interval(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(1))))
    poller = make_poller([source(url, interval=600)], policy=STILL)
    await poller.poll_due()
    clock.advance(599)
    await poller.poll_due()
    clock.advance(1)
    await poller.poll_due()
    assert len(feed_server.requests_for("/feed")) == 2


async def test_not_modified_feed_costs_no_parsing(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(2)), etag='"v1"'))
    parser = CountingExecutor()
    poller = make_poller([source(url)], parse_pool=lambda: parser)
    await poller.poll_due()
    clock.advance(3600)
    assert await poller.poll_due() == []
    await poller.aclose()
    assert feed_server.requests_for("/feed")[1].headers["if-none-match"] == '"v1"'
    assert parser.jobs == 1
    assert (await health_of(poller, url)).last_success_at == clock.now


async def test_validators_are_remembered_across_a_restart(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route(
        "/feed", Reply(rss(*numbered(1)), last_modified="Sun, 01 Nov 2026 07:00:00 GMT")
    )
    await make_poller([source(url)]).poll_due()
    clock.advance(3600)
    await make_poller([source(url)]).poll_due()
    assert feed_server.requests_for("/feed")[1].headers["if-modified-since"] == (
        "Sun, 01 Nov 2026 07:00:00 GMT"
    )


async def test_cache_control_max_age_postpones_the_next_poll(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route(
        "/feed", Reply(rss(*numbered(1)), headers={"Cache-Control": "max-age=7200"})
    )
    poller = make_poller([source(url)], policy=STILL)
    await poller.poll_due()
    clock.advance(3600)
    await poller.poll_due()
    assert len(feed_server.requests_for("/feed")) == 1
    assert (await health_of(poller, url)).next_poll_at == clock.now + timedelta(seconds=3600)


async def test_retry_after_postpones_the_next_poll_after_a_failure(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(status=503, headers={"Retry-After": "5400"}))
    poller = make_poller([source(url)], policy=STILL)
    await poller.poll_due()
    row = await health_of(poller, url)
    assert row.next_poll_at == clock.now + timedelta(seconds=5400)
    assert row.last_error is not None and "asked to wait 5400 s" in row.last_error


async def test_consecutive_failures_back_off_exponentially(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(status=500))
    poller = make_poller([source(url, interval=600)], policy=replace(STILL, dead_after_failures=99))
    gaps = []
    for _ in range(4):
        await poller.poll_due()
        row = await health_of(poller, url)
        assert row.next_poll_at is not None
        gaps.append((row.next_poll_at - clock.now).total_seconds())
        clock.now = row.next_poll_at
    assert gaps == [600, 1200, 2400, 4800]
    assert (await health_of(poller, url)).consecutive_failures == 4


async def test_a_dead_feed_is_reported_once_and_again_only_after_it_recovered(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(status=500))
    told: list[tuple[str, str]] = []
    poller = make_poller(
        [source(url)],
        policy=STILL,
        on_feed_dead=lambda feed, reason: told.append((feed.url, reason)),
    )

    async def poll_times(count: int) -> None:
        for _ in range(count):
            clock.now = (await health_of(poller, url)).next_poll_at or clock.now
            await poller.poll_due()

    await poll_times(6)
    assert told == [(url, "HTTP 500 Internal Server Error: the site has a problem on its side")]
    assert (await health_of(poller, url)).status == "dead"
    feed_server.route("/feed", Reply(rss(*numbered(1))))
    await poll_times(1)
    assert (await health_of(poller, url)).status == "ok"
    feed_server.route("/feed", Reply(status=500))
    await poll_times(3)
    assert len(told) == 2


async def test_a_dead_feed_is_not_reported_again_after_a_restart(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(status=500))
    told: list[str] = []

    async def tell(feed: FeedSource, reason: str) -> None:
        told.append(feed.url)

    for _ in range(5):  # each poll from a freshly started bot
        poller = make_poller([source(url)], policy=STILL, on_feed_dead=tell)
        clock.advance(86_400)
        await poller.poll_due()
    assert told == [url]


async def test_a_failing_report_of_death_is_retried_at_the_next_failure(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(status=500))
    attempts: list[str] = []

    def tell(feed: FeedSource, reason: str) -> None:
        attempts.append(reason)
        if len(attempts) == 1:
            raise RuntimeError("telegram is down")

    poller = make_poller([source(url)], policy=STILL, on_feed_dead=tell)
    for _ in range(5):
        clock.advance(86_400)
        await poller.poll_due()
    assert len(attempts) == 2


async def test_items_are_deduplicated_across_a_restart(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(3))))
    assert len(await make_poller([source(url)]).poll_due()) == 3
    feed_server.route("/feed", Reply(rss(*numbered(4))))
    clock.advance(3600)
    after_restart = await make_poller([source(url)]).poll_due()
    assert [p.item.title for p in after_restart] == [numbered(4)[3].title]


async def test_one_story_from_two_outlets_is_one_cluster(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    khmer = feed_server.route("/khmer", Reply(rss(STORY_EN[0], *numbered(2, "Khmer"))))
    penh = feed_server.route("/penh", Reply(rss(STORY_EN[1], *numbered(2, "Penh"))))
    new = await make_poller(
        [source(khmer, name="Khmer Daily"), source(penh, name="Penh Post")]
    ).poll_due()
    story = [p for p in new if "Sihanoukville" in p.item.title]
    assert len(new) == 6
    assert len({p.story_id for p in story}) == 1
    assert sorted(p.first_of_story for p in story) == [False, True]
    assert {p.item.source for p in story} == {"Khmer Daily", "Penh Post"}


async def test_an_outlet_joins_a_story_first_seen_before_a_restart(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    vi_first = Entry(
        "Giải cứu 17 người Việt bị lừa sang Campuchia làm việc nhẹ lương cao", guid="tn-1"
    )
    vi_later = Entry(
        "17 người Việt bị lừa 'việc nhẹ lương cao' sang Campuchia đã được giải cứu", guid="vn-5"
    )
    one = feed_server.route("/one", Reply(rss(vi_first, language="vi")))
    [opened] = await make_poller([source(one, lang="vi")]).poll_due()
    clock.advance(6 * 3600)
    two = feed_server.route("/two", Reply(rss(vi_later, language="vi")))
    [joined] = await make_poller([source(one, lang="vi"), source(two, lang="vi")]).poll_due()
    assert (joined.story_id, joined.first_of_story) == (opened.story_id, False)


async def test_stories_older_than_the_window_are_not_joined(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    one = feed_server.route("/one", Reply(rss(STORY_EN[0])))
    await make_poller([source(one)]).poll_due()
    clock.advance(4 * 86_400)
    two = feed_server.route("/two", Reply(rss(STORY_EN[1])))
    [later] = await make_poller([source(one), source(two)]).poll_due()
    assert later.first_of_story


async def test_items_seen_counts_only_new_items(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(2))))
    poller = make_poller([source(url)])
    await poller.poll_due()
    feed_server.route("/feed", Reply(rss(*numbered(5))))
    clock.advance(3600)
    await poller.poll_due()
    assert (await health_of(poller, url)).items_seen == 5


async def test_a_feed_still_being_polled_is_not_polled_twice_by_an_overlapping_cycle(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(1)), delay=0.1))
    poller = make_poller([source(url)])
    first, second = await asyncio.gather(poller.poll_due(), poller.poll_due())
    assert len(first) + len(second) == 1
    assert len(feed_server.requests_for("/feed")) == 1


async def test_a_cycle_writes_its_feeds_in_one_batch_not_one_transaction_each(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    repository, new = await poll_many(feed_server, make_poller, feeds=30, items=2)
    assert len(new) == 60
    assert repository.writes == ["items", "states"]
    assert len(await repository.load_feed_states()) == 30
    assert await repository.unseen_item_ids([p.item.item_id for p in new]) == set()


async def test_feeds_read_together_are_looked_up_in_the_store_together(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    repository, new = await poll_many(feed_server, make_poller, feeds=12, items=3)
    assert len(new) == 36
    assert 1 <= repository.lookups <= 3  # not one query per feed


async def test_when_the_store_refuses_the_items_the_next_cycle_reads_the_feed_again(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(2)), etag='"v1"'))
    poller = make_poller([source(url)], repo=RefusingRepository(refuse="items"))
    with pytest.raises(OSError, match="disk I/O error"):
        await poller.poll_due()
    again = await poller.poll_due()  # at once: the failed poll left no "next poll" time behind
    assert [p.item.title for p in again] == [e.title for e in numbered(2)]
    assert "if-none-match" not in feed_server.requests_for("/feed")[1].headers


async def test_when_the_store_refuses_the_states_the_saved_items_are_not_new_again(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(2)), etag='"v1"'))
    repository = RefusingRepository(refuse="states")
    poller = make_poller([source(url)], repo=repository)
    with pytest.raises(OSError, match="disk I/O error"):
        await poller.poll_due()
    assert await poller.poll_due() == []  # read again, in full, and found already seen
    assert "if-none-match" not in feed_server.requests_for("/feed")[1].headers
    assert (await repository.load_feed_states())[url].etag == '"v1"'


async def test_parsing_in_a_process_pool_gives_the_same_items(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    url = feed_server.route("/feed", Reply(rss(*STORY_EN)))
    poller = make_poller([source(url)], parse_pool=lambda: make_parse_pool(1))
    try:
        new = await poller.poll_due()
    finally:
        await poller.aclose()
    assert [p.item.title for p in new] == [e.title for e in STORY_EN]
    assert [p.first_of_story for p in new] == [True, False]


async def test_a_dead_parser_process_is_replaced_and_no_feed_pays_for_it(
    feed_server: FeedServer, make_poller: MakePoller, clock: FakeClock
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(2))))
    pools: list[ProcessPoolExecutor] = []

    def make_pool() -> ProcessPoolExecutor:
        pools.append(make_parse_pool(1))
        return pools[-1]

    poller = make_poller([source(url)], parse_pool=make_pool)
    try:
        await poller.poll_due()
        _kill_workers(pools[0])
        feed_server.route("/feed", Reply(rss(*numbered(3))))
        clock.advance(3600)
        [third] = await poller.poll_due()
    finally:
        await poller.aclose()
    assert third.item.title == numbered(3)[2].title
    assert len(pools) == 2
    assert (await health_of(poller, url)).status == "ok"


class AlwaysBrokenPool(Executor):
    """A parser pool whose every worker dies at once, as a parser-killing feed would do."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        raise BrokenProcessPool("a child process terminated abruptly")


async def test_a_feed_that_kills_the_parser_twice_ends_as_a_plain_error(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    url = feed_server.route("/feed", Reply(rss(*numbered(1))))
    poller = make_poller([source(url)], parse_pool=AlwaysBrokenPool)
    assert await poller.poll_due() == []
    row = await health_of(poller, url)
    assert row.status == "failing"
    assert row.last_error == (
        "the parser process died twice while reading this feed (it may be built to exhaust memory)"
    )


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes as the kernel's OOM killer would."""
    for process in list(pool._processes.values()):  # no public way to reach them
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join()


# --- hostile and broken feeds ----------------------------------------------------------------

BILLION_LAUGHS = b"".join(
    [
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">',
        *(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)),
        b']><rss version="2.0"><channel><item><title>&j;</title></item></channel></rss>',
    ]
)
HOSTILE: dict[str, tuple[Reply, str]] = {
    "malformed-xml": (
        Reply(b"<?xml version='1.0'?><rss version='2.0'><channel><<<>>>&&&"),
        "not a feed: the XML is broken",
    ),
    "billion-laughs": (Reply(BILLION_LAUGHS), "billion laughs"),
    "far-over-the-cap": (
        Reply(b"<rss>", generated_size=1 << 30, send_length=False),
        "gave up after 0.25 MB",
    ),
    "trickle": (Reply(rss(*numbered(1)), trickle=1.0), "timed out after 0.5 s"),
    "redirect-loop": (Reply(status=302, headers={"Location": "/hostile"}), "too many redirects"),
    "html-page": (
        Reply(b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html"),
        "not a feed: got an HTML page",
    ),
    "server-error": (Reply(status=500), "HTTP 500 Internal Server Error"),
    "hang-up": (Reply(hang_up=True), "the server broke the HTTP protocol"),
}


@pytest.mark.parametrize("case", HOSTILE)
async def test_a_hostile_feed_ends_as_a_plain_error_and_the_others_are_served(
    feed_server: FeedServer, make_poller: MakePoller, case: str
) -> None:
    reply, words = HOSTILE[case]
    bad = feed_server.route("/hostile", reply)
    good = feed_server.route("/good", Reply(rss(*numbered(2))))
    poller = make_poller([source(bad, name="Hostile"), source(good, name="Good")])
    new = await poller.poll_due()
    row = await health_of(poller, bad)
    assert [p.item.feed_url for p in new] == [good, good]
    assert row.status == "failing" and row.last_error is not None
    assert words in row.last_error


async def test_connection_refused_and_tls_errors_end_as_plain_errors(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    refused = f"http://127.0.0.1:{_closed_port()}/feed"
    tls = f"https://127.0.0.1:{feed_server.port}/feed"
    poller = make_poller([source(refused), source(tls)])
    assert await poller.poll_due() == []
    assert "connection refused" in ((await health_of(poller, refused)).last_error or "")
    assert "secure connection (TLS) failed" in ((await health_of(poller, tls)).last_error or "")


async def test_markup_in_titles_is_stripped_and_the_feed_stays_healthy(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    entry = Entry(
        "<script>alert(1)</script><b>Raid</b> frees 40 <img src=x onerror=alert(2)>",
        summary="<iframe src='https://evil.example'></iframe><p>Forty workers</p>",
    )
    url = feed_server.route("/feed", Reply(rss(entry)))
    poller = make_poller([source(url)])
    [polled] = await poller.poll_due()
    assert (polled.item.title, polled.item.summary) == ("Raid frees 40", "Forty workers")
    assert (await health_of(poller, url)).status == "ok"


async def test_a_repaired_feed_keeps_its_items_and_shows_what_was_wrong(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    cp1252 = rss(Entry("Café “Sihanoukville” – raid")).decode().encode("cp1252")
    url = feed_server.route("/feed", Reply(cp1252))
    poller = make_poller([source(url)])
    [polled] = await poller.poll_due()
    row = await health_of(poller, url)
    assert polled.item.title == "Café “Sihanoukville” – raid"
    assert row.status == "ok" and "character set is wrong" in (row.last_error or "")


async def test_hostile_feeds_do_not_delay_the_good_ones(
    fetch_config: FetchConfig, clock: FakeClock
) -> None:
    async with (
        FeedServer() as hostile,
        FeedServer() as healthy,
        TimedFetcher(fetch_config) as fetcher,
    ):
        bad = [hostile.route(f"/{name}", reply) for name, (reply, _) in HOSTILE.items()]
        good = [healthy.route(f"/good{i}", Reply(rss(*numbered(2, f"Good{i}")))) for i in range(3)]
        poller = Poller(
            [source(url) for url in bad + good],
            fetcher,
            InMemoryFeedRepository(),
            default_interval=900,
            clock=clock,
        )
        started = time.monotonic()
        new = await poller.poll_due()
        finished = time.monotonic() - started
    good_done = max(fetcher.ended_at[url] for url in good) - started
    trickle_done = fetcher.ended_at[hostile.url("/trickle")] - started
    assert len(new) == 6
    assert good_done < 0.3 < trickle_done
    assert finished < 1.5  # every hostile feed ran at once, bounded by the 0.5 s deadline


async def test_health_table_shows_every_feed_with_errors_in_plain_words(
    feed_server: FeedServer, make_poller: MakePoller
) -> None:
    good = source(feed_server.route("/good", Reply(rss(*numbered(2)))), name="Good Daily")
    bad = source(feed_server.route("/bad", Reply(status=500)), name="Broken Times")
    added = source(feed_server.url("/added"), name="Later News")
    await make_poller([good, bad]).poll_due()
    # `alertbot feeds` after a feed was added to the files: a new poller, the same store
    table = format_health_table(await make_poller([good, bad, added]).health()).splitlines()
    assert table[0].split() == [
        "FEED",
        "STATUS",
        "LAST",
        "SUCCESS",
        "FAILS",
        "ITEMS",
        "LAST",
        "ERROR",
    ]
    assert table[1].split()[:3] == ["Broken", "Times", "failing"]
    assert table[1].endswith("HTTP 500 Internal Server Error: the site has a problem on its side")
    assert table[2].split() == ["Later", "News", "new", "never", "0", "0", "-"]
    assert table[3].split()[:3] == ["Good", "Daily", "ok"] and table[3].split()[-2:] == ["2", "-"]


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_health_table_columns_line_up_in_every_script() -> None:
    names = ["VnExpress", "ไทยรัฐ", "연합뉴스"]  # 9 columns; 5 (one mark takes none); 8 (wide)
    rows = [
        FeedHealth(
            url=f"https://n{i}.example/",
            name=name,
            status="new",
            last_success_at=None,
            last_error=None,
            last_error_at=None,
            consecutive_failures=0,
            items_seen=0,
            next_poll_at=None,
        )
        for i, name in enumerate(names)
    ]
    lines = format_health_table(rows).splitlines()
    assert [line[: line.index("new")] for line in lines[1:]] == [
        "VnExpress  ",
        "ไทยรัฐ" + " " * 4 + "  ",
        "연합뉴스" + " " + "  ",
    ]
