"""Ingestion benchmark: 1,000 feeds x 30 items from a local server, against the naive way.

A server process on 127.0.0.1 serves 1,000 RSS feeds of 30 items each, answering every request
after a latency drawn from 20-200 ms and with 304 when the ETag comes back. Measured here:

  (a) the first full cycle (every item new: fetch, parse in a process pool, dedupe, cluster,
      and record items and feed states in the bot's store: a new SQLite file by default, as
      the bot runs out of the box; `--store postgresql` for a new PostgreSQL database);
  (b) a second cycle in which every feed answers 304;
  (c) items per second and peak RSS (this process plus its parser processes);
  (d) the event loop's worst lateness meanwhile: a probe sleeps 10 ms in a loop and records
      how late it wakes (the bot answers users from this same loop);
  (e) the naive way in the same run: sequential `feedparser.parse(url)` over a fixed sample of
      the same feeds (every 20th), scaled to 1,000.

Run: .venv/bin/python benchmarks/ingest.py [--feeds 1000] [--items 30] [--naive-sample 50]
     [--store sqlite|postgresql|memory] [--postgres URL] [--repeat 3]

Cycles (a)-(d) are repeated, each time in a new process with a new store (so each
repetition's CPU time and peak RSS are its own), and the median of each figure is reported:
on a shared machine one run can be a third slower than the next.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fresh_database import DEFAULT_POSTGRES, Backend

ROOT = Path(__file__).resolve().parents[1]
LATENCY = (0.020, 0.200)
PROBE_INTERVAL = 0.010
WORDS = 3000  # vocabulary of the generated headlines: unrelated items rarely share words


def _import_project() -> None:
    """Make `bot` and `tests` importable when run as a script (here and in spawned children)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


# --- the feeds ---------------------------------------------------------------------------------


def feed_documents(feeds: int, items: int, seed: int = 7) -> list[bytes]:
    """Deterministic RSS documents; headlines drawn from a vocabulary, so they do not cluster.

    An item has a title, a link (which is its id: no guid, as in many feeds), a date and a
    one-sentence description. `feedparser.parse` alone takes about 7-8 ms of CPU for such a
    feed on the 2-core machine this was written on (the issue's reference: about 7 ms).
    """
    _import_project()
    from tests.ingest.builders import Entry, rss

    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = [
        "".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(WORDS)
    ]

    def words(count: int) -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(count))

    documents = []
    for feed in range(feeds):
        entries = [
            Entry(
                title=words(9).capitalize(),
                link=f"https://outlet{feed}.example/news/{feed}-{item}.html",
                published=f"Sun, 01 Nov 2026 {item % 24:02d}:{feed % 60:02d}:00 GMT",
                summary=words(30).capitalize() + ".",
            )
            for item in range(items)
        ]
        documents.append(rss(*entries))
    return documents


def serve_feeds(feeds: int, items: int, hosts: int, port_pipe: Any, stop: Any) -> None:
    """The server process: every feed with an ETag and a 20-200 ms latency per request.

    Feed n is served by "host" n % hosts: one listening port each, as news sites are many
    hosts with a few feeds each, not one host with a thousand.
    """
    _import_project()
    from tests.fakes.feed_server import FeedServer, Reply

    async def main() -> None:
        servers = [FeedServer(seed=host) for host in range(hosts)]
        for number, body in enumerate(feed_documents(feeds, items)):
            reply = Reply(body, etag=f'"v{number}"', delay=LATENCY)
            servers[number % hosts].route(f"/feed/{number}.xml", reply)
        for server in servers:
            await server.start()
        port_pipe.send([server.port for server in servers])
        await asyncio.get_running_loop().run_in_executor(None, stop.wait)
        for server in servers:
            await server.close()

    asyncio.run(main())


# --- measurements ------------------------------------------------------------------------------


