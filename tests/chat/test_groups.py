"""Groups, supergroups, forums and channels: what community leaders do with the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.models import Category, Decision, Item, Verdict
from bot.store.alerts import AlertContent, Audience
from bot.store.chats import ACTIVE, LEFT, MIGRATED
from tests.chat.conftest import World, start_world


@pytest.fixture
async def world_on_both(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async for running in start_world(tmp_path, database_url):
        yield running


def lure_content(title: str) -> AlertContent:
    # Written for these tests; not a real article.
    return AlertContent(
        category=Category.RECRUITMENT_LURE,
        title=title,
        summary="Người môi giới hứa việc nhẹ lương cao ở nước ngoài rồi giữ hộ chiếu.",
        url="https://news.example.vn/canh-bao",
        source="Báo Thử Nghiệm",
        lang="vi",
        published=datetime(2026, 10, 31, 7, 0, tzinfo=UTC),
        countries=("KH",),
    )


async def publish(world: World, title: str) -> int:
    """An approved alert goes into the outbox, and the sender delivers it."""
    alert_id = await world.services.alerts.issue_alert(
        lure_content(title), Audience(kind="recruitment"), kind="news", now=world.clock()
    )
    assert alert_id is not None
    await world.services.sender.drain_once()
    return alert_id


async def queue_for_review(world: World, title: str) -> None:
    """A borderline item: its verdict goes to the review queue, not to anyone's chat."""
    import sqlalchemy as sa

    from bot.store.schema import items

    item = Item(
        "review-1",
        "http://127.0.0.1/rss",
        "Báo Thử Nghiệm",
        "https://news.example.vn/r",
        title,
        "",
        datetime(2026, 10, 31, tzinfo=UTC),
        "vi",
    )
    async with world.services.engine.begin() as connection:
        await connection.execute(
            sa.insert(items).values(
                item_id=item.item_id,
                feed_url=item.feed_url,
                story_id="story-r",
                lang="vi",
                shingles=[],
                seen_at=world.clock(),
            )
        )
    verdict = Verdict(False, 0.35, Category.RECRUITMENT_LURE, "vi", decision=Decision.REVIEW)
    await world.services.alerts.record_verdict(item, verdict, now=world.clock())


async def test_a_group_lives_its_whole_life_added_configured_warned_migrated_removed(
    world_on_both: World,
) -> None:
    world = world_on_both
    api = world.api
    leader = api.add_user("Hùng", language_code="vi")
    member = api.add_user("Sophea", language_code="km")
    group = api.add_group(
        "Xóm Trọ Bình An", members={leader: "creator", member: "member"}, bot_status="left"
    )

    # Added: it introduces itself, with its privacy statement, in the adder's language.
    api.add_bot_to_group(leader, group)
    intro = await world.reply_to(group)
    assert "Xóm Trọ Bình An" in intro.text
    assert "Quyền riêng tư" in intro.text or "riêng tư" in intro.text
    stored = await world.services.chats.get(group.id)
    assert stored is not None and stored.status == ACTIVE and stored.locale == "vi"

    # Configured: a member may not, an admin may.
    refusal = await world.press(member, intro, "s:open")
    assert refusal["show_alert"] and refusal["text"] == "មានតែអ្នកគ្រប់គ្រងក្រុមទេដែលអាចធ្វើបាន។"
    await world.press(leader, intro, "s:open")
    menu = world.api.last_sent(group)
    assert "s:ctry" not in menu.callback_data  # a group has no citizenship
    await world.press(leader, menu, "s:pp:0")
    await world.press(leader, world.api.last_sent(group), "s:prov:tay-ninh")
    stored = await world.services.chats.get(group.id)
    assert stored is not None and stored.province == "tay-ninh"

    # Alert received; a review-queue item is not.
    sent_before = world.count(group)
    await queue_for_review(world, "Tin chưa rõ về việc làm ở nước ngoài")
    await publish(world, "Cảnh báo thủ đoạn tuyển người sang Campuchia")
    await world.api.wait_for_messages(group, count=sent_before + 1)
    assert "Cảnh báo thủ đoạn tuyển người sang Campuchia" in world.api.last_sent(group).text
    assert all("Tin chưa rõ" not in m.text for m in world.api.sent(group))

    # Migrated: the supergroup keeps the subscription and its choices.
    supergroup = api.migrate_group_to_supergroup(group, by=leader)
    await world.barrier()
    old = await world.services.chats.get(group.id)
    new = await world.services.chats.get(supergroup.id)
    assert old is not None and old.status == MIGRATED
    assert new is not None and new.status == ACTIVE
    assert (new.locale, new.province, new.type) == ("vi", "tay-ninh", "supergroup")
    await publish(world, "Công an triệt phá đường dây môi giới")
    await world.api.wait_for_messages(supergroup, count=1)

    # Removed: deactivated, and nothing more is sent there.
    api.remove_bot(leader, supergroup)
    await world.barrier()
    removed = await world.services.chats.get(supergroup.id)
    assert removed is not None and removed.status == LEFT
    report = await world.services.alerts.report(await publish(world, "Một cảnh báo nữa"))
    assert report is not None and report.targeted == 0


