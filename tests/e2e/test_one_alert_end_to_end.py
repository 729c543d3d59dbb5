"""One warning travels the whole way: feed → classifier → template → Telegram → subscriber.

Runs on SQLite and on PostgreSQL, through real HTTP on loopback: a feed server, the fake
Telegram Bot API and the real bot with its real scheduler job.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import yaml

from tests.e2e.harness import REPO, bot_settings, poll_now, running_bot, services
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.feed_server import FeedServer, Reply

# Written for this test in the manner of Vietnamese police warnings; not a real article.
LURE_TITLE = "Cảnh báo: thanh niên bị dụ sang Campuchia với lời hứa việc nhẹ, lương cao"
LURE_TEXT = (
    "Công an tỉnh An Giang cho biết nhiều người trẻ được môi giới qua Facebook hứa hẹn công việc "
    "nhẹ nhàng, lương 1.500 USD/tháng tại Campuchia. Khi đến nơi, họ bị thu hộ chiếu, bị ép làm "
    "lừa đảo trực tuyến và gia đình bị đòi tiền chuộc."
)
RICE_TITLE = "Giá lúa tại Đồng bằng sông Cửu Long tăng nhẹ trong tuần"
RICE_TEXT = (
    "Nông dân miền Tây phấn khởi khi giá lúa tăng thêm 200 đồng mỗi kg nhờ xuất khẩu ổn định."
)


def rss(*entries: tuple[str, str, str]) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{text}</description>"
        "<pubDate>Sun, 01 Nov 2026 07:00:00 +0700</pubDate></item>"
        for title, text, link in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Báo Thử Nghiệm</title><link>https://news.example.vn/</link>{items}"
        "</channel></rss>"
    ).encode()


def feed_file(folder: Path, url: str) -> Path:
    folder.mkdir()
    (folder / "test.toml").write_text(
        f'[[feed]]\nurl = "{url}"\nname = "Báo Thử Nghiệm"\nlang = "vi"\ncountry = "VN"\n',
        encoding="utf-8",
    )
    return folder


def directory_numbers() -> set[str]:
    entries = yaml.safe_load((REPO / "hotlines" / "hotlines.yaml").read_text(encoding="utf-8"))
    return {re.sub(r"\D", "", n) for e in entries for n in e["numbers"]}


async def test_a_vietnamese_subscriber_gets_exactly_one_warning_for_a_lure_story(
    database_url: str, tmp_path: Path
) -> None:
    async with FakeBotApi() as api, FeedServer() as feeds:
        url = feeds.route("/rss", Reply(body=rss(
            (LURE_TITLE, LURE_TEXT, "https://news.example.vn/canh-bao-viec-nhe-luong-cao"),
            (RICE_TITLE, RICE_TEXT, "https://news.example.vn/gia-lua-tang"),
        ), etag='"v1"'))  # fmt: skip
        settings = bot_settings(api, database_url, feed_file(tmp_path / "feeds", url))
        user = api.add_user("Lan", language_code="vi")

        async with running_bot(settings) as bot:
            api.send_command(user, "/start")
            [welcome] = await api.wait_for_messages(user, count=1)
            assert (await services(bot).chats.get(user.id)) is not None

            await poll_now(bot)
            messages = await api.wait_for_messages(user, count=2)

            warning = messages[1]
            assert LURE_TITLE in warning.text
            assert "https://news.example.vn/canh-bao-viec-nhe-luong-cao" in warning.source_text
            assert RICE_TITLE not in warning.text
            shown = {
                re.sub(r"\D", "", n)
                for n in re.findall(r"\+?\d[\d .()-]{1,18}\d|\b\d{3}\b", warning.text)
            }
            assert shown & directory_numbers(), "the warning names no hotline from the directory"
            assert welcome.parse_mode == warning.parse_mode == "HTML"

            await poll_now(bot)  # the feed answers 304 now: nothing new
            await services(bot).sender.drain_once()
            assert len(api.sent(user)) == 2
            assert (await services(bot).alerts.delivery_counts()) == {"sent": 1}

        async with running_bot(settings) as bot:  # a restart
            await poll_now(bot)
            await services(bot).sender.drain_once()
            await asyncio.sleep(0.2)  # give a wrongly queued message the chance to arrive
            assert len(api.sent(user)) == 2
            assert (await services(bot).alerts.delivery_counts()) == {"sent": 1}
