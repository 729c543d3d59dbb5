"""SIGTERM in the middle of a broadcast: the bot stops cleanly and nothing is lost or doubled."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.store.alerts import AlertContent, AlertRepository, Audience
from bot.store.chats import ChatRepository
from bot.store.db import create_engine, upgrade_schema
from tests.fakes.control import FakeBotApiProcess
from tests.production.processes import (
    bot_environment,
    quiet_feeds,
    start_bot,
    stop_bot,
    wait_for_log,
)

CHATS = 300
CONTENT = AlertContent(
    category="recruitment_lure",
    title="Tuyển người đi Campuchia “việc nhẹ lương cao”: công an cảnh báo bẫy",
    summary="Người nhận lời bị giữ hộ chiếu và ép làm lừa đảo qua mạng.",
    url="https://news.example.vn/canh-bao",
    source="Báo Thử Nghiệm",
    lang="vi",
    published=datetime(2026, 11, 1, tzinfo=UTC),
    countries=("KH",),
)


async def subscribers_and_one_alert(database_url: str, user_ids: list[int]) -> None:
    engine = create_engine(database_url)
    await upgrade_schema(engine)
    now = datetime.now(UTC)
    chats = ChatRepository(engine)
    for user_id in user_ids:
        await chats.subscribe(user_id, chat_type="private", locale="vi", title="", now=now)
    await AlertRepository(engine).issue_alert(CONTENT, Audience(), kind="manual", now=now)
    await engine.dispose()


async def delivery_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        return await AlertRepository(engine).delivery_counts()
    finally:
        await engine.dispose()


def test_sigterm_mid_broadcast_exits_cleanly_and_every_chat_gets_the_alert_once(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path}/bot.sqlite3"
    feeds = quiet_feeds(tmp_path / "feeds")
    log = tmp_path / "bot.log"
    with FakeBotApiProcess() as fake:
        users = [fake.call("add_user", first_name=f"U{i}", language_code="vi")["id"]
                 for i in range(CHATS)]  # fmt: skip
        fake.call("delay_next", seconds=0.2, count=10_000, method="sendMessage")
        asyncio.run(subscribers_and_one_alert(database_url, users))
        env = bot_environment(fake.root_url, fake.token, database_url, feeds)

        bot = start_bot(env, log)
        wait_for_log(log, "bot is running")
        deadline = time.monotonic() + 30
        while len(fake.call("sent")) < CHATS // 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert stop_bot(bot) == 0, log.read_text()
        delivered_at_stop = len(fake.call("sent"))
        counts = asyncio.run(delivery_counts(database_url))

        assert 0 < delivered_at_stop < CHATS, "the stop did not land mid-broadcast"
        assert counts.get("inflight", 0) == 0  # everything under way was finished and recorded
        assert counts.get("sent", 0) == delivered_at_stop
        assert "stopped cleanly" in log.read_text()

        bot = start_bot(env, log)
        deadline = time.monotonic() + 60
        while len(fake.call("sent")) < CHATS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stop_bot(bot) == 0

        received = Counter(message["chat_id"] for message in fake.call("sent"))
        assert set(received) == set(users)
        assert max(received.values()) == 1  # a clean stop leaves no duplicates at all
