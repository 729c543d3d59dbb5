"""The review queue and the statistics, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Category, Cue, Decision, Item, Verdict
from bot.store.alerts import AlertContent, AlertRepository, Audience
from bot.store.chats import ChatRepository
from bot.store.review import APPROVE, RECATEGORISE, REJECT, ReviewQueue
from bot.store.schema import items
from bot.store.stats import StatisticsQueries, count_audience
from tests.conftest import FakeClock


async def queued(engine: AsyncEngine, clock: FakeClock, item_id: str, score: float) -> Item:
    item = Item(
        item_id,
        "http://127.0.0.1/rss",
        "Báo Mẫu",
        f"https://example.org/{item_id}",
        f"Tin {item_id}",
        "Tóm tắt.",
        datetime(2026, 10, 30, tzinfo=UTC),
        "vi",
    )
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(items).values(
                item_id=item_id,
                feed_url=item.feed_url,
                story_id=f"s-{item_id}",
                lang="vi",
                shingles=[],
                seen_at=clock(),
            )
        )
    verdict = Verdict(
        False,
        score,
        Category.RECRUITMENT_LURE,
        "vi",
        cues=(Cue("lương cao", "lure", 1.0),),
        countries=("KH",),
        decision=Decision.REVIEW,
    )
    await AlertRepository(engine).record_verdict(item, verdict, now=clock())
    clock.advance(60)
    return item


async def test_the_queue_gives_the_oldest_pending_item_first_then_the_next(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await queued(engine, clock, "a", 0.4)
    await queued(engine, clock, "b", 0.35)
    queue = ReviewQueue(engine)

    first = await queue.next_pending()
    assert first is not None and first.item_id == "a"
    assert first.cues == (Cue("lương cao", "lure", 1.0),) and first.countries == ("KH",)
    following = await queue.next_pending(after="a")
    assert following is not None and following.item_id == "b"
    assert await queue.next_pending(after="b") is None
    assert await queue.count_pending() == 2


async def test_decisions_are_recorded_with_who_and_leave_the_queue(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    await queued(engine, clock, "a", 0.4)
    queue = ReviewQueue(engine)

    assert await queue.decide("a", RECATEGORISE, category="crackdown", decided_by=7, now=clock())
    assert await queue.state("a") == "pending"
    assert await queue.decide("a", REJECT, category="crackdown", decided_by=8, now=clock())
    assert not await queue.decide("a", APPROVE, category="crackdown", decided_by=9, now=clock())

    trail = [(d.action, d.category, d.decided_by) for d in await queue.decisions("a")]
    assert trail == [("recategorise", "crackdown", 7), ("reject", "crackdown", 8)]
    assert await queue.next_pending() is None


async def test_statistics_count_active_subscribers_alerts_and_deliveries(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats = ChatRepository(engine)
    for chat_id, locale in [(1, "vi"), (2, "vi"), (3, "km")]:
        await chats.subscribe(chat_id, chat_type="private", locale=locale, title="", now=clock())
    await chats.update(1, province="an-giang", country="VN", now=clock())
    content = AlertContent(
        "recruitment_lure", "t", "s", "https://example.org", "src", "vi", clock()
    )
    await AlertRepository(engine).issue_alert(content, Audience(), kind="news", now=clock())

    stats = await StatisticsQueries(engine).collect(now=clock())

    assert stats.subscribers == 3
    assert stats.subscribers_by_locale == {"vi": 2, "km": 1}
    assert stats.subscribers_by_province == {"": 2, "an-giang": 1}
    assert [(w.days, w.alerts, w.deliveries) for w in stats.windows] == [
        (7, 1, {"pending": 3}),
        (30, 1, {"pending": 3}),
    ]
    assert await count_audience(engine, locales=("vi",)) == 2
    assert await count_audience(engine, countries=("VN",)) == 1
