"""Several replicas: PostgreSQL shares the work safely; SQLite refuses a second process."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bot.deliver.sender import SenderConfig
from bot.store.alerts import AlertRepository
from bot.store.chats import ChatRepository
from bot.store.db import create_engine, upgrade_schema
from bot.store.schema import alerts, items, verdicts
from tests.fakes.control import FakeBotApiProcess
from tests.fakes.feed_server import FeedServer, Reply
from tests.production.processes import (
    bot_environment,
    quiet_feeds,
    start_bot,
    stop_bot,
    wait_for_log,
)

CHATS = 200


def test_a_second_process_on_one_sqlite_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path}/bot.sqlite3"
    feeds = quiet_feeds(tmp_path / "feeds")
    with FakeBotApiProcess() as fake:
        env = bot_environment(fake.root_url, fake.token, database_url, feeds)
        first = start_bot(env, tmp_path / "first.log")
        try:
            wait_for_log(tmp_path / "first.log", "bot is running")
            second = subprocess.run(
                [sys.executable, "-m", "bot", "run"],
                env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
            )  # fmt: skip
        finally:
            assert stop_bot(first) == 0
    assert second.returncode == 2
    assert "already running" in second.stderr and "PostgreSQL" in second.stderr


def lure_feed() -> bytes:
    entries = [
        ("Cảnh báo bẫy việc nhẹ lương cao: thanh niên bị lừa sang Campuchia làm lừa đảo",
         "Môi giới hứa lương 2.000 USD/tháng, đến nơi bị thu hộ chiếu và ép lừa đảo trực tuyến."),
        ("Giải cứu 20 người Việt bị giam ở Myawaddy sau khi trúng bẫy tuyển dụng",
         "Nạn nhân bị dụ sang Myanmar với lời hứa việc nhẹ lương cao, bị đánh và đòi tiền chuộc."),
        ("Giá xăng giảm nhẹ từ chiều nay", "Liên Bộ Công Thương - Tài chính điều chỉnh giá."),
    ]  # fmt: skip
    body = "".join(
        f"<item><title>{t}</title><link>https://news.example.vn/{i}</link>"
        f"<guid>https://news.example.vn/{i}</guid><description>{d}</description></item>"
        for i, (t, d) in enumerate(entries)
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Báo Thử</title><link>https://news.example.vn/</link>{body}"
            "</channel></rss>").encode()  # fmt: skip


async def seed(database_url: str, users: list[int]) -> None:
    engine = create_engine(database_url)
    await upgrade_schema(engine)
    chats = ChatRepository(engine)
    now = datetime.now(UTC)
    for user_id in users:
        await chats.subscribe(user_id, chat_type="private", locale="vi", title="", now=now)
    await engine.dispose()


async def outcome(database_url: str) -> tuple[int, int, int, dict[str, int]]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            n_items = await connection.execute(sa.select(sa.func.count()).select_from(items))
            n_verdicts = await connection.execute(sa.select(sa.func.count()).select_from(verdicts))
            n_alerts = await connection.execute(sa.select(sa.func.count()).select_from(alerts))
            counts = (n_items.scalar_one(), n_verdicts.scalar_one(), n_alerts.scalar_one())
        return (*counts, await AlertRepository(engine).delivery_counts())
    finally:
        await engine.dispose()


async def until(condition: Callable[[], Awaitable[bool]], within: float) -> None:
    """Poll another process's state: there is no event in this process to wait on."""
    async with asyncio.timeout(within):
        while not await condition():  # noqa: ASYNC110
            await asyncio.sleep(0.1)


async def delivered(fake: FakeBotApiProcess) -> set[tuple[int, str]]:
    return {(m["chat_id"], m["text"]) for m in await asyncio.to_thread(fake.call, "sent")}


def sender_holder(logs: dict[str, Path]) -> str | None:
    holders = [name for name, log in logs.items()
               if "now holds the sender role" in log.read_text(errors="replace")]  # fmt: skip
    return holders[0] if len(holders) == 1 else None


async def test_two_replicas_share_the_work_and_survive_the_death_of_the_sender(
    tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        return  # the SQLite half is the refusal test above
    async with FeedServer() as feeds_server:
        url = feeds_server.route("/rss", Reply(body=lure_feed(), etag='"1"'))
        feeds = tmp_path / "feeds"
        feeds.mkdir()
        (feeds / "test.toml").write_text(
            f'[[feed]]\nurl = "{url}"\nname = "Báo Thử"\nlang = "vi"\ncountry = "VN"\n'
            "interval = 60\n",
            encoding="utf-8",
        )
        with FakeBotApiProcess() as fake:
            users = [fake.call("add_user", first_name=f"U{i}", language_code="vi")["id"]
                     for i in range(CHATS)]  # fmt: skip
            fake.call("delay_next", seconds=0.05, count=100_000, method="sendMessage")
            await seed(database_url, users)
            env = bot_environment(fake.root_url, fake.token, database_url, feeds)
            logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
            processes = {name: start_bot(env, log) for name, log in logs.items()}
            try:

                async def broadcasting() -> bool:
                    return sender_holder(logs) is not None and bool(await delivered(fake))

                await until(broadcasting, within=60)
                holder = sender_holder(logs)
                assert holder is not None
                processes[holder].kill()  # the active sender dies mid-broadcast
                processes[holder].wait(10)
                survivor = "b" if holder == "a" else "a"

                async def everyone_has_both_alerts() -> bool:
                    return len(await delivered(fake)) == 2 * CHATS

                await until(everyone_has_both_alerts, within=90)
                assert "now holds the sender role" in logs[survivor].read_text()
            finally:
                for process in processes.values():
                    stop_bot(process)
            received = Counter((m["chat_id"], m["text"]) for m in fake.call("sent"))

    n_items, n_verdicts, n_alerts, counts = await outcome(database_url)
    assert {chat for chat, _ in received} == set(users)
    assert len(received) == 2 * CHATS  # both alerts reached every chat
    duplicates = sum(count - 1 for count in received.values())
    bound = SenderConfig().inflight_bound
    assert duplicates <= bound, f"{duplicates} duplicates exceed the in-flight bound {bound}"
    assert (n_items, n_verdicts) == (3, 3)  # every feed item processed exactly once
    assert n_alerts == 2 and counts.get("inflight", 0) == 0
    assert re.search(r"now holds the poller role", logs["a"].read_text() + logs["b"].read_text())
