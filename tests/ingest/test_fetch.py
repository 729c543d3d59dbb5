"""The fetcher against a real local HTTP server: headers, conditional GET, limits, failures."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import pytest

from bot.ingest.fetch import FetchConfig, Fetched, Fetcher, FetchFailed
from tests.fakes.feed_server import FeedServer, Reply
from tests.ingest.builders import Entry, rss

FEED = rss(Entry("Police free 64 workers", guid="a"))


async def test_user_agent_names_the_bot_and_its_url(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    await fetcher.fetch(feed_server.route("/feed", Reply(FEED)))
    agent = feed_server.requests_for("/feed")[0].headers["user-agent"]
    assert agent.startswith("alertbot/") and "https://example.org/alertbot" in agent


async def test_etag_and_last_modified_are_sent_back_and_304_has_no_body(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = feed_server.route(
        "/feed", Reply(FEED, etag='"v1"', last_modified="Sun, 01 Nov 2026 07:00:00 GMT")
    )
    first = await fetcher.fetch(url)
    second = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    sent = feed_server.requests_for("/feed")[1].headers
    assert (first.status, first.etag, first.body) == (200, '"v1"', FEED)
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Sun, 01 Nov 2026 07:00:00 GMT"
    assert (second.not_modified, second.body) == (True, b"")


async def test_gzip_bodies_arrive_decompressed(feed_server: FeedServer, fetcher: Fetcher) -> None:
    fetched = await fetcher.fetch(feed_server.route("/feed", Reply(FEED, gzip=True)))
    assert "gzip" in feed_server.requests_for("/feed")[0].headers["accept-encoding"]
    assert fetched.body == FEED


async def test_one_connection_is_kept_alive_across_fetches_and_304s(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = feed_server.route("/feed", Reply(FEED, etag='"v1"'))
    await fetcher.fetch(url)
    for _ in range(3):
        assert (await fetcher.fetch(url, etag='"v1"')).not_modified
    assert {request.connection for request in feed_server.requests} == {1}


async def test_cache_control_and_retry_after_are_read(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = feed_server.route(
        "/feed",
        Reply(FEED, headers={"Cache-Control": "public, max-age=3600", "Retry-After": "120"}),
    )
    fetched = await fetcher.fetch(url)
    assert (fetched.max_age, fetched.retry_after) == (3600.0, 120.0)


async def test_retry_after_as_a_date_counts_from_the_servers_clock(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    url = feed_server.route(
        "/feed",
        Reply(
            status=503,
            headers={
                "Date": "Sun, 01 Nov 2026 08:00:00 GMT",
                "Retry-After": "Sun, 01 Nov 2026 08:30:00 GMT",
            },
        ),
    )
    with pytest.raises(FetchFailed) as failure:
        await fetcher.fetch(url)
    assert failure.value.retry_after == 1800
    assert str(failure.value) == (
        "HTTP 503 Service Unavailable: the site has a problem on its side; asked to wait 1800 s"
    )


async def test_redirects_are_followed_and_the_final_url_kept(
    feed_server: FeedServer, fetcher: Fetcher
) -> None:
    feed_server.route("/new", Reply(FEED))
    old = feed_server.route("/old", Reply(status=301, headers={"Location": "/new"}))
    fetched = await fetcher.fetch(old)
    assert (fetched.url, fetched.body) == (feed_server.url("/new"), FEED)


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(status=500), "HTTP 500 Internal Server Error: the site has a problem on its side"),
        (Reply(status=404), "HTTP 404 Not Found: the feed is not there; check its URL"),
        (
            Reply(status=429, headers={"Retry-After": "600"}),
            "HTTP 429 Too Many Requests: the site asks us to poll less often; asked to wait 600 s",
        ),
        (
            Reply(b"<rss>", generated_size=10 * 1024 * 1024),
            "gave up: the feed is 10.0 MB, over the 0.25 MB limit",
        ),
        (
            Reply(b"<rss>", generated_size=10 * 1024 * 1024, send_length=False),
            "gave up after 0.25 MB: the feed is larger than the limit",
        ),
        (Reply(FEED, trickle=1.0), "timed out after 0.5 s"),
        (Reply(FEED, delay=5.0), "timed out after 0.5 s"),
        (
            Reply(hang_up=True),
            "the server broke the HTTP protocol (Server disconnected without sending a response.)",
        ),
        (
            Reply(b"not gzip at all", headers={"Content-Encoding": "gzip"}),
            "the response could not be decompressed (corrupt gzip or deflate)",
        ),
    ],
    ids=[
        "500",
        "404",
        "429",
        "declared-too-big",
        "streamed-too-big",
        "trickle",
        "silent",
        "hang-up",
        "corrupt-gzip",
    ],
)
async def test_failures_are_explained_in_plain_words(
    feed_server: FeedServer, fetcher: Fetcher, reply: Reply, words: str
) -> None:
    with pytest.raises(FetchFailed) as failure:
        await fetcher.fetch(feed_server.route("/bad", reply))
    assert str(failure.value) == words


async def test_redirect_loop_is_cut_at_the_limit(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.route("/a", Reply(status=302, headers={"Location": "/b"}))
    feed_server.route("/b", Reply(status=302, headers={"Location": "/a"}))
    with pytest.raises(FetchFailed, match=r"too many redirects \(more than 3\)"):
        await fetcher.fetch(feed_server.url("/a"))
    assert len(feed_server.requests) == 4


async def test_connection_refused_is_explained(fetcher: Fetcher) -> None:
    with pytest.raises(FetchFailed, match="connection refused"):
        await fetcher.fetch(f"http://127.0.0.1:{_closed_port()}/feed")


async def test_tls_failure_is_explained(feed_server: FeedServer, fetcher: Fetcher) -> None:
    feed_server.route("/feed", Reply(FEED))
    with pytest.raises(FetchFailed, match=r"secure connection \(TLS\) failed"):
        await fetcher.fetch(f"https://127.0.0.1:{feed_server.port}/feed")


async def test_requests_to_one_host_stay_within_the_per_host_limit(
    feed_server: FeedServer, fetch_config: FetchConfig
) -> None:
    urls = [feed_server.route(f"/f{i}", Reply(FEED, delay=0.05)) for i in range(8)]
    async with Fetcher(replace(fetch_config, per_host_concurrency=2)) as fetcher:
        await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert feed_server.max_in_flight == 2


async def test_requests_overall_stay_within_the_global_limit(
    feed_server: FeedServer, fetch_config: FetchConfig
) -> None:
    urls = [feed_server.route(f"/f{i}", Reply(FEED, delay=0.05)) for i in range(8)]
    limits = replace(fetch_config, concurrency=3, per_host_concurrency=8)
    async with Fetcher(limits) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(url) for url in urls))
    assert feed_server.max_in_flight == 3
    assert all(isinstance(result, Fetched) for result in results)


async def test_fetcher_used_without_async_with_says_how_to_use_it() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await Fetcher(FetchConfig()).fetch("http://127.0.0.1:9/feed")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