class LoopProbe:
    """Sleeps 10 ms in a loop and keeps the worst lateness: what a user's reply would wait."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(PROBE_INTERVAL)
            self.worst = max(self.worst, loop.time() - before - PROBE_INTERVAL)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def parser_pids(exclude: set[int]) -> set[int]:
    """This process's children but `exclude` and multiprocessing's resource tracker."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        try:
            found |= {int(pid) for pid in (task / "children").read_text().split()}
        except OSError:
            continue
    return {pid for pid in found - exclude if "resource_tracker" not in _cmdline(pid)}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def peak_rss_mb(pids: set[int]) -> tuple[float, float]:
    """Peak resident memory of this process, and the sum of the peaks of `pids`."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    others = 0.0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                others += int(line.split()[1]) / 1024
    return own, others


def cpu_seconds(pids: set[int]) -> float:
    """User + system CPU time used so far by `pids` (from /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def feedparser_alone_ms(document: bytes, repeats: int = 20) -> float:
    """CPU per feed of plain `feedparser.parse(bytes)`, for comparison with other machines."""
    import feedparser

    times = []
    for _ in range(repeats):
        started = time.process_time()
        feedparser.parse(io.BytesIO(document))
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000


def naive_cycle(urls: list[str]) -> float:
    """The way a first script does it: one `feedparser.parse(url)` after the other."""
    import feedparser

    started = time.perf_counter()
    for url in urls:
        parsed = feedparser.parse(url)
        assert parsed.entries, f"naive fetch of {url} found no entries"
    return time.perf_counter() - started


async def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await run()
    return time.perf_counter() - started, result


def warm(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start every worker before timing: the bot starts its pool once, at start-up."""
    from bot.ingest.workers import parse_and_shingle
    from tests.ingest.builders import Entry, rss, source

    body = rss(Entry("Warm up the parser process", guid="warm"))
    now = datetime.now(UTC)
    jobs = [
        pool.submit(parse_and_shingle, body, {}, source("https://warm.example/"), now)
        for _ in range(workers * 4)
    ]
    for job in jobs:
        job.result()


# --- the run -----------------------------------------------------------------------------------


@asynccontextmanager
async def bot_store(database_url: str | None) -> AsyncIterator[Any]:
    """The bot's store on a new database, migrated; in memory when `database_url` is None."""
    from bot.ingest.repository import InMemoryFeedRepository
    from bot.store.db import create_engine, upgrade_schema
    from bot.store.feeds import SqlFeedRepository

    if database_url is None:
        yield InMemoryFeedRepository()
        return
    engine = create_engine(database_url)
    try:
        await upgrade_schema(engine)
        yield SqlFeedRepository(engine)
    finally:
        await engine.dispose()


async def measure(
    args: argparse.Namespace, urls: list[str], server_pid: int, database_url: str | None
) -> dict[str, Any]:
    from bot.heap import freeze_startup_heap
    from bot.ingest.fetch import FetchConfig, Fetcher
    from bot.ingest.poller import Poller
    from bot.ingest.workers import make_parse_pool
    from tests.ingest.builders import source

    sources = [source(url, name=f"Outlet {n}") for n, url in enumerate(urls)]
    limits = FetchConfig(
        contact_url="https://example.org/alertbot-benchmark",
        concurrency=args.concurrency,
        per_host_concurrency=args.per_host,
    )
    clock_now = [datetime(2026, 11, 1, 8, 0, tzinfo=UTC)]
    # The store first: the bot migrates it at start-up, before its heap is frozen.
    async with bot_store(database_url) as repository:
        pool = make_parse_pool(args.workers)
        warm(pool, args.workers)
        freeze_startup_heap()  # as the bot does once it has started
        parsers = parser_pids({server_pid})
        try:
            async with Fetcher(limits) as fetcher:
                poller = Poller(
                    sources,
                    fetcher,
                    repository,
                    default_interval=900,
                    clock=lambda: clock_now[0],
                    parse_pool=lambda: pool,
                )
                figures = await two_cycles(poller, clock_now, parsers, server_pid)
            own_mb, workers_mb = peak_rss_mb(parsers)
        finally:
            pool.shutdown()
    assert figures["items"] == args.feeds * args.items, figures["items"]
    return {**figures, "own_mb": own_mb, "workers_mb": workers_mb}


async def two_cycles(
    poller: Any, clock_now: list[datetime], parsers: set[int], server_pid: int
) -> dict[str, Any]:
    """The first cycle (all new) and, an hour later, the second (all 304), with the probe on."""
    probe = LoopProbe()
    probe.start()
    loop_cpu, parse_cpu = time.process_time(), cpu_seconds(parsers)
    server_cpu = cpu_seconds({server_pid})
    first_s, first = await timed(poller.poll_due)
    loop_cpu, parse_cpu = (time.process_time() - loop_cpu, cpu_seconds(parsers) - parse_cpu)
    server_cpu = cpu_seconds({server_pid}) - server_cpu
    clock_now[0] += timedelta(hours=1)
    second_loop_cpu = time.process_time()
    second_s, second = await timed(poller.poll_due)
    second_loop_cpu = time.process_time() - second_loop_cpu
    await probe.stop()
    failing = [row for row in await poller.health() if row.status != "ok"]
    assert not failing, f"{len(failing)} feeds failed, e.g. {failing[0].last_error}"
    assert second == []
    return {
        "first_s": first_s,
        "second_s": second_s,
        "items": len(first),
        "lag_ms": probe.worst * 1000,
        "loop_cpu_s": loop_cpu,
        "parse_cpu_s": parse_cpu,
        "server_cpu_s": server_cpu,
        "second_loop_cpu_s": second_loop_cpu,
    }


def run_on_store(
    args: argparse.Namespace, urls: list[str], server_pid: int, folder: Path
) -> dict[str, Any]:
    if args.store == "memory":
        return asyncio.run(measure(args, urls, server_pid, None))
    with Backend(args.store, args.postgres, folder).database() as database_url:
        return asyncio.run(measure(args, urls, server_pid, database_url))


def run_apart(args: argparse.Namespace, urls: list[str], server_pid: int) -> dict[str, Any]:
    """One repetition in a process of its own: a fresh heap, store and parser processes, so
    its CPU time and peak RSS are its own."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_repetition, args=(args, urls, server_pid, send))
    child.start()
    send.close()  # the child's copy is the only one left: if it dies, recv() ends
    try:
        outcome, figures = receive.recv()
    except EOFError:
        outcome, figures = "failed", f"the process died (exit code {child.exitcode})"
    child.join()
    if outcome != "ok":
        raise SystemExit(f"a repetition failed:\n{figures}")
    return dict(figures)


def _repetition(args: argparse.Namespace, urls: list[str], server_pid: int, send: Any) -> None:
    _import_project()
    try:
        with tempfile.TemporaryDirectory(prefix="ingest-") as folder:
            send.send(("ok", run_on_store(args, urls, server_pid, Path(folder))))
    except BaseException:
        send.send(("failed", traceback.format_exc()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--naive-sample", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=50)
    # 100 at once: at 200 the event loop is busy all the cycle (about 1 ms of its CPU per
    # request, 1,800 answers a second on offer) and a user's reply waits 150-200 ms; at 100 it
    # waits about 100 ms, and the all-304 cycle still takes 1.1-1.5 s.
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--store", choices=("sqlite", "postgresql", "memory"), default="sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="for --store postgresql")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; medians are shown")
    args = parser.parse_args()
    _import_project()

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    server = context.Process(
        target=serve_feeds, args=(args.feeds, args.items, args.hosts, send, stop), daemon=True
    )
    server.start()
    ports = receive.recv()
    urls = [f"http://127.0.0.1:{ports[n % len(ports)]}/feed/{n}.xml" for n in range(args.feeds)]
    try:
        runs = [run_apart(args, urls, server.pid or -1) for _ in range(args.repeat)]
        sample = urls[:: max(1, args.feeds // args.naive_sample)]
        naive_s = naive_cycle(sample) * args.feeds / len(sample)
    finally:
        stop.set()
        server.join(5)

    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    peak_mb = figures["own_mb"] + figures["workers_mb"]
    alone_ms = feedparser_alone_ms(feed_documents(1, args.items)[0])
    rows = [
        (
            "feeds x items",
            f"{args.feeds} x {args.items}",
            f"on {args.hosts} local hosts; {args.concurrency} at once, {args.per_host} per host; "
            f"store: {args.store}",
        ),
        (
            "repetitions",
            f"{args.repeat}",
            "each in a new process with a new store; medians below; first cycles: "
            + ", ".join(f"{run['first_s']:.2f}" for run in runs)
            + " s",
        ),
        ("first cycle (all new)", f"{figures['first_s']:.2f} s", "target <= 6 s"),
        ("second cycle (all 304)", f"{figures['second_s']:.2f} s", "target <= 1.5 s"),
        ("items per second", f"{figures['items'] / figures['first_s']:,.0f}", ""),
        (
            "  CPU in the loop process",
            f"{figures['loop_cpu_s']:.1f} s",
            "first cycle: HTTP, dedupe, clustering, the store",
        ),
        (
            "  CPU in the parsers",
            f"{figures['parse_cpu_s']:.1f} s",
            f"first cycle; feedparser alone: {alone_ms:.1f} ms per feed",
        ),
        (
            "  CPU in the feed server",
            f"{figures['server_cpu_s']:.1f} s",
            "first cycle; the benchmark's own server shares the machine",
        ),
        (
            "  CPU in the loop, second cycle",
            f"{figures['second_loop_cpu_s']:.1f} s",
            "every feed answers 304",
        ),
        (
            f"naive, {len(sample)} feeds x {args.feeds // len(sample)}",
            f"{naive_s:.1f} s",
            "sequential feedparser.parse(url)",
        ),
        ("speedup vs naive", f"{naive_s / figures['first_s']:.1f}x", "target >= 20x"),
        ("event loop worst lag", f"{figures['lag_ms']:.1f} ms", "target <= 100 ms"),
        (
            "peak RSS",
            f"{peak_mb:.0f} MB",
            f"loop process {figures['own_mb']:.0f} + {args.workers} parsers "
            f"{figures['workers_mb']:.0f}; target <= 300 MB",
        ),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")
    print(
        json.dumps(
            {
                "bench": "ingest",
                "feeds": args.feeds,
                "repetitions": args.repeat,
                "first_cycle_s": round(figures["first_s"], 3),
                "second_cycle_s": round(figures["second_s"], 3),
                "naive_cycle_s": round(naive_s, 3),
                "speedup_vs_naive": round(naive_s / figures["first_s"], 1),
                "loop_lag_ms_max": round(figures["lag_ms"], 1),
                "peak_rss_mb": round(peak_mb, 1),
                "items_per_s": round(figures["items"] / figures["first_s"]),
                "loop_cpu_s": round(figures["loop_cpu_s"], 2),
                "parse_cpu_s": round(figures["parse_cpu_s"], 2),
                "server_cpu_s": round(figures["server_cpu_s"], 2),
                "second_loop_cpu_s": round(figures["second_loop_cpu_s"], 2),
                "feedparser_alone_ms": round(alone_ms, 2),
                "first_cycle_s_each": [round(run["first_s"], 3) for run in runs],
                "loop_lag_ms_each": [round(run["lag_ms"], 1) for run in runs],
            }
        )
    )


if __name__ == "__main__":
    main()
