"""Countries and Vietnam's provinces: the names news uses for them, and the codes alerts carry.

Vietnam merged its 63 provinces into 34 on 1 July 2025, but news keeps naming the old ones
("former Kon Tum province"), so every former name resolves to the province that now contains
it. Province codes are stable slugs ("quang-ngai") so subscriptions survive renamings.
The data lives in `countries.toml` and `provinces.toml` next to this module (package data, so
it ships with the wheel) and is read once, on first use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from bot.classify.normalise import fold_latin, normalise, spelling_variants

LANGUAGES = ("en", "vi", "id", "ms", "fr", "tl", "th", "km", "lo", "my", "zh", "ko", "ja")
_PREFIXES = ("tỉnh", "thành phố", "tp.", "tp", "province of", "city of", "former", "old")
_SUFFIXES = ("province", "city", "cũ", "(cũ)", "former")
_BRACKETS = re.compile(r"[()\[\]]")


@dataclass(frozen=True, slots=True)
class Province:
    """One of the 34 provincial-level units of Vietnam since 1 July 2025."""

    code: str
    name_vi: str
    name_en: str
    region: str
    borders: tuple[str, ...]
    former: tuple[str, ...]

    @property
    def borders_cambodia(self) -> bool:
        return "KH" in self.borders

    @property
    def borders_laos(self) -> bool:
        return "LA" in self.borders

    @property
    def borders_china(self) -> bool:
        return "CN" in self.borders

    def name(self, locale: str) -> str:
        """Vietnamese name for Vietnamese readers, the English one for everyone else."""
        return self.name_vi if locale.split("-")[0].lower() == "vi" else self.name_en


@dataclass(frozen=True, slots=True)
class Country:
    """A country and how each language writes it; the first spelling is the display name."""

    code: str
    names: dict[str, tuple[str, ...]]

    def name(self, locale: str) -> str:
        spellings = self.names.get(locale.split("-")[0].lower()) or self.names["en"]
        return spellings[0]


@dataclass(frozen=True, slots=True)
class PlaceAlias:
    """A normalised spelling that, found in a text, names a country or a province."""

    text: str
    kind: str  # "country" or "province"
    code: str


def provinces() -> tuple[Province, ...]:
    """The 34 provinces in picker order: border provinces first."""
    return _provinces_data()[0]


def province(code: str) -> Province:
    """The province with this code; `KeyError` for an unknown code."""
    for candidate in provinces():
        if candidate.code == code:
            return candidate
    raise KeyError(code)


def province_name(code: str, locale: str) -> str:
    return province(code).name(locale)


def province_codes() -> frozenset[str]:
    return frozenset(p.code for p in provinces())


def former_to_current() -> dict[str, str]:
    """Each of the 63 provinces before 1 July 2025 (Vietnamese name) → code of today's."""
    return {name: p.code for p in provinces() for name in p.former}


def resolve_province(name: str) -> str | None:
    """The current province code for a province name, old or new, in Vietnamese (with or
    without diacritics) or English: "Kon Tum", "former Kon Tum province", "tỉnh Kon Tum (cũ)"
    → "quang-ngai". `None` when the name is not a province."""
    text = normalise(_BRACKETS.sub(" ", name)).strip(" .,;:-")
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix + " ") or (prefix.endswith(".") and text.startswith(prefix)):
                text, changed = text[len(prefix) :].strip(), True
        for suffix in _SUFFIXES:
            if text.endswith(" " + suffix):
                text, changed = text[: -len(suffix)].strip(), True
    return _names_for_resolving().get(text) or _names_for_resolving().get(fold_latin(text))


def countries() -> tuple[Country, ...]:
    return _countries_data()


def country_codes() -> frozenset[str]:
    return frozenset(c.code for c in countries())


def country_name(code: str, locale: str) -> str:
    """The country's name in the subscriber's language (English when we lack one)."""
    for country in countries():
        if country.code == code:
            return country.name(locale)
    raise KeyError(code)


def place_aliases() -> Iterator[PlaceAlias]:
    """Every spelling to look for in texts. Province names that are also ordinary words
    ("hòa bình", "peace") only count with "tỉnh", "province" and the like around them."""
    for country in countries():
        for spellings in country.names.values():
            for spelling in spellings:
                for text in spelling_variants(spelling):
                    yield PlaceAlias(text, "country", country.code)
    _, prefixed_only, accented_only = _provinces_data()
    for item in provinces():
        for name in (item.name_vi, item.name_en, *item.former, *_aliases(item.code)):
            for text in _province_spellings(name, prefixed_only, accented_only):
                yield PlaceAlias(text, "province", item.code)


def _province_spellings(
    name: str, prefixed_only: frozenset[str], accented_only: frozenset[str]
) -> set[str]:
    if name in prefixed_only:
        return {
            text
            for wrapped in (
                f"tỉnh {name}",
                f"thành phố {name}",
                f"tp {name}",
                f"tp. {name}",
                f"{name} province",
                f"{name} city",
            )
            for text in spelling_variants(wrapped)
        }
    variants = set(spelling_variants(name))
    if name in accented_only:
        variants.discard(fold_latin(normalise(name)))
    return variants


@cache
def _names_for_resolving() -> dict[str, str]:
    names: dict[str, str] = {}
    for item in provinces():
        for name in (item.name_vi, item.name_en, *item.former, *_aliases(item.code)):
            for text in spelling_variants(name):
                names.setdefault(text, item.code)
    return names


@cache
def _provinces_data() -> tuple[tuple[Province, ...], frozenset[str], frozenset[str]]:
    document = _read("provinces.toml")
    items = tuple(
        Province(
            code=entry["code"],
            name_vi=entry["vi"],
            name_en=entry["en"],
            region=entry["region"],
            borders=tuple(entry["borders"]),
            former=tuple(entry["former"]),
        )
        for entry in document["province"]
    )
    return items, frozenset(document["prefixed_only"]), frozenset(document["accented_only"])


def _aliases(code: str) -> tuple[str, ...]:
    return _province_aliases()[code]


@cache
def _province_aliases() -> dict[str, tuple[str, ...]]:
    return {entry["code"]: tuple(entry["aliases"]) for entry in _read("provinces.toml")["province"]}


@cache
def _countries_data() -> tuple[Country, ...]:
    document = _read("countries.toml")
    return tuple(
        Country(code, {lang: tuple(names) for lang, names in table.items()})
        for code, table in document.items()
    )


def _read(name: str) -> dict[str, Any]:
    text = resources.files("bot.classify").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)
