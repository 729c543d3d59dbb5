"""Fan-out benchmark: one alert to N subscribers through the real sender and a fake Telegram.

Three kinds of process, so no measurement shares a CPU with what it measures more than the
machine forces it to:

  * the fake Bot API (`tests.fakes.bot_api`), with the N users already in its world;
  * the bot's sender (`bot.deliver.sender.Sender` with the shipped templates, the store and
    PTB's `Bot`), in a process of its own: its wall time, CPU time and peak RSS are the figures;
  * the ceiling: a bare loop of PTB `bot.send_message` calls, same concurrency, same `Bot`
    settings, same server, the same rendered texts to the same chats: `ratio_vs_bare`.

Measured, per backend (SQLite file; PostgreSQL when it answers):
  (a) N = 10,000 and 100,000 subscribers (bulk-inserted), one alert (`issue_alert` writes the
      outbox: timed separately), limits off: messages/s, wall time, CPU per message, peak RSS
      of the sender process (getrusage ru_maxrss: the whole process, interpreter and
      libraries included, so the growth from 10k to 100k is the figure that matters);
  (b) the ceiling, in pairs: a bare loop and the SQLite sender, same N, `--pairs` times in
      alternating order (the load of a shared machine drifts; the two runs of a pair see about
      the same load). The median pair gives `ratio_vs_bare` = sender msg/s / bare msg/s and
      `msgs_per_s_10k`; CPU milliseconds per message of both are reported beside;
  (c) limits on, scaled down: the sender limited to R messages/s against a fake enforcing R/s
      (token bucket, 1 s burst). R is 300, or 60% of the unlimited SQLite rate when the machine
      cannot do 300 (then the run measures the limiter, not a saturated CPU); 10 s of traffic.
      Utilisation = the rate at the fake between the 10th and 90th percentile of arrivals / R;
      and the number of 429 answers;
  (d) `--concurrency auto` (default) first runs the bare loop at several concurrencies on the
      same server and keeps the fastest, then uses it for everything else.

Run: .venv/bin/python benchmarks/fanout.py [--sizes 10000,100000] [--concurrency auto|N]
     [--postgres URL | --no-postgres] [--limited N] [--limited-rate R]
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fresh_database import DEFAULT_POSTGRES, Backend, postgres_available

ROOT = Path(__file__).resolve().parents[1]
FIRST_CHAT_ID = 5_000_001
LOCALES = ("vi", "km", "th", "en")  # four renderings shared by all chats
SWEEP = (4, 8, 16, 32)
SWEEP_MESSAGES = 3000


def _import_project() -> None:
    """Make `bot` and `tests` importable when run as a script (here and in the children)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


# --- child: the fake Bot API ------------------------------------------------------------------


def serve_fake(users: int, flood_rate: float | None) -> None:
    """Serve with `users` private chats; on SIGTERM print what it saw as one JSON line."""
    _import_project()
    from tests.fakes.bot_api import FakeBotApi
    from tests.fakes.flood import FloodLimits

    flood = None
    if flood_rate:
        burst = max(1, int(flood_rate))
        flood = FloodLimits(global_per_second=flood_rate, global_burst=burst)
    api = FakeBotApi(flood_limits=flood)
    for number in range(users):
        api.add_user("Subscriber", user_id=FIRST_CHAT_ID + number)

    async def serve() -> None:
        await api.start()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, api.request_shutdown)
        print(api.root_url, flush=True)
        await api.serve_until_shutdown()
        await api.stop()

    asyncio.run(serve())
    sent = api.sent()
    print(
        json.dumps(
            {
                "sent": len(sent),
                "chats": len({message.chat_id for message in sent}),
                "too_many": api.too_many_requests_count,
                "steady_rate": steady_rate(sorted(message.sent_at for message in sent)),
            }
        ),
        flush=True,
    )


def steady_rate(times: list[float]) -> float:
    """Messages a second between the 10th and the 90th percentile of arrival: the rate once
    started and before the tail, so neither a first burst nor a slow last message counts."""
    if len(times) < 20:
        return 0.0
    low, high = len(times) // 10, len(times) * 9 // 10
    return (high - low) / max(times[high] - times[low], 1e-9)


