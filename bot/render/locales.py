"""Which language a subscriber gets, and locale-aware names, lists and dates (Babel)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.lists import format_list
from babel.numbers import format_decimal

SUPPORTED_LOCALES: tuple[str, ...] = ("vi", "en", "km", "th", "id", "zh", "lo", "my", "ko", "fr")
DEFAULT_LOCALE = "en"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

# The citizenship most readers of a locale have; a starting guess for onboarding and preview.
DEFAULT_CITIZENSHIP: dict[str, str] = {
    "vi": "VN",
    "km": "KH",
    "th": "TH",
    "id": "ID",
    "zh": "CN",
    "lo": "LA",
    "my": "MM",
    "ko": "KR",
}

# Telegram sends IETF tags ("zh-hans", "en-US"); a few old or three-letter codes are seen too.
_ALIASES = {
    "in": "id",
    "ind": "id",
    "vie": "vi",
    "khm": "km",
    "tha": "th",
    "lao": "lo",
    "bur": "my",
    "mya": "my",
    "kor": "ko",
    "fra": "fr",
    "fre": "fr",
    "zho": "zh",
    "chi": "zh",
}
_BRACKETED = re.compile(r"\s*[(（].*?[)）]\s*$")


def best_locale(language_code: str | None, supported: Sequence[str] = SUPPORTED_LOCALES) -> str:
    """Map Telegram's `language_code` ("vi", "en-US", "zh-hans") to a locale we have.

    Anything unknown gets English, which is the source language of every text.
    """
    fallback = DEFAULT_LOCALE if DEFAULT_LOCALE in supported else supported[0]
    if not language_code:
        return fallback
    code = language_code.strip().lower().replace("_", "-")
    base = code.split("-", 1)[0]
    for candidate in (code, _ALIASES.get(code, ""), base, _ALIASES.get(base, "")):
        if candidate in supported:
            return candidate
    return fallback


@lru_cache(maxsize=64)
def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse(DEFAULT_LOCALE)


def locale_autonym(locale: str) -> str:
    """The language's own name for itself ("Tiếng Việt"), for a language picker."""
    name = _babel_locale(locale).display_name or locale
    return name[:1].upper() + name[1:]


def language_name(code: str, locale: str) -> str:
    """Name of language `code` in `locale`, e.g. ("en", "vi") → "tiếng Anh"."""
    if not code:
        return ""
    babel_locale = _babel_locale(locale)
    base = code.lower().replace("_", "-").split("-", 1)[0]
    name = str(babel_locale.languages.get(base) or "")
    if not name:
        return code
    # CLDR capitalises Vietnamese language names ("Tiếng Anh"); mid-sentence it is "tiếng Anh".
    if babel_locale.language == "vi" and name.startswith("Tiếng "):
        return "tiếng " + name[len("Tiếng ") :]
    return name


def country_name(code: str, locale: str) -> str:
    """Short name of a country in `locale`: "Myanmar" rather than "Myanmar (Burma)"."""
    name = _babel_locale(locale).territories.get(code.upper())
    return _BRACKETED.sub("", name) if name else code


def join_list(items: Iterable[str], locale: str) -> str:
    """Join names the way the language does ("A, B và C", "A、B和C")."""
    values = [item for item in items if item]
    if not values:
        return ""
    return format_list(values, locale=_babel_locale(locale))


def zone(tz_name: str | None) -> ZoneInfo:
    """The subscriber's time zone; the project's home zone when unknown."""
    try:
        return ZoneInfo(tz_name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def format_when(moment: datetime, locale: str, tz_name: str | None) -> str:
    """Date and minute in the subscriber's zone and the locale's own pattern."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    local = aware.astimezone(zone(tz_name))
    babel_locale = _babel_locale(locale)
    day = format_date(local, "medium", locale=babel_locale)
    clock = format_time(local, "short", locale=babel_locale)
    return str(get_datetime_format("medium", locale=babel_locale)).format(clock, day)


def format_day(moment: datetime, locale: str, tz_name: str | None) -> str:
    """Date only, in the subscriber's zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_date(aware.astimezone(zone(tz_name)), "medium", locale=_babel_locale(locale))


def format_number(value: float, locale: str) -> str:
    return format_decimal(value, locale=_babel_locale(locale))
