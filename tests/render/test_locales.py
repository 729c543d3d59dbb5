"""Which language a subscriber gets, and how names and dates read in it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.render.locales import (
    best_locale,
    country_name,
    format_when,
    join_list,
    language_name,
    locale_autonym,
)


@pytest.mark.parametrize(
    ("telegram_code", "locale"),
    [
        ("vi", "vi"),
        ("vi-VN", "vi"),
        ("en-US", "en"),
        ("zh-hans", "zh"),
        ("zh-hant", "zh"),
        ("km", "km"),
        ("my", "my"),
        ("in", "id"),
        ("pt-br", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_telegram_language_code_maps_to_a_supported_locale(
    telegram_code: str | None, locale: str
) -> None:
    assert best_locale(telegram_code) == locale


def test_vietnamese_language_names_read_naturally_mid_sentence() -> None:
    assert language_name("en", "vi") == "tiếng Anh"
    assert language_name("km", "fr") == "khmer"


def test_country_names_drop_the_bracketed_alternative() -> None:
    assert country_name("MM", "en") == "Myanmar"
    assert join_list([country_name(c, "vi") for c in ("KH", "MM")], "vi") == "Campuchia và Myanmar"


def test_language_picker_shows_each_language_in_itself() -> None:
    assert locale_autonym("vi") == "Tiếng Việt"
    assert locale_autonym("km") == "ខ្មែរ"


def test_unknown_time_zone_falls_back_to_the_project_default() -> None:
    moment = datetime(2025, 11, 21, 23, 45, tzinfo=UTC)
    assert format_when(moment, "en", "Mars/Olympus") == format_when(moment, "en", None)
    assert "6:45" in format_when(moment, "en", None)