@dataclass
class FakeStats:
    sent: int
    chats: int
    too_many: int
    steady_rate: float


class FakeProcess:
    def __init__(self, users: int, flood_rate: float | None = None) -> None:
        command = [sys.executable, __file__, "_fake", "--users", str(users)]
        if flood_rate:
            command += ["--flood-rate", str(flood_rate)]
        self._process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        self.root_url = self._process.stdout.readline().strip()
        if not self.root_url.startswith("http://"):
            self._process.kill()
            raise RuntimeError(f"the fake Bot API did not start (got {self.root_url!r})")

    def stop(self) -> FakeStats:
        self._process.send_signal(signal.SIGTERM)
        out, _ = self._process.communicate(timeout=120)
        return FakeStats(**json.loads(out.strip().splitlines()[-1]))


@contextmanager
def fake_api(users: int, flood_rate: float | None = None) -> Iterator[FakeProcess]:
    fake = FakeProcess(users, flood_rate)
    try:
        yield fake
    finally:
        if fake._process.poll() is None:
            fake._process.kill()
            fake._process.wait()


# --- child: the bot's sender ------------------------------------------------------------------


def make_bot(root_url: str, concurrency: int) -> Any:
    """PTB's Bot as the app builds it: one HTTPX pool, a connection per worker."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from tests.fakes.state import DEFAULT_TOKEN

    request = HTTPXRequest(connection_pool_size=concurrency)
    return Bot(DEFAULT_TOKEN, base_url=f"{root_url}/bot", request=request)


def renderer() -> Any:
    from bot.app import alert_renderer
    from bot.render import ReloadingRenderer

    return alert_renderer(
        ReloadingRenderer(ROOT / "templates", ROOT / "hotlines" / "hotlines.yaml", ROOT / "locales")
    )


def run_sender(database_url: str, root_url: str, concurrency: int, rate: float | None) -> None:
    """Drain the outbox once, completely; print wall time, CPU time and peak RSS as JSON."""
    _import_project()
    from bot.deliver.limiter import Limits, RateLimiter
    from bot.deliver.sender import Sender, SenderConfig
    from bot.services import utc_now
    from bot.store.alerts import AlertRepository
    from bot.store.chats import ChatRepository
    from bot.store.db import create_engine

    async def main() -> dict[str, Any]:
        engine = create_engine(database_url)
        alerts = AlertRepository(engine)
        limits = Limits(global_per_second=rate) if rate else Limits(enabled=False)
        async with make_bot(root_url, concurrency) as bot:
            sender = Sender(
                bot,
                alerts,
                ChatRepository(engine),
                renderer(),
                utc_now,
                SenderConfig(concurrency=concurrency),
                limiter=RateLimiter(limits),
            )
            rss_before = _rss_now_mb()
            started, cpu = time.perf_counter(), time.process_time()
            while True:
                await sender.drain_once()
                counts = await alerts.delivery_counts()
                if not counts.get("pending") and not counts.get("inflight"):
                    break
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        await engine.dispose()
        return {
            "wall": wall,
            "cpu": cpu,
            "counts": counts,
            "rss_before_mb": rss_before,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rate_limited": sender.limiter.rate_limited,
        }

    print(json.dumps(asyncio.run(main())), flush=True)


def run_bare(root_url: str, count: int, concurrency: int) -> None:
    """The ceiling: `count` send_message calls from `concurrency` tasks, nothing else."""
    _import_project()
    from telegram import LinkPreviewOptions

    from bot.store.alerts import AlertRecord

    async def main() -> dict[str, Any]:
        # The same texts as the sender's: chat n reads locale n % 4 (see `prepare_store`).
        render, alert = renderer(), AlertRecord(**_alert_fields())
        texts = [render(alert, locale, None).html for locale in LOCALES]
        preview = LinkPreviewOptions(is_disabled=True)
        chats = iter(range(count))
        async with make_bot(root_url, concurrency) as bot:

            async def worker() -> None:
                for number in chats:
                    await bot.send_message(
                        FIRST_CHAT_ID + number,
                        texts[number % len(texts)],
                        parse_mode="HTML",
                        link_preview_options=preview,
                    )

            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}

    print(json.dumps(asyncio.run(main())), flush=True)


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _rss_now_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- the store --------------------------------------------------------------------------------


def _alert_fields() -> dict[str, Any]:
    stamp = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    return {
        "alert_id": 1,
        "kind": "news",
        "state": "approved",
        "category": "recruitment_lure",
        "title": "Tuyển người sang Campuchia “việc nhẹ, lương cao”: dấu hiệu lừa đảo",
        "summary": "Người được tuyển bị đưa qua biên giới, bị giữ giấy tờ và ép làm việc.",
        "url": "https://news.example.vn/canh-bao-tuyen-dung",
        "source": "Báo Ví Dụ",
        "lang": "vi",
        "published": stamp,
        "countries": ("KH",),
        "provinces": (),
        "also_reported_by": (),
        "created_at": stamp,
    }


async def prepare_store(database_url: str, subscribers: int) -> float:
    """A migrated store with `subscribers` active chats and one alert; returns issue seconds."""
    import sqlalchemy as sa

    from bot.store.alerts import AlertContent, AlertRepository, Audience
    from bot.store.db import create_engine, upgrade_schema
    from bot.store.schema import chats

    engine = create_engine(database_url)
    await upgrade_schema(engine)
    now = datetime.now(UTC)
    rows = [
        {
            "chat_id": FIRST_CHAT_ID + number,
            "type": "private",
            "title": "",
            "locale": LOCALES[number % len(LOCALES)],
            "status": "active",
            "created_at": now,
            "updated_at": now,
        }
        for number in range(subscribers)
    ]
    async with engine.begin() as connection:
        for start in range(0, len(rows), 10_000):
            await connection.execute(sa.insert(chats), rows[start : start + 10_000])
    fields = _alert_fields()
    content = AlertContent(
        **{k: fields[k] for k in ("category", "title", "summary", "url", "source", "lang")},
        published=fields["published"],
        countries=fields["countries"],
    )
    started = time.perf_counter()
    await AlertRepository(engine).issue_alert(content, Audience(), kind="news", now=now)
    issued = time.perf_counter() - started
    await engine.dispose()
    return issued


# --- the runs ---------------------------------------------------------------------------------


@dataclass
class FanoutRun:
    backend: str
    subscribers: int
    issue_s: float
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    rss_before_mb: float
    delivered: int
    too_many: int
    utilisation: float | None = None

    @property
    def per_second(self) -> float:
        return self.delivered / self.wall_s


def progress(message: str) -> None:
    """Long runs say what they are doing on stderr; stdout stays the table and the JSON."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fanout(
    backend: Backend, subscribers: int, concurrency: int, rate: float | None = None
) -> FanoutRun:
    progress(f"sender: {backend.name}, N={subscribers}, limit {rate or 'off'}")
    with backend.database() as url:
        issue_s = asyncio.run(prepare_store(url, subscribers))
        with fake_api(subscribers, flood_rate=rate) as fake:
            args = ["_sender", "--db", url, "--root", fake.root_url]
            args += ["--concurrency", str(concurrency)]
            if rate:
                args += ["--rate", str(rate)]
            result = _child(*args)
            stats = fake.stop()
    if result["counts"] != {"sent": subscribers} or stats.chats != subscribers:
        raise RuntimeError(f"not every subscriber got the alert: {result['counts']}, {stats}")
    utilisation = stats.steady_rate / rate if rate else None
    return FanoutRun(
        backend.name,
        subscribers,
        issue_s,
        result["wall"],
        result["cpu"],
        result["peak_rss_mb"],
        result["rss_before_mb"],
        stats.sent,
        stats.too_many,
        utilisation,
    )


