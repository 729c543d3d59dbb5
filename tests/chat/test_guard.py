"""What the bot does with floods, odd input and its own failures: never a crash."""

from __future__ import annotations

import pytest

from bot.chat.guard import ERRORS_KEY, FLOOD_LIMIT, ErrorNotices
from tests.chat.conftest import World


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_flood_of_commands_is_answered_once_with_a_request_to_slow_down(
    world: World,
) -> None:
    spammer = world.api.add_user("Spammer", language_code="en")

    for _ in range(FLOOD_LIMIT + 10):
        world.api.send_command(spammer, "/help")
    await world.barrier()

    texts = [m.text for m in world.api.sent(spammer)]
    slow_down = [t for t in texts if t.startswith("You are sending messages very fast")]
    assert len(slow_down) == 1
    assert len(texts) == FLOOD_LIMIT + 1


async def test_a_flood_in_one_chat_does_not_slow_anyone_else(world: World) -> None:
    spammer = world.api.add_user("Spammer", language_code="en")
    bystander = world.api.add_user("Lan", language_code="vi")
    for _ in range(FLOOD_LIMIT + 5):
        world.api.send_command(spammer, "/help")

    world.api.send_command(bystander, "/help")

    assert "Tôi giúp được gì" in (await world.reply_to(bystander)).text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "This button is no longer active."),
        ("vi", "Nút này không còn dùng được."),
        ("km", "ប៊ូតុងនេះលែងដំណើរការហើយ។"),
    ],
)
async def test_unknown_or_stale_button_data_gets_a_short_answer(
    world: World, locale: str, expected: str
) -> None:
    person = world.api.add_user("Reader", language_code=locale)
    world.api.send_command(person, "/help")
    message = await world.reply_to(person)
    message.reply_markup = {
        "inline_keyboard": [
            [{"text": "old", "callback_data": "zz:old"}],
            [{"text": "gone", "callback_data": "s:kind:crackdown"}],
        ]
    }

    unknown = await world.press(person, message, "zz:old")
    stale = await world.press(
        person, message, "s:kind:crackdown"
    )  # no subscription: nothing to set

    assert unknown["text"].startswith(expected)
    assert stale["text"].startswith(expected)


async def test_edited_messages_are_ignored(world: World) -> None:
    sam = world.api.add_user("Sam", language_code="en")
    original = world.api.send_text(sam, "Work in Cambodia as a receptionist.")
    await world.reply_to(sam)

    world.api.edit_text(sam, original, "Work in Cambodia, easy work, high pay, free flights.")
    await world.barrier()

    assert world.count(sam) == 1


async def test_an_unknown_command_gets_a_pointer_to_help(world: World) -> None:
    dara = world.api.add_user("Dara", language_code="km")

    world.api.send_command(dara, "/weather")

    assert "/help" in (await world.reply_to(dara)).text


async def test_a_failing_handler_apologises_and_tells_operators_at_most_once_a_minute(
    world: World,
) -> None:
    clock = ManualClock()
    world.app.bot_data[ERRORS_KEY] = ErrorNotices(clock=clock)
    sam = world.api.add_user("Sam", language_code="en")

    for round_number in range(3):
        if round_number == 2:
            clock.now += 61
        world.api.fail_next(
            1, status=500, description="Internal Server Error", chat=sam, method="sendMessage"
        )
        before = world.count(sam)
        update = world.api.send_command(sam, "/help")
        apology = await world.reply_to(sam, after=before)
        assert apology.text == "Sorry, something went wrong. Please try again later."
        if round_number == 0:
            first_update = update["update_id"]

    notices = [m.text for m in world.api.sent(world.operator)]
    assert len(notices) == 2
    assert str(first_update) in notices[0]
