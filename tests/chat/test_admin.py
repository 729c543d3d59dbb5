"""Operators: /review, /broadcast, /stats, /feeds, /invite, and nobody else can reach them."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from PIL import Image

from bot.chat import words
from bot.models import Category, Cue, Decision, Item, Verdict
from bot.store.review import ReviewQueue
from bot.store.schema import alerts, items
from tests.chat.conftest import World
from tests.fakes.bot_api import FakeUser

ADMIN_COMMANDS = ("/review", "/broadcast", "/cancel", "/stats", "/feeds", "/invite")
ADMIN_BUTTONS = (
    "rv:ok:item-1",
    "rv:no:item-1",
    "rv:cat:item-1",
    "rv:set:v:item-1",
    "rv:next:item-1",
    "rv:show:item-1",
    "bc:all",
    "bc:loc",
    "bc:l:vi",
    "bc:send",
    "bc:cancel",
)
REFUSAL = {
    "vi": "Xin lỗi, chỉ nhóm điều hành bot mới dùng được lệnh này.",
    "en": "Sorry, only the team that runs this bot can use this command.",
    "km": "សូមអភ័យទោស មានតែក្រុមដែលដំណើរការបូតនេះទេដែលអាចប្រើពាក្យបញ្ជានេះ។",
}


async def queue_item(
    world: World, item_id: str = "item-1", title: str = "Lời mời làm việc lạ ở biên giới"
) -> None:
    """A borderline story waiting for an operator (written for these tests)."""
    published = datetime(2026, 10, 31, 7, 0, tzinfo=UTC)
    item = Item(
        item_id,
        "http://127.0.0.1/rss",
        "Báo Thử Nghiệm",
        f"https://news.example.vn/{item_id}",
        title,
        "Một số người được hứa việc làm lương cao ở nước ngoài.",
        published,
        "vi",
    )
    async with world.services.engine.begin() as connection:
        await connection.execute(
            sa.insert(items).values(
                item_id=item_id,
                feed_url=item.feed_url,
                story_id=f"story-{item_id}",
                lang="vi",
                shingles=[],
                seen_at=world.clock(),
            )
        )
    verdict = Verdict(
        alert=False,
        score=0.41,
        category=Category.RECRUITMENT_LURE,
        lang="vi",
        cues=(Cue("lương cao", "lure", 1.0), Cue("Campuchia", "destination", 1.0)),
        countries=("KH",),
        decision=Decision.REVIEW,
    )
    await world.services.alerts.record_verdict(item, verdict, now=world.clock())


async def subscribe(world: World, name: str, locale: str) -> FakeUser:
    person = world.api.add_user(name, language_code=locale)
    world.api.send_command(person, "/start")
    await world.reply_to(person)
    return person


@pytest.mark.parametrize("locale", ["vi", "en", "km"])
async def test_every_operator_command_politely_refuses_anyone_else(
    world: World, locale: str
) -> None:
    person = world.api.add_user("Curious", language_code=locale)

    for number, command in enumerate(ADMIN_COMMANDS):
        world.api.send_command(person, command)
        refusal = await world.reply_to(person, after=number)
        assert refusal.text == REFUSAL[locale], command


@pytest.mark.parametrize("locale", ["vi", "en", "km"])
async def test_every_operator_button_politely_refuses_anyone_else(
    world: World, locale: str
) -> None:
    await queue_item(world)
    person = world.api.add_user("Curious", language_code=locale)
    world.api.send_command(person, "/help")
    message = await world.reply_to(person)
    # Buttons a non-operator could only get by forging callback data.
    message.reply_markup = {
        "inline_keyboard": [[{"text": data, "callback_data": data}] for data in ADMIN_BUTTONS]
    }

    for data in ADMIN_BUTTONS:
        answer = await world.press(person, message, data)
        assert answer["show_alert"] and answer["text"] == REFUSAL[locale], data

    assert await ReviewQueue(world.services.engine).state("item-1") == "pending"
    async with world.services.engine.connect() as connection:
        assert (
            await connection.execute(sa.select(sa.func.count()).select_from(alerts))
        ).scalar() == 0


async def test_an_operator_approves_a_review_item_and_subscribers_get_it(world: World) -> None:
    lan = await subscribe(world, "Lan", "vi")
    await queue_item(world)

    world.api.send_command(world.operator, "/review")
    card = await world.reply_to(world.operator)
    assert "Lời mời làm việc lạ ở biên giới" in card.text
    assert "0.41" in card.text and "lương cao" in card.text
    assert {"rv:ok:item-1", "rv:no:item-1", "rv:cat:item-1"} <= set(card.callback_data)

    await world.press(world.operator, card, "rv:ok:item-1")

    decided = world.api.last_sent(world.operator)
    assert "Oanh" in decided.text  # who decided
    queue = ReviewQueue(world.services.engine)
    [decision] = await queue.decisions("item-1")
    assert (decision.action, decision.decided_by) == ("approve", world.operator.id)
    assert decision.alert_id is not None
    await world.services.sender.drain_once()
    warning = (await world.api.wait_for_messages(lan, count=2))[1]
    assert "Lời mời làm việc lạ ở biên giới" in warning.text


async def test_an_operator_rejects_and_recategorises_and_both_are_recorded(world: World) -> None:
    await queue_item(world, "item-1")
    await queue_item(world, "item-2", "Công an bắt nhóm môi giới")
    world.api.send_command(world.operator, "/review")
    card = await world.reply_to(world.operator)

    await world.press(world.operator, card, "rv:cat:item-1")
    await world.press(world.operator, world.api.last_sent(world.operator), "rv:set:c:item-1")
    await world.press(world.operator, world.api.last_sent(world.operator), "rv:no:item-1")
    await world.press(world.operator, world.api.last_sent(world.operator), "rv:next:item-1")

    queue = ReviewQueue(world.services.engine)
    actions = [(d.action, d.category) for d in await queue.decisions("item-1")]
    assert actions == [("recategorise", "crackdown"), ("reject", "crackdown")]
    assert await queue.state("item-1") == "rejected"
    assert "Công an bắt nhóm môi giới" in world.api.last_sent(world.operator).text


async def test_a_decision_already_taken_is_not_taken_twice(world: World) -> None:
    await queue_item(world)
    world.api.send_command(world.operator, "/review")
    card = await world.reply_to(world.operator)
    world.api.send_command(world.operator, "/review")  # the same item, on a second screen
    second_card = await world.reply_to(world.operator, after=1)
    await world.press(world.operator, card, "rv:no:item-1")

    answer = await world.press(world.operator, second_card, "rv:ok:item-1")

    assert answer["show_alert"]
    assert len(await ReviewQueue(world.services.engine).decisions("item-1")) == 1


async def test_review_with_an_empty_queue_says_so(world: World) -> None:
    world.api.send_command(world.operator, "/review")
    assert (await world.reply_to(world.operator)).text == "Không còn tin nào chờ duyệt."


async def test_broadcast_previews_every_language_then_queues_one_alert_for_the_audience(
    world: World,
) -> None:
    lan = await subscribe(world, "Lan", "vi")
    dara = await subscribe(world, "Dara", "km")
    world.api.send_command(world.operator, "/broadcast")
    await world.reply_to(world.operator)
    world.api.send_text(world.operator, "Đường dây nóng 111 hoạt động suốt dịp lễ.")
    audience = await world.reply_to(world.operator, after=1)

    await world.press(world.operator, audience, "bc:loc")
    await world.press(world.operator, world.api.last_sent(world.operator), "bc:l:vi")

    sent = world.api.sent(world.operator)
    previews, confirm = sent[2:-1], sent[-1]
    assert len(previews) == 1 and "Đường dây nóng 111" in previews[0].text
    assert "1" in confirm.text and "bc:send" in confirm.callback_data
    await world.press(world.operator, confirm, "bc:send")

    async with world.services.engine.connect() as connection:
        row = (await connection.execute(sa.select(alerts))).one()
    assert (row.kind, row.created_by) == ("manual", world.operator.id)
    report = await world.services.alerts.report(row.alert_id)
    assert report is not None and report.targeted == 1  # Lan (vi), not Dara (km)
    assert lan.id != dara.id


async def test_broadcast_to_everyone_previews_all_ten_languages(world: World) -> None:
    await subscribe(world, "Sam", "en")
    world.api.send_command(world.operator, "/broadcast", "Hotline hours change on Sunday.")
    audience = await world.reply_to(world.operator)

    await world.press(world.operator, audience, "bc:all")

    sent = world.api.sent(world.operator)
    assert len(sent) == 1 + 10 + 1
    assert all("Hotline hours change on Sunday." in m.text for m in sent[1:11])


async def test_broadcast_is_delivered_and_the_operator_sees_the_final_report(
    world: World,
) -> None:
    sam = await subscribe(world, "Sam", "en")
    world.api.send_command(world.operator, "/broadcast", "Hotline hours change on Sunday.")
    await world.press(world.operator, await world.reply_to(world.operator), "bc:all")
    await world.press(world.operator, world.api.last_sent(world.operator), "bc:send")

    await world.services.sender.drain_once()
    message = (await world.api.wait_for_messages(sam, count=2))[1]
    assert "Hotline hours change on Sunday." in message.text
    locale = world.services.renderer.best_locale(world.operator.language_code)
    done = world.services.renderer.translator(locale).gettext(words.BROADCAST_REPORT)
    expected = done % {"sent": 1, "total": 1, "failed": 0, "seconds": "0.0"}
    prefix = expected.split("0.0")[0]  # the duration varies
    await world.api.wait_for_request(
        "editMessageText", where=lambda r: str(r.params.get("text")).startswith(prefix)
    )


async def test_a_cancelled_broadcast_sends_nothing(world: World) -> None:
    world.api.send_command(world.operator, "/broadcast", "Draft")
    audience = await world.reply_to(world.operator)

    await world.press(world.operator, audience, "bc:cancel")

    assert world.api.last_sent(world.operator).text == "Đã huỷ. Không có gì được gửi."
    async with world.services.engine.connect() as connection:
        assert (
            await connection.execute(sa.select(sa.func.count()).select_from(alerts))
        ).scalar() == 0


async def test_a_broadcast_too_long_is_refused_with_the_limit(world: World) -> None:
    world.api.send_command(world.operator, "/broadcast")
    await world.reply_to(world.operator)

    world.api.send_text(world.operator, "x" * 3500)

    assert "3000" in (await world.reply_to(world.operator, after=1)).text


async def test_stats_counts_subscribers_and_sends_a_chart(world: World) -> None:
    await subscribe(world, "Lan", "vi")
    await subscribe(world, "Dara", "km")

    world.api.send_command(world.operator, "/stats")
    summary = await world.reply_to(world.operator)
    chart = await world.reply_to(world.operator, after=1)

    assert "Người đăng ký: 2" in summary.text
    assert "vi 1" in summary.text and "km 1" in summary.text
    assert chart.method == "sendPhoto" and chart.file is not None
    assert Image.open(io.BytesIO(chart.file.data)).format == "PNG"


async def test_feeds_shows_the_feed_health_table(world: World) -> None:
    world.api.send_command(world.operator, "/feeds")
    table = await world.reply_to(world.operator)

    assert "Test" in table.text
    assert table.entities and table.entities[0]["type"] == "pre"


async def test_an_operator_gets_an_invite_poster_for_a_province(world: World) -> None:
    world.api.send_command(world.operator, "/invite", "an-giang vi")
    poster = await world.reply_to(world.operator)

    assert poster.method == "sendDocument" and poster.file is not None
    assert poster.file.data.startswith(b"\x89PNG")
    assert "https://t.me/fake_alert_bot?start=vi_an-giang" in poster.text


async def test_a_group_admin_gets_a_poster_for_the_groups_language(world: World) -> None:
    admin = world.api.add_user("Admin", language_code="en")
    member = world.api.add_user("Member", language_code="en")
    group = world.api.add_group("Village", members={admin: "creator", member: "member"})

    world.api.send_command(member, "/invite", chat=group)
    refusal = await world.reply_to(group)
    world.api.send_command(admin, "/invite", chat=group)
    poster = await world.reply_to(group, after=1)

    assert refusal.text == "Only group admins can do this."
    assert "https://t.me/fake_alert_bot?start=en" in poster.text