@dataclass
class BareRun:
    concurrency: int
    messages: int
    wall_s: float
    cpu_s: float

    @property
    def per_second(self) -> float:
        return self.messages / self.wall_s


def bare(messages: int, concurrency: int) -> BareRun:
    progress(f"bare PTB loop: N={messages}, concurrency {concurrency}")
    with fake_api(messages) as fake:
        result = _child(
            "_bare", "--root", fake.root_url, "--count", str(messages),
            "--concurrency", str(concurrency),
        )  # fmt: skip
        stats = fake.stop()
    if stats.sent != messages:
        raise RuntimeError(f"bare loop delivered {stats.sent} of {messages}")
    return BareRun(concurrency, messages, result["wall"], result["cpu"])


def pick_concurrency(requested: str) -> tuple[int, list[BareRun]]:
    if requested != "auto":
        return int(requested), []
    sweep = [bare(SWEEP_MESSAGES, concurrency) for concurrency in SWEEP]
    best = max(sweep, key=lambda run: run.per_second)
    return best.concurrency, sweep


# --- report -----------------------------------------------------------------------------------


def main() -> None:
    arguments = sys.argv[1:]
    if arguments and arguments[0].startswith("_"):
        _run_child(arguments)
        return
    options = _options(arguments)
    _import_project()
    sizes = [int(size) for size in options.sizes.split(",")]
    postgres = None if options.no_postgres else options.postgres
    skipped = postgres_available(postgres) if postgres else "--no-postgres"
    with tempfile.TemporaryDirectory(prefix="fanout-") as folder:
        backends = [Backend("sqlite", None, Path(folder))]
        if postgres and skipped is None:
            backends.append(Backend("postgresql", postgres, Path(folder)))
        concurrency, sweep = pick_concurrency(options.concurrency)
        # Pairs of a bare loop and the SQLite sender on the same N, in alternating order: on
        # a shared machine the load drifts, and a pair sees about the same load; the median
        # pair is reported.
        pairs = [
            measure_pair(backends[0], sizes[0], concurrency, k % 2 == 1)
            for k in range(options.pairs)
        ]
        runs = [
            fanout(backend, n, concurrency)
            for backend in backends
            for n in sizes
            if (backend.name, n) != ("sqlite", sizes[0])  # measured in the pairs
        ]
        rate = options.limited_rate or limited_rate(_median_pair(pairs)[1])
        subscribers = options.limited or max(1000, int(rate * 10))
        limited = [fanout(b, subscribers, concurrency, rate) for b in backends]
    report(rate, concurrency, sweep, pairs, runs, limited, skipped)


