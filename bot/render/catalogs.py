"""Gettext catalogs: `.po` files read and compiled in memory, so a fresh clone needs no build.

Each catalog is checked before use: a translation that names a placeholder its English
original does not have would crash the handler that formats it, and markup characters in a
translation would break Telegram's HTML. Both are reported with the `.po` line.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from bot.errors import Problem

DOMAIN = "messages"
REVIEW_HEADER = "X-Native-Review"
REVIEWED_VALUES = frozenset({"yes", "source"})
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
# The header field, or the same mark in the header comment (`pybabel update` keeps comments
# but drops header fields it does not know).
_REVIEW = re.compile(r'^(?:"|#\s*)' + REVIEW_HEADER + r":\s*([A-Za-z-]+)", re.MULTILINE)
_DIGITS = re.compile(r"[0-9](?:[0-9 .()-]*[0-9])?")
_MARKUP_CHARS = "<>&"


@dataclass(frozen=True, slots=True)
class Catalogs:
    """Compiled translations per locale, each falling back to English."""

    translations: Mapping[str, gettext.NullTranslations]
    reviewed: Mapping[str, bool]

    def get(self, locale: str) -> gettext.NullTranslations:
        return self.translations.get(locale) or gettext.NullTranslations()


def catalog_path(locales_path: Path, locale: str) -> Path:
    return locales_path / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogs(
    locales_path: Path, locales: Sequence[str], source_locale: str = "en"
) -> tuple[Catalogs, list[Problem]]:
    """Read, check and compile every locale's catalog; problems carry the `.po` line."""
    compiled: dict[str, gettext.NullTranslations] = {}
    reviewed: dict[str, bool] = {}
    problems: list[Problem] = []
    for locale in locales:
        translations, is_reviewed, found = _load_one(catalog_path(locales_path, locale), locale)
        problems.extend(found)
        compiled[locale] = translations
        reviewed[locale] = is_reviewed
    source = compiled.get(source_locale)
    for locale, translations in compiled.items():
        if locale != source_locale and source is not None:
            translations.add_fallback(source)
    return Catalogs(compiled, reviewed), problems


def _load_one(path: Path, locale: str) -> tuple[gettext.NullTranslations, bool, list[Problem]]:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        warning = Problem(
            where, 0, "no catalog: this locale's buttons will be in English", "warning"
        )
        return gettext.NullTranslations(), False, [warning]
    except (OSError, UnicodeDecodeError) as exc:
        return gettext.NullTranslations(), False, [Problem(where, 0, f"cannot read: {exc}")]
    try:
        catalog = read_po(io.StringIO(text), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        return gettext.NullTranslations(), False, [Problem(where, exc.lineno, f"broken .po: {exc}")]
    except ValueError as exc:
        return gettext.NullTranslations(), False, [Problem(where, 1, f"broken .po header: {exc}")]
    problems = _check_messages(catalog, where)
    is_reviewed, review_problem = _review_status(text, where, locale)
    if review_problem is not None:
        problems.append(review_problem)
    if any(problem.severity == "error" for problem in problems):
        return gettext.NullTranslations(), is_reviewed, problems
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer), is_reviewed, problems


def _check_messages(catalog: Catalog, where: str) -> list[Problem]:
    problems: list[Problem] = []
    for message, errors in catalog.check():
        problems.extend(
            Problem(where, message.lineno or 0, f"{_msgid(message)!r}: {e}") for e in errors
        )
    for message in catalog:
        if not message.id:
            continue
        problems.extend(
            Problem(where, message.lineno or 0, f"{_msgid(message)!r}: {reason}")
            for reason in _translation_faults(message)
        )
    return problems


def _translation_faults(message: Message) -> list[str]:
    originals = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    allowed = {name for original in originals for name in _PLACEHOLDER.findall(original)}
    source_text = "".join(originals)
    faults: list[str] = []
    for string in strings:
        if not string:
            continue
        extra = set(_PLACEHOLDER.findall(string)) - allowed
        if extra:
            faults.append(f"translation uses unknown placeholder(s) {sorted(extra)}")
            continue
        try:
            filled = string % dict.fromkeys(allowed, 1)
        except (ValueError, TypeError, KeyError):
            faults.append("translation has a stray '%' (write '%%' for a percent sign)")
            continue
        faults.extend(
            f"translation contains {char!r}, which would break Telegram HTML"
            for char in _MARKUP_CHARS
            if char in string and char not in source_text
        )
        if any(len(re.sub(r"[^0-9]", "", run)) >= 3 for run in _DIGITS.findall(filled)):
            faults.append("phone numbers belong in hotlines/hotlines.yaml, not in a catalog")
    return faults


def _review_status(text: str, where: str, locale: str) -> tuple[bool, Problem | None]:
    match = _REVIEW.search(text)
    if match is None:
        line = 1
        message = f"header lacks '{REVIEW_HEADER}: yes|no'; treated as not reviewed"
    else:
        line = text.count("\n", 0, match.start()) + 1
        if match.group(1).strip().lower() in REVIEWED_VALUES:
            return True, None
        message = f"the {locale} translation has not been reviewed by a native speaker"
    return False, Problem(where, line, message, "warning")


def _msgid(message: Message) -> str:
    return str(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)
