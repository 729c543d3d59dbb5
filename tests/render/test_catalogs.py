"""Gettext catalogs: every handler string translated, compiled at load, kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.render import Renderer, ui_text
from bot.render.locales import SUPPORTED_LOCALES

from .conftest import LOCALES, REPO

TRANSLATED = [locale for locale in SUPPORTED_LOCALES if locale != "en"]


def _read(locale: str) -> Catalog:
    path = LOCALES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_handler_strings_come_translated(renderer: Renderer) -> None:
    assert renderer.translator("vi").gettext(ui_text.BUTTON_SUBSCRIBE) == "Nhận cảnh báo"
    assert renderer.translator("zh-hans").gettext(ui_text.BUTTON_HOTLINES) == "求助热线"
    assert renderer.translator("en-US").gettext(ui_text.BUTTON_HOTLINES) == "Hotlines"


def test_placeholders_are_filled_after_translation(renderer: Renderer) -> None:
    text = renderer.translator("fr").gettext(ui_text.CONFIRM_LANGUAGE) % {"language": "français"}
    assert text == "C'est fait. Je vous écrirai en français."


def test_plural_forms_follow_the_language(renderer: Renderer) -> None:
    french = renderer.translator("fr")
    assert french.ngettext("%(num)d warning", "%(num)d warnings", 1) % {"num": 1} == "1 alerte"
    assert french.ngettext("%(num)d warning", "%(num)d warnings", 3) % {"num": 3} == "3 alertes"
    vietnamese = renderer.translator("vi")
    assert vietnamese.ngettext("%(num)d warning", "%(num)d warnings", 3) % {"num": 3} == (
        "3 cảnh báo"
    )


def test_a_string_missing_from_a_catalog_falls_back_to_english(renderer: Renderer) -> None:
    assert renderer.translator("km").gettext("A sentence nobody translated") == (
        "A sentence nobody translated"
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale: str) -> None:
    untranslated = [
        message.id for message in _read(locale) if message.id and not all(_strings(message))
    ]
    assert untranslated == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_handler_string_is_in_the_catalog(locale: str) -> None:
    ids = {
        message.id if isinstance(message.id, str) else message.id[0] for message in _read(locale)
    }
    assert set(ui_text.ALL) <= ids


def test_catalogs_hold_exactly_the_strings_the_code_and_templates_use() -> None:
    mapping = [
        ("bot/render/**.py", "python"),
        ("templates/**.html", "jinja2"),
    ]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(REPO), method_map=mapping, options_map=options
        )
    }
    for locale in SUPPORTED_LOCALES:
        in_catalog = {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in _read(locale)
            if message.id
        }
        assert extracted <= in_catalog, (locale, sorted(extracted - in_catalog))


def test_catalogs_are_compiled_in_memory_without_a_build_step() -> None:
    assert not list(Path(LOCALES).rglob("*.mo"))


def _strings(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return tuple(str(string or "") for string in strings)
