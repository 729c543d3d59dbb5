"""An item seen but not yet judged when the process died is judged after the restart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.classify import Classifier
from bot.ingest.repository import StoryMember
from bot.models import Item
from bot.pipeline import NewItem, run_cycle
from bot.store.alerts import AlertRepository
from bot.store.chats import ChatRepository
from bot.store.feeds import SqlFeedRepository
from tests.conftest import FakeClock
from tests.e2e.harness import REPO

SEEN = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def lure(item_id: str) -> Item:
    return Item(
        item_id=item_id,
        feed_url="https://news.example.vn/rss",
        source="Báo Thử",
        url=f"https://news.example.vn/{item_id}",
        title="Công an cảnh báo chiêu tuyển người sang Campuchia làm việc nhẹ lương cao",
        summary="Nhiều thanh niên bị thu hộ chiếu, bị ép lừa đảo qua mạng và đòi tiền chuộc.",
        published=SEEN,
        lang="vi",
        country="VN",
    )


async def test_an_item_seen_before_a_crash_is_judged_and_alerted_after_restart(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await ChatRepository(engine).subscribe(1, chat_type="private", locale="vi", title="",
                                           now=clock())  # fmt: skip
    item = lure("crash-1")
    await SqlFeedRepository(engine).record_items(
        [StoryMember(item.item_id, "story-1", item.feed_url, "vi", (1,), SEEN, item)]
    )  # the poller marked it seen; then the process died before judging it
    classifier = Classifier.from_directory(REPO / "lexicons")
    alerts = AlertRepository(engine)

    async def nothing_new() -> list[NewItem]:
        return []

    def judge(i: Item) -> object:
        return classifier.classify(i.title, i.summary, i.lang)

    report = await run_cycle(nothing_new, judge, alerts, clock)  # type: ignore[arg-type]
    again = await run_cycle(nothing_new, judge, alerts, clock)  # type: ignore[arg-type]

    assert report.items == 1 and len(report.alerts) == 1
    assert again.items == 0
    assert await alerts.delivery_counts() == {"pending": 1}


async def test_an_unjudged_item_comes_back_exactly_as_it_was_recorded(engine: AsyncEngine) -> None:
    """SQLite rows are written without SQLAlchemy's conversions; they must read back the same."""
    item = replace(lure("exact-1"), published=datetime(2026, 10, 31, 23, 59, 59, 123456, UTC))
    member = StoryMember(item.item_id, "story-9", item.feed_url, "vi", (3, 1 << 40), SEEN, item)
    await SqlFeedRepository(engine).record_items([member])
    assert await AlertRepository(engine).unjudged_items() == [(item, "story-9")]
