"""Webhook mode over real HTTP: only Telegram (who knows the secret) can post updates."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.runner import serve
from tests.e2e.harness import bot_settings
from tests.fakes.bot_api import FakeBotApi
from tests.production.processes import quiet_feeds

SECRET = "s3cret_only-Telegram_knows"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_until_up(url: str) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(20):
        while True:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)


async def test_webhook_takes_updates_with_the_secret_and_refuses_them_without(
    tmp_path: Path, caplog: object
) -> None:
    port = free_port()
    async with FakeBotApi() as api:
        settings = bot_settings(
            api, f"sqlite:///{tmp_path}/bot.sqlite3", quiet_feeds(tmp_path / "feeds"),
            webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
            webhook_secret=SecretStr(SECRET), port=port,
        )  # fmt: skip
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, webhook=True, stop=stop))
        base = f"http://127.0.0.1:{port}"
        await wait_until_up(f"{base}/healthz")
        lan = api.add_user("Lan", language_code="vi")
        start = api.send_command(lan, "/start")
        hook = f"{base}/telegram/hook"
        try:
            assert api.webhook is not None and api.webhook["secret_token"] == SECRET
            async with httpx.AsyncClient() as client:
                refused = await client.post(hook, json=start)
                wrong = await client.post(
                    hook, json=start, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
                )
                assert (refused.status_code, wrong.status_code) == (403, 403)
                await asyncio.sleep(0.3)
                assert api.sent(lan) == []

                accepted = await client.post(
                    hook, json=start, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                assert accepted.status_code == 200
                [welcome] = await api.wait_for_messages(lan, count=1)
                assert welcome.parse_mode == "HTML"

                assert (await client.get(f"{base}/readyz")).status_code == 200
                metrics = await client.get(f"{base}/metrics")
                assert metrics.status_code == 200 and "alertbot_" in metrics.text
                atom = await client.get(f"{base}/alerts.atom")
                assert atom.status_code == 200 and "<feed" in atom.text
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
        assert SECRET not in caplog.text  # type: ignore[attr-defined]
        assert api.token not in caplog.text  # type: ignore[attr-defined]
