"""The chat's words are in every catalog, translated, and fit where Telegram puts them."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.chat import words
from bot.render import SUPPORTED_LOCALES, Renderer

REPO = Path(__file__).resolve().parents[2]
TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer.load(REPO / "templates", REPO / "hotlines" / "hotlines.yaml", REPO / "locales")


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_chat_word_is_in_the_catalog(locale: str) -> None:
    path = REPO / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert set(words.ALL) - ids == set()


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_chat_word_is_translated_and_keeps_its_placeholders(
    renderer: Renderer, locale: str
) -> None:
    speak = renderer.translator(locale)
    untranslated = [w for w in words.ALL if speak.gettext(w) == w and w != "Telegram"]
    assert untranslated == []
    for word in words.ALL:
        filled = speak.gettext(word) % {
            "value": "x", "start": 1, "end": 2, "channel": "c", "count": 1, "score": 1,
            "category": "c", "source": "s", "cues": "c", "places": "p", "operator": "o",
            "alert": 1, "sent": 1, "total": 1, "failed": 0, "seconds": 1, "reason": "r",
            "pending": 0, "values": "v", "days": 7, "alerts": 1, "link": "l", "update": 1,
            "error": "e", "name": "n", "url": "u", "problem": "p",
        } if "%(" in word else speak.gettext(word)  # fmt: skip
        assert "%(" not in filled


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_profile_texts_fit_telegrams_limits(renderer: Renderer, locale: str) -> None:
    speak = renderer.translator(locale)
    assert len(speak.gettext(words.BOT_DESCRIPTION)) <= 512
    assert len(speak.gettext(words.BOT_SHORT_DESCRIPTION)) <= 120
    commands = [value for name, value in vars(words).items() if name.startswith("COMMAND_")]
    assert all(1 <= len(speak.gettext(c)) <= 256 for c in commands)
