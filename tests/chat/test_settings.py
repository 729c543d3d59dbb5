"""/settings: every choice a person can make, stored, and shown back in their language."""

from __future__ import annotations

from bot.classify.places import provinces
from tests.chat.conftest import World
from tests.fakes.bot_api import FakeUser, SentMessage


async def open_settings(world: World, person: FakeUser) -> SentMessage:
    world.api.send_command(person, "/start")
    await world.reply_to(person)
    before = world.count(person)
    world.api.send_command(person, "/settings")
    return await world.reply_to(person, after=before)


async def test_settings_shows_the_current_choices_in_the_readers_language(world: World) -> None:
    lan = world.api.add_user("Lan", language_code="vi")

    menu = await open_settings(world, lan)

    assert "Cài đặt" in menu.text
    assert "Ngôn ngữ: Tiếng Việt" in menu.text
    assert "Quốc tịch: Việt Nam" in menu.text  # preselected from the language, to be confirmed
    assert {"s:lang", "s:ctry", "s:pp:0", "s:kind", "s:dig", "s:quiet", "s:done"} <= set(
        menu.callback_data
    )


async def test_changing_the_language_redraws_the_menu_in_the_new_language(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    menu = await open_settings(world, sam)

    await world.press(sam, menu, "s:lang")
    answer = await world.press(sam, world.api.last_sent(sam), "s:lang:km")

    assert "ខ្មែរ" in answer["text"]
    redrawn = world.api.last_sent(sam)
    assert redrawn.message_id == menu.message_id  # the same message, edited
    assert "ការកំណត់" in redrawn.text
    stored = await world.services.chats.get(sam.id)
    assert stored is not None and stored.locale == "km"


async def test_province_picker_pages_through_all_34_provinces_border_first(world: World) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    menu = await open_settings(world, lan)

    await world.press(lan, menu, "s:pp:0")
    first_page = world.api.last_sent(lan).callback_data
    await world.press(lan, world.api.last_sent(lan), "s:pp:1")
    await world.press(lan, world.api.last_sent(lan), "s:pp:2")
    last_page = world.api.last_sent(lan).callback_data

    everything = [p.code for p in provinces()]
    assert len(everything) == 34
    assert "s:prov:an-giang" in first_page and "s:prov:tay-ninh" in first_page
    assert f"s:prov:{everything[-1]}" in last_page
    assert not any(p.borders for p in provinces() if f"s:prov:{p.code}" in last_page)
    await world.press(lan, world.api.last_sent(lan), last_page[0])
    stored = await world.services.chats.get(lan.id)
    assert stored is not None and stored.province == last_page[0].split(":")[2]


async def test_alert_kinds_toggle_and_the_last_one_cannot_be_switched_off(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    menu = await open_settings(world, sam)

    await world.press(sam, menu, "s:kind")
    await world.press(sam, world.api.last_sent(sam), "s:kind:crackdown")
    stored = await world.services.chats.get(sam.id)
    assert stored is not None and stored.alert_kinds == "recruitment,rescue,crackdown"

    await world.press(sam, world.api.last_sent(sam), "s:kind:crackdown")
    stored = await world.services.chats.get(sam.id)
    assert stored is not None and stored.alert_kinds == ""  # back to the default

    await world.press(sam, world.api.last_sent(sam), "s:kind:rescue")
    refused = await world.press(sam, world.api.last_sent(sam), "s:kind:recruitment")
    assert refused["show_alert"] and "/stop" in refused["text"]
    stored = await world.services.chats.get(sam.id)
    assert stored is not None and stored.alert_kinds == "recruitment"


async def test_daily_digest_and_quiet_hours_are_stored(world: World) -> None:
    dara = world.api.add_user("Dara", language_code="km")
    menu = await open_settings(world, dara)

    await world.press(dara, menu, "s:dig")
    await world.press(dara, world.api.last_sent(dara), "s:dig:1")
    await world.press(dara, world.api.last_sent(dara), "s:quiet")
    await world.press(dara, world.api.last_sent(dara), "s:quiet:22-07")

    stored = await world.services.chats.get(dara.id)
    assert stored is not None and stored.digest is True and stored.quiet_hours == "22-07"
    shown = world.api.last_sent(dara).text
    assert "22:00" in shown and "07:00" in shown

    await world.press(dara, world.api.last_sent(dara), "s:quiet")
    await world.press(dara, world.api.last_sent(dara), "s:quiet:-")
    stored = await world.services.chats.get(dara.id)
    assert stored is not None and stored.quiet_hours is None


async def test_done_closes_the_menu_and_keeps_the_summary(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    menu = await open_settings(world, sam)

    answer = await world.press(sam, menu, "s:done")

    assert answer["text"] == "Saved."
    closed = world.api.last_sent(sam)
    assert closed.buttons == [] and "Language: English" in closed.text


async def test_settings_before_start_subscribes_the_chat(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")

    world.api.send_command(sam, "/settings")
    menu = await world.reply_to(sam)

    assert "Settings" in menu.text
    assert await world.services.chats.get(sam.id) is not None


async def test_tampered_values_are_refused_as_stale_buttons(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    menu = await open_settings(world, sam)
    await world.press(sam, menu, "s:quiet")
    picker = world.api.last_sent(sam)
    # A client could send any data; the bot only accepts values it offered.
    picker.reply_markup = {"inline_keyboard": [[{"text": "x", "callback_data": "s:quiet:03-04"}]]}

    answer = await world.press(sam, picker, "s:quiet:03-04")

    assert "no longer active" in answer["text"]
    stored = await world.services.chats.get(sam.id)
    assert stored is not None and stored.quiet_hours is None
