"""Kill -9 in the middle of a broadcast: after a restart nobody is missed, few are doubled.

The real bot (`python -m bot run`) runs as a child process against the fake Telegram (served
from a thread of this process) and a SQLite file holding ~2,000 subscribers and one issued
alert. It is killed with SIGKILL at random points of the broadcast, started again each time,
and finally stopped with SIGTERM. Then, per chat: at least one message, and no more duplicates
than the messages that can be under way at a kill (`SenderConfig.inflight_bound`) for each
kill. The seed is printed; rerun one with CRASH_TEST_SEED=<seed>.

Needs the delivery settings of issue 7 (DELIVERY_PAID_BROADCAST: 1,000 messages a second, so
the broadcast takes seconds, not the minute Telegram's free 30/s would).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.deliver.sender import SenderConfig
from bot.store.alerts import AlertRepository, Audience
from bot.store.db import create_engine, upgrade_schema
from bot.store.schema import chats, deliveries
from tests.deliver.conftest import CONTENT
from tests.e2e.harness import REPO
from tests.fakes.bot_api import FakeBotApi
from tests.production.processes import bot_environment, quiet_feeds

SUBSCRIBERS = 2000
KILLS = 3
FIRST_CHAT_ID = 810_000_001
START_TIMEOUT = 30.0  # one start of the bot: imports, templates check, migrations
SETTLE_TIMEOUT = 45.0


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    # In a thread: the bot is another process, and this test's loop mostly waits.
    with FakeBotApi() as api:
        for number in range(SUBSCRIBERS):
            api.add_user("Người đăng ký", user_id=FIRST_CHAT_ID + number, language_code="vi")
        yield api


async def store_with_one_alert(database_url: str) -> None:
    engine = create_engine(database_url)
    await upgrade_schema(engine)
    now = datetime.now(UTC)
    rows = [
        {"chat_id": FIRST_CHAT_ID + number, "type": "private", "title": "", "locale": "vi",
         "status": "active", "created_at": now, "updated_at": now}
        for number in range(SUBSCRIBERS)
    ]  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(sa.insert(chats), rows)
    await AlertRepository(engine).issue_alert(CONTENT, Audience(), kind="news", now=now)
    await engine.dispose()


async def delivery_rows(database_url: str) -> list[tuple[int, str, int | None]]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            query = sa.select(
                deliveries.c.chat_id, deliveries.c.state, deliveries.c.telegram_message_id
            )
            return [
                (chat, state, message) for chat, state, message in await connection.execute(query)
            ]
    finally:
        await engine.dispose()


class BotProcess:
    """`python -m bot run` with settings from the environment, its output in a log file."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self._env = env
        self._folder = folder
        self.starts = 0
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.starts += 1
        log = open(self._folder / f"bot-{self.starts}.log", "wb")  # noqa: ASYNC230, SIM115
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=self._folder, env=self._env, stdout=log, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        log.close()

    async def kill(self) -> None:
        assert self._process is not None
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
        await self._process.wait()

    async def stop(self) -> int:
        assert self._process is not None
        self._process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self._process.wait(), 30)

    def logs(self) -> str:
        return "\n".join(
            f"--- start {n}:\n"
            + (self._folder / f"bot-{n}.log").read_text(errors="replace")[-3000:]
            for n in range(1, self.starts + 1)
        )


async def everything_recorded_sent(database_url: str, bot: BotProcess) -> None:
    """Wait until every row is sent: the bot is another process, so the store is polled."""
    async with asyncio.timeout(SETTLE_TIMEOUT):
        while True:
            states = Counter(state for _, state, _ in await delivery_rows(database_url))
            if states == {"sent": SUBSCRIBERS}:
                return
            await asyncio.sleep(0.2)


async def test_killed_at_random_points_every_subscriber_gets_the_alert_with_bounded_duplicates(
    api: FakeBotApi, tmp_path: Path
) -> None:
    seed = int(os.environ.get("CRASH_TEST_SEED", random.randrange(1_000_000)))
    print(f"CRASH_TEST_SEED={seed}")
    rng = random.Random(seed)
    database_url = f"sqlite:///{tmp_path}/alertbot.sqlite3"
    await store_with_one_alert(database_url)
    environment = bot_environment(
        api.root_url, api.token, database_url, quiet_feeds(tmp_path / "feeds"),
        DELIVERY_PAID_BROADCAST="true", LOG_LEVEL="WARNING", PYTHONPATH=str(REPO),
    )  # fmt: skip
    bot = BotProcess(environment, tmp_path)
    # Kill points: after this many messages reached Telegram, spread over the broadcast.
    thresholds = sorted(rng.sample(range(20, SUBSCRIBERS - 100, 50), KILLS))

    try:
        for threshold in thresholds:
            await bot.start()
            await api.wait_for_messages(None, threshold, timeout=START_TIMEOUT)
            await asyncio.sleep(rng.uniform(0, 0.05))  # land anywhere in a send, not on one
            await bot.kill()
        await bot.start()
        await everything_recorded_sent(database_url, bot)
        assert await bot.stop() == 0
    except (TimeoutError, AssertionError):
        pytest.fail(f"seed {seed}, kills after {thresholds} messages\n{bot.logs()}")
    finally:
        await bot.kill()  # never leave a bot behind, whatever failed

    received = Counter(message.chat_id for message in api.sent())
    everyone = range(FIRST_CHAT_ID, FIRST_CHAT_ID + SUBSCRIBERS)
    assert [chat for chat in everyone if received[chat] == 0] == []
    duplicates = sum(count - 1 for count in received.values())
    bound = SenderConfig().inflight_bound
    print(f"kills after {thresholds} messages: {duplicates} duplicates (bound {bound} a kill)")
    assert duplicates <= KILLS * bound
    assert max(received.values()) <= 1 + KILLS  # a kill can double a chat's message once
    for chat, state, message_id in await delivery_rows(database_url):
        assert state == "sent"
        assert message_id in {m.message_id for m in api.sent(chat)}