async def test_only_group_admins_change_settings_or_stop_the_group(world: World) -> None:
    api = world.api
    admin = api.add_user("Admin", language_code="en")
    member = api.add_user("Lan", language_code="vi")
    group = api.add_group(
        "Village", members={admin: "administrator", member: "member"}, bot_status="left"
    )
    api.add_bot_to_group(admin, group)
    await world.reply_to(group)

    for command in ("/settings", "/stop", "/forget", "/start"):
        before = world.count(group)
        api.send_command(member, command, chat=group)
        refusal = await world.reply_to(group, after=before)
        assert refusal.text == "Chỉ quản trị viên nhóm mới làm được việc này."

    stored = await world.services.chats.get(group.id)
    assert stored is not None and stored.status == ACTIVE
    before = world.count(group)
    api.send_command(admin, "/stop", chat=group)
    assert "/start" in (await world.reply_to(group, after=before)).text
    stored = await world.services.chats.get(group.id)
    assert stored is not None and stored.status != ACTIVE


async def test_a_banned_bot_deactivates_the_group(world: World) -> None:
    admin = world.api.add_user("Admin", language_code="en")
    group = world.api.add_group("Village", members={admin: "creator"}, bot_status="left")
    world.api.add_bot_to_group(admin, group)
    await world.reply_to(group)

    world.api.remove_bot(admin, group, ban=True)
    await world.barrier()

    stored = await world.services.chats.get(group.id)
    assert stored is not None and stored.status == LEFT


async def test_in_a_forum_the_admin_picks_the_topic_warnings_go_to(world: World) -> None:
    api = world.api
    admin = api.add_user("Admin", language_code="en")
    forum = api.add_supergroup(
        "Job seekers", forum=True, members={admin: "creator"}, bot_status="left"
    )
    api.add_bot_to_group(admin, forum)
    await world.reply_to(forum)
    topic = api.create_forum_topic(forum, "Warnings", by=admin)

    before = world.count(forum)
    api.send_command(admin, "/settings", chat=forum, message_thread_id=topic)
    menu = await world.reply_to(forum, after=before)
    assert menu.message_thread_id == topic
    answer = await world.press(admin, menu, "s:topic")

    assert "topic" in answer["text"]
    stored = await world.services.chats.get(forum.id)
    assert stored is not None and stored.thread_id == topic
    await publish(world, "Fake call-centre jobs in Cambodia")
    warning = (await world.api.wait_for_messages(forum, count=before + 2))[-1]
    assert warning.message_thread_id == topic


async def test_a_channel_admin_links_a_channel_and_the_bot_posts_there(world: World) -> None:
    api = world.api
    leader = api.add_user("Dara", language_code="km")
    channel = api.add_channel(
        "Khmer Jobs Watch", username="khmer_jobs_watch", members={leader: "creator"}
    )
    api.send_command(leader, "/start")
    await world.reply_to(leader)

    api.send_command(leader, "/channel", "@khmer_jobs_watch")
    linked = await world.reply_to(leader, after=1)

    assert "Khmer Jobs Watch" in linked.text
    assert any(data.startswith(f"c{channel.id}:") for data in linked.callback_data)
    stored = await world.services.chats.get(channel.id)
    assert stored is not None and stored.type == "channel" and stored.locale == "km"
    # Its settings are changed from the leader's private chat.
    await world.press(leader, linked, f"c{channel.id}:lang")
    await world.press(leader, world.api.last_sent(leader), f"c{channel.id}:lang:en")
    stored = await world.services.chats.get(channel.id)
    assert stored is not None and stored.locale == "en"
    await publish(world, "Fake jobs in Sihanoukville")
    assert "Fake jobs in Sihanoukville" in (await world.api.wait_for_messages(channel))[0].text


async def test_a_channel_is_linked_from_a_forwarded_post_after_channel(world: World) -> None:
    api = world.api
    leader = api.add_user("Sam", language_code="en")
    channel = api.add_channel("Border News", members={leader: "administrator"})

    api.send_command(leader, "/channel")
    prompt = await world.reply_to(leader)
    assert "@username" in prompt.text
    api.forward_text(leader, "A post from the channel", origin=channel)
    linked = await world.reply_to(leader, after=1)

    assert "Border News" in linked.text
    assert await world.services.chats.get(channel.id) is not None


async def test_someone_who_is_not_a_channel_admin_cannot_link_it(world: World) -> None:
    api = world.api
    owner = api.add_user("Owner", language_code="en")
    stranger = api.add_user("Stranger", language_code="vi")
    api.add_channel("Owned", username="owned_channel", members={owner: "creator"})

    api.send_command(stranger, "/channel", "@owned_channel")
    refusal = await world.reply_to(stranger)

    assert refusal.text == "Chỉ quản trị viên của kênh mới liên kết được kênh."


async def test_the_bot_must_be_able_to_post_before_a_channel_is_linked(world: World) -> None:
    api = world.api
    owner = api.add_user("Owner", language_code="en")
    api.add_channel(
        "Quiet", username="quiet_channel", members={owner: "creator"}, bot_status="member"
    )

    api.send_command(owner, "/channel", "@quiet_channel")
    refusal = await world.reply_to(owner)

    assert "admin of the channel first" in refusal.text


async def test_promoting_the_bot_in_a_channel_offers_its_admin_to_link_it(world: World) -> None:
    api = world.api
    owner = api.add_user("Owner", language_code="en")
    api.send_command(owner, "/start")
    await world.reply_to(owner)
    channel = api.add_channel("Promoted", members={owner: "creator"}, bot_status="left")

    api.promote_bot_in_channel(owner, channel)
    offer = await world.reply_to(owner, after=1)
    await world.press(owner, offer, f"c{channel.id}:link")

    assert "Promoted" in world.api.last_sent(owner).text
    stored = await world.services.chats.get(channel.id)
    assert stored is not None and stored.status == ACTIVE

    api.remove_bot(owner, channel)
    await world.barrier()
    stored = await world.services.chats.get(channel.id)
    assert stored is not None and stored.status == LEFT
