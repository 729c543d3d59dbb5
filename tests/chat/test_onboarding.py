"""/start, deep links, /stop and /forget, as a person uses them in their own language."""

from __future__ import annotations

import pytest

from bot.store.chats import ACTIVE, STOPPED
from tests.chat.conftest import World

LANGUAGE_PROMPT = {
    "vi": "Chọn ngôn ngữ của bạn.",
    "en": "Choose your language.",
    "km": "សូមជ្រើសរើសភាសា។",
}
WELCOME_GREETING = {"vi": "Xin chào", "en": "Hello", "km": "សួស្តី"}


@pytest.mark.parametrize("language_code", ["vi", "en", "km"])
async def test_start_asks_to_confirm_the_language_the_app_uses(
    world: World, language_code: str
) -> None:
    person = world.api.add_user("Dara", language_code=language_code)

    world.api.send_command(person, "/start")
    prompt = await world.reply_to(person)

    assert prompt.text == LANGUAGE_PROMPT[language_code]
    assert f"o:lang:{language_code}" in prompt.callback_data
    preselected = [b["text"] for row in prompt.buttons for b in row if b["text"].startswith("✅")]
    assert len(preselected) == 1
    stored = await world.services.chats.get(person.id)
    assert stored is not None and stored.status == ACTIVE and stored.locale == language_code


async def test_vietnamese_onboarding_asks_country_then_province_then_welcomes_with_hotlines(
    world: World,
) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    world.api.send_command(lan, "/start")
    prompt = await world.reply_to(lan)

    await world.press(lan, prompt, "o:lang:vi")
    assert "quốc tịch" in world.api.last_sent(lan).text.lower() or "hộ chiếu" in (
        world.api.last_sent(lan).text.lower()
    )
    await world.press(lan, world.api.last_sent(lan), "o:ctry:VN")
    provinces = world.api.last_sent(lan)
    assert "o:prov:an-giang" in provinces.callback_data  # a border province, on the first page
    assert "o:prov:-" in provinces.callback_data  # "skip"
    await world.press(lan, provinces, "o:prov:an-giang")

    welcome = await world.reply_to(lan, after=1)
    assert welcome.text.startswith("👋")
    assert WELCOME_GREETING["vi"] in welcome.text
    assert "111" in welcome.text  # the national anti-trafficking line, from the directory
    stored = await world.services.chats.get(lan.id)
    assert stored is not None
    assert (stored.locale, stored.country, stored.province) == ("vi", "VN", "an-giang")


async def test_a_khmer_reader_choosing_cambodia_is_not_asked_for_a_vietnamese_province(
    world: World,
) -> None:
    dara = world.api.add_user("Dara", language_code="km")
    world.api.send_command(dara, "/start")
    await world.press(dara, await world.reply_to(dara), "o:lang:km")
    await world.press(dara, world.api.last_sent(dara), "o:ctry:KH")

    welcome = await world.reply_to(dara, after=1)
    assert WELCOME_GREETING["km"] in welcome.text
    stored = await world.services.chats.get(dara.id)
    assert stored is not None and stored.country == "KH" and stored.province is None
    assert stored.timezone == "Asia/Phnom_Penh"


async def test_changing_the_language_at_start_asks_the_next_question_in_the_new_language(
    world: World,
) -> None:
    person = world.api.add_user("Sam", language_code="en")
    world.api.send_command(person, "/start")

    answer = await world.press(person, await world.reply_to(person), "o:lang:km")

    assert answer["text"].startswith("រួចរាល់") or "ខ្មែរ" in answer["text"]
    question = world.api.last_sent(person)
    assert "o:ctry:KH" in question.callback_data
    assert question.text == world.services.renderer.translator("km").gettext(
        "Which country's passport do you have? I use it to show you the right hotlines."
    )


async def test_a_deep_link_preselects_language_and_province(world: World) -> None:
    person = world.api.add_user("Minh", language_code="en")

    world.api.send_command(person, "/start", "vi_an-giang")
    prompt = await world.reply_to(person)

    assert prompt.text == LANGUAGE_PROMPT["vi"]
    stored = await world.services.chats.get(person.id)
    assert stored is not None and (stored.locale, stored.province) == ("vi", "an-giang")
    await world.press(person, prompt, "o:lang:vi")
    await world.press(person, world.api.last_sent(person), "o:ctry:VN")
    welcome = await world.reply_to(person, after=1)  # the province is known: no province question
    assert WELCOME_GREETING["vi"] in welcome.text


@pytest.mark.parametrize(
    "payload",
    ["xx_an-giang", "vi_atlantis", "vi an-giang", "v" * 65, "vi_an-giang;drop", "ví"],
)
async def test_an_invalid_deep_link_falls_back_to_the_normal_flow(
    world: World, payload: str
) -> None:
    person = world.api.add_user("Sam", language_code="en")

    world.api.send_command(person, "/start", payload)
    prompt = await world.reply_to(person)

    assert prompt.text == LANGUAGE_PROMPT["en"]
    stored = await world.services.chats.get(person.id)
    assert stored is not None and stored.locale == "en" and stored.province is None


async def test_stop_ends_the_warnings_and_start_brings_them_back_with_the_same_settings(
    world: World,
) -> None:
    lan = world.api.add_user("Lan", language_code="vi")
    world.api.send_command(lan, "/start", "vi_gia-lai")
    await world.reply_to(lan)

    world.api.send_command(lan, "/stop")
    stopped = await world.reply_to(lan, after=1)
    assert "/start" in stopped.text
    stored = await world.services.chats.get(lan.id)
    assert stored is not None and stored.status == STOPPED

    world.api.send_command(lan, "/start")
    await world.reply_to(lan, after=2)
    stored = await world.services.chats.get(lan.id)
    assert stored is not None and stored.status == ACTIVE and stored.province == "gia-lai"


async def test_forget_asks_first_then_deletes_everything_about_the_chat(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    world.api.send_command(sam, "/start")
    await world.reply_to(sam)

    world.api.send_command(sam, "/forget")
    question = await world.reply_to(sam, after=1)
    await world.press(sam, question, "fg:no")
    assert await world.services.chats.get(sam.id) is not None
    assert world.api.last_sent(sam).text == "Nothing was deleted."

    world.api.send_command(sam, "/forget")
    await world.press(sam, await world.reply_to(sam, after=2), "fg:yes")
    assert await world.services.chats.get(sam.id) is None
    assert "deleted" in world.api.last_sent(sam).text
