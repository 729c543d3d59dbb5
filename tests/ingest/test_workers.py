"""Parser processes: batch work that must not slow down the process answering users."""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.heap import THRESHOLDS
from bot.ingest.workers import make_parse_pool, parse_and_shingle

from .builders import Entry, rss, source

ROOT = Path(__file__).resolve().parents[2]


def _how_the_process_runs() -> tuple[int, int, tuple[int, int, int]]:
    return os.nice(0), gc.get_freeze_count(), gc.get_threshold()


def test_a_parser_process_runs_below_the_bot_with_its_start_up_heap_frozen() -> None:
    pool = make_parse_pool(1)
    try:
        niceness, frozen, thresholds = pool.submit(_how_the_process_runs).result(timeout=60)
    finally:
        pool.shutdown()
    assert niceness >= os.nice(0) + 10
    assert frozen > 10_000  # feedparser and the bot's modules, out of the collector's way
    assert thresholds == THRESHOLDS


def test_items_and_shingles_come_back_from_a_parser_process_unchanged() -> None:
    body = rss(Entry("Cảnh báo tuyển người sang Campuchia", link="https://a.example/1?utm_source=x"))
    fetched_at = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    here = parse_and_shingle(body, {}, source("https://a.example/feed"), fetched_at)
    pool = make_parse_pool(1)
    try:
        there = pool.submit(
            parse_and_shingle, body, {}, source("https://a.example/feed"), fetched_at
        ).result(timeout=60)
    finally:
        pool.shutdown()
    assert there == here and there.items
    assert pickle.loads(pickle.dumps(here)) == here


_AS_THE_CONSOLE_SCRIPT = """
import sys
from bot.cli import main  # what the installed `alertbot` script does first


def imported_layers():
    return sorted({"telegram", "sqlalchemy", "jinja2", "numpy"} & set(sys.modules))


if __name__ == "__main__":
    from bot.ingest.workers import make_parse_pool

    pool = make_parse_pool(1)
    print(pool.submit(imported_layers).result(timeout=60))
    pool.shutdown()
"""


def test_a_parser_process_started_by_the_bot_loads_no_telegram_database_or_numpy_code(
    tmp_path: Path,
) -> None:
    """Each parser process imports the entry script again; what that pulls in, it keeps."""
    script = tmp_path / "alertbot_like.py"
    script.write_text(_AS_THE_CONSOLE_SCRIPT, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    shown = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=True,
    )
    assert shown.stdout.strip() == "[]"
