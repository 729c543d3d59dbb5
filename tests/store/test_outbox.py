"""The outbox: an alert and its deliveries are written together, and none is lost or doubled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import StoreUnavailable
from bot.models import Category, Decision, Item, Verdict
from bot.store.alerts import AlertRepository, DeliveryOutcome
from bot.store.chats import BLOCKED, MIGRATED, ChatRepository
from bot.store.db import create_engine, ping, upgrade_schema
from bot.store.schema import items, metadata
from tests.conftest import FakeClock

LURE_VERDICT = Verdict(
    alert=True,
    score=0.93,
    category=Category.RECRUITMENT_LURE,
    lang="vi",
    countries=("KH",),
    decision=Decision.ALERT,
)


async def stored_item(engine: AsyncEngine, item_id: str = "item-1") -> Item:
    item = Item(
        item_id=item_id,
        feed_url="http://127.0.0.1/feed.xml",
        source="Báo Mẫu",
        url=f"https://example.org/{item_id}",
        title="Cảnh giác lời mời việc nhẹ lương cao ở nước ngoài",
        summary="Nhiều thanh niên bị dụ sang biên giới làm việc rồi bị giữ lại.",
        published=datetime(2026, 10, 30, tzinfo=UTC),
        lang="vi",
        country="VN",
    )
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(items).values(
                item_id=item.item_id,
                feed_url=item.feed_url,
                story_id=item.item_id,
                lang=item.lang,
                shingles=[1, 2, 3],
                seen_at=item.published,
            )
        )
    return item


async def test_migrations_create_every_table_and_running_them_again_changes_nothing(
    engine: AsyncEngine,
) -> None:
    await upgrade_schema(engine)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    assert set(metadata.tables) <= names
    assert "alembic_version" in names


async def test_alert_creates_one_delivery_per_active_chat_that_wants_it(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    for chat_id, locale in [(1, "vi"), (2, "km"), (3, "en"), (4, "vi")]:
        await chats.subscribe(chat_id, chat_type="private", locale=locale, title="", now=clock())
    await chats.set_status(3, BLOCKED, now=clock())
    await chats.update(4, alert_kinds="crackdown", now=clock())
    item = await stored_item(engine)

    alert_id = await alerts.issue_news_alert(item, LURE_VERDICT, story_id="s1", now=clock())

    assert alert_id is not None
    tasks = await alerts.claim_due(100, now=clock())
    assert sorted((t.chat_id, t.locale) for t in tasks) == [(1, "vi"), (2, "km")]


async def test_a_story_is_alerted_only_once(engine: AsyncEngine, clock: FakeClock) -> None:
    alerts = AlertRepository(engine)
    await ChatRepository(engine).subscribe(
        1, chat_type="private", locale="vi", title="", now=clock()
    )
    item = await stored_item(engine)

    first = await alerts.issue_news_alert(item, LURE_VERDICT, story_id="s1", now=clock())
    second = await alerts.issue_news_alert(item, LURE_VERDICT, story_id="s1", now=clock())

    assert first is not None and second is None
    assert await alerts.delivery_counts() == {"pending": 1}


async def test_claimed_deliveries_are_not_claimed_twice(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    for chat_id in range(1, 6):
        await chats.subscribe(chat_id, chat_type="private", locale="vi", title="", now=clock())
    await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )

    first = await alerts.claim_due(3, now=clock())
    second = await alerts.claim_due(3, now=clock())

    assert len(first) == 3 and len(second) == 2
    assert not {t.delivery_id for t in first} & {t.delivery_id for t in second}


async def test_deliveries_left_in_flight_by_a_crash_are_sent_again_after_the_timeout(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    await chats.subscribe(1, chat_type="private", locale="vi", title="", now=clock())
    await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )
    [task] = await alerts.claim_due(10, now=clock())

    assert await alerts.recover_inflight(older_than=timedelta(seconds=30), now=clock()) == 0
    clock.advance(31)
    assert await alerts.recover_inflight(older_than=timedelta(seconds=30), now=clock()) == 1
    [again] = await alerts.claim_due(10, now=clock())
    assert again.delivery_id == task.delivery_id and again.attempts == 0


async def test_retry_later_waits_until_not_before(engine: AsyncEngine, clock: FakeClock) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    await chats.subscribe(1, chat_type="private", locale="vi", title="", now=clock())
    await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )
    [task] = await alerts.claim_due(10, now=clock())

    await alerts.retry_later(
        task.delivery_id, "flood", not_before=clock.now + timedelta(seconds=5), now=clock()
    )

    assert await alerts.claim_due(10, now=clock()) == []
    clock.advance(5)
    assert [t.delivery_id for t in await alerts.claim_due(10, now=clock())] == [task.delivery_id]


async def test_group_migration_moves_the_subscription_and_pending_deliveries(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    await chats.subscribe(-100, chat_type="group", locale="km", title="Phum", now=clock())
    await chats.update(-100, province="an-giang", now=clock())
    await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )

    await chats.migrate(-100, -1001234, now=clock())

    old, new = await chats.get(-100), await chats.get(-1001234)
    assert old is not None and old.status == MIGRATED
    assert new is not None and (new.type, new.locale, new.province) == (
        "supergroup",
        "km",
        "an-giang",
    )
    assert [t.chat_id for t in await alerts.claim_due(10, now=clock())] == [-1001234]


async def test_forget_deletes_everything_about_a_chat(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    await chats.subscribe(7, chat_type="private", locale="vi", title="", now=clock())
    await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )

    await chats.forget(7)

    assert await chats.get(7) is None
    assert await alerts.delivery_counts() == {}


async def test_an_unreachable_database_is_reported_without_its_password() -> None:
    engine = create_engine("postgresql://bot:hunter2@127.0.0.1:1/alerts")
    with pytest.raises(StoreUnavailable) as caught:
        await ping(engine)
    await engine.dispose()
    assert "127.0.0.1:1" in str(caught.value) and "hunter2" not in str(caught.value)


async def test_report_counts_outcomes_by_reason_and_measures_duration(
    engine: AsyncEngine, clock: FakeClock
) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    for chat_id in (1, 2, 3, 4):
        await chats.subscribe(chat_id, chat_type="private", locale="vi", title="", now=clock())
    alert_id = await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )
    assert alert_id is not None
    one, two, three, _four = await alerts.claim_due(10, now=clock())
    clock.advance(12)
    await alerts.mark_sent(one.delivery_id, 101, now=clock())
    await alerts.mark_failed(
        two.delivery_id, "blocked: Forbidden: bot was blocked by the user", now=clock()
    )
    await alerts.mark_failed(three.delivery_id, "Bad Request: chat not found", now=clock())

    report = await alerts.report(alert_id)

    assert report is not None
    assert (report.targeted, report.sent, report.inflight) == (4, 1, 1)
    assert report.failed_by_reason == {"blocked": 1, "chat not found": 1}
    assert report.duration_s is None  # one is still in flight
    assert report.alert.created_at.tzinfo is not None


async def test_outcomes_are_recorded_in_one_batch(engine: AsyncEngine, clock: FakeClock) -> None:
    chats, alerts = ChatRepository(engine), AlertRepository(engine)
    for chat_id in (1, 2, 3):
        await chats.subscribe(chat_id, chat_type="private", locale="vi", title="", now=clock())
    await alerts.issue_news_alert(
        await stored_item(engine), LURE_VERDICT, story_id="s1", now=clock()
    )
    one, two, three = await alerts.claim_due(10, now=clock())

    await alerts.record_outcomes([
        DeliveryOutcome(one.delivery_id, "sent", message_id=11),
        DeliveryOutcome(two.delivery_id, "sent", message_id=12),
        DeliveryOutcome(three.delivery_id, "pending", reason="network: timed out",
                        not_before=clock.now, counts_as_attempt=True),
    ], now=clock())  # fmt: skip

    assert await alerts.delivery_counts() == {"sent": 2, "pending": 1}
    [again] = await alerts.claim_due(10, now=clock())
    assert (again.delivery_id, again.attempts) == (three.delivery_id, 1)