def measure_pair(
    backend: Backend, subscribers: int, concurrency: int, sender_first: bool
) -> tuple[BareRun, FanoutRun]:
    if sender_first:
        sender_run = fanout(backend, subscribers, concurrency)
        return bare(subscribers, concurrency), sender_run
    bare_run = bare(subscribers, concurrency)
    return bare_run, fanout(backend, subscribers, concurrency)


def _median_pair(pairs: list[tuple[BareRun, FanoutRun]]) -> tuple[BareRun, FanoutRun]:
    ranked = sorted(pairs, key=lambda pair: pair[1].per_second / pair[0].per_second)
    return ranked[len(ranked) // 2]


def limited_rate(unlimited: FanoutRun) -> float:
    """300 messages/s, or 60% of what the sender reached unlimited if that is less: the run
    then measures the limiter, not a saturated CPU."""
    return float(min(300, int(unlimited.per_second * 0.6) // 10 * 10))


def report(
    rate: float,
    concurrency: int,
    sweep: list[BareRun],
    pairs: list[tuple[BareRun, FanoutRun]],
    others: list[FanoutRun],
    limited: list[FanoutRun],
    skipped: str | None,
) -> None:
    print(f"fan-out of one alert, sender concurrency {concurrency}, {os.cpu_count()} CPUs")
    if sweep:
        print("bare PTB loop, concurrency sweep:")
        for swept in sweep:
            print(f"  concurrency {swept.concurrency:>3}: {swept.per_second:7.0f} msg/s  "
                  f"{swept.cpu_s / swept.messages * 1000:.2f} ms CPU/msg")  # fmt: skip
    ceiling, middle = _median_pair(pairs)
    runs = [middle, *others]
    header = (
        f"{'run':<10} {'N':>7} {'limits':>8} {'msg/s':>7} {'wall s':>7} {'CPU ms/msg':>10} "
        f"{'peak RSS MB':>11} {'outbox s':>8} {'429s':>5} {'util.':>6}"
    )
    print(header)
    print("-" * len(header))
    for run in [*runs, *limited]:
        limit = f"{rate:.0f}/s" if run.utilisation is not None else "off"
        util = f"{run.utilisation:.3f}" if run.utilisation is not None else ""
        print(
            f"{run.backend:<10} {run.subscribers:>7} {limit:>8} {run.per_second:>7.0f} "
            f"{run.wall_s:>7.1f} {run.cpu_s / run.delivered * 1000:>10.2f} "
            f"{run.peak_rss_mb:>11.1f} {run.issue_s:>8.2f} {run.too_many:>5} {util:>6}"
        )
    for bare_run, sender_run in pairs:
        print(
            f"{'bare PTB':<10} {bare_run.messages:>7} {'off':>8} {bare_run.per_second:>7.0f} "
            f"{bare_run.wall_s:>7.1f} {bare_run.cpu_s / bare_run.messages * 1000:>10.2f}"
            f"{'':>30}pair: sender {sender_run.per_second:.0f} msg/s, "
            f"ratio {sender_run.per_second / bare_run.per_second:.3f}"
        )
    if skipped:
        print(f"PostgreSQL skipped: {skipped}")
    sqlite = {run.subscribers: run for run in runs if run.backend == "sqlite"}
    postgres = {run.subscribers: run for run in runs if run.backend == "postgresql"}
    small, large = min(sqlite), max(sqlite)
    print(
        f"ratio_vs_bare: the median of {len(pairs)} pairs (a bare loop and the SQLite sender, "
        f"N={small}, alternating order). Peak RSS: the sender process's maximum resident set "
        "(getrusage), interpreter, PTB, SQLAlchemy and templates included. Utilisation: "
        "messages/s at the fake between the 10th and 90th percentile of arrivals / the limit."
    )
    summary: dict[str, Any] = {
        "bench": "fanout",
        "msgs_per_s_10k": round(sqlite[small].per_second, 1),
        "msgs_per_s_100k": round(sqlite[large].per_second, 1),
        "ratio_vs_bare": round(middle.per_second / ceiling.per_second, 3),
        "peak_rss_mb_10k": round(sqlite[small].peak_rss_mb, 1),
        "peak_rss_mb_100k": round(sqlite[large].peak_rss_mb, 1),
        "limited_utilisation": round(limited[0].utilisation or 0.0, 3),
        "limited_429": limited[0].too_many,
        "limited_rate": rate,
        "concurrency": concurrency,
        "bare_msgs_per_s": round(ceiling.per_second, 1),
        "cpu_ms_per_msg": round(middle.cpu_s / middle.delivered * 1000, 3),
        "bare_cpu_ms_per_msg": round(ceiling.cpu_s / ceiling.messages * 1000, 3),
    }
    if postgres:
        summary["pg_msgs_per_s_10k"] = round(postgres[min(postgres)].per_second, 1)
        summary["pg_msgs_per_s_100k"] = round(postgres[max(postgres)].per_second, 1)
        summary["pg_peak_rss_mb_10k"] = round(postgres[min(postgres)].peak_rss_mb, 1)
        summary["pg_peak_rss_mb_100k"] = round(postgres[max(postgres)].peak_rss_mb, 1)
        for limited_run in limited:
            if limited_run.backend == "postgresql":
                summary["pg_limited_utilisation"] = round(limited_run.utilisation or 0.0, 3)
                summary["pg_limited_429"] = limited_run.too_many
    print(json.dumps(summary))


def _options(arguments: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fan-out benchmark (see the module docstring).")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--concurrency", default="auto")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--pairs", type=int, default=5, help="bare/sender pairs at the first N")
    parser.add_argument(
        "--limited", type=int, default=0, help="subscribers for the limited run (10 s worth)"
    )
    parser.add_argument(
        "--limited-rate", type=float, default=0.0, help="messages/s (300, or less if slow)"
    )
    return parser.parse_args(arguments)


def _run_child(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role")
    parser.add_argument("--users", type=int)
    parser.add_argument("--flood-rate", type=float)
    parser.add_argument("--db")
    parser.add_argument("--root")
    parser.add_argument("--concurrency", type=int)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--count", type=int)
    args = parser.parse_args(arguments)
    if args.role == "_fake":
        serve_fake(args.users, args.flood_rate)
    elif args.role == "_sender":
        run_sender(args.db, args.root, args.concurrency, args.rate)
    elif args.role == "_bare":
        run_bare(args.root, args.count, args.concurrency)
    else:
        raise SystemExit(f"unknown role {args.role}")


if __name__ == "__main__":
    main()
