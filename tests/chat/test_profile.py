"""The commands menu and the bot's description, set at start in every language."""

from __future__ import annotations

import pytest

from bot.chat import words
from bot.render import SUPPORTED_LOCALES
from tests.chat.conftest import World


@pytest.mark.parametrize(
    ("locale", "check_description"),
    [
        ("vi", "Kiểm tra một lời mời làm việc"),
        ("en", "Check a job offer for warning signs"),
        ("km", "ពិនិត្យការផ្តល់ការងាររកសញ្ញាគ្រោះថ្នាក់"),
    ],
)
async def test_commands_are_described_in_each_language(
    world: World, locale: str, check_description: str
) -> None:
    private = {c["command"]: c["description"] for c in world.api.commands(language_code=locale)}
    groups = world.api.commands(scope={"type": "all_group_chats"}, language_code=locale)

    assert private["check"] == check_description
    assert {"start", "settings", "hotline", "latest", "help", "about", "stop", "forget"} <= set(
        private
    )
    assert "review" not in private  # operators' commands are shown to operators only
    assert {c["command"] for c in groups} >= {"settings", "hotline", "invite"}


async def test_every_language_has_a_description_and_operators_see_their_commands(
    world: World,
) -> None:
    for locale in SUPPORTED_LOCALES:
        translated = world.services.renderer.translator(locale).gettext(words.BOT_DESCRIPTION)
        assert world.api.description(locale) == translated
        assert world.api.short_description(locale)
    assert world.api.description("") is not None  # the default, for every other language
    operator_menu = world.api.commands(scope={"type": "chat", "chat_id": world.operator.id})
    assert {"review", "broadcast", "stats", "feeds", "invite"} <= {
        c["command"] for c in operator_menu
    }
