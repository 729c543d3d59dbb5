"""The operators' keyword lists: one TOML file per language, read and validated with line numbers.

A lexicon file has one table per cue group and one line per phrase::

    [lure]
    "việc nhẹ lương cao" = 2.5          # phrase = weight

    [destination]
    "Sihanoukville" = { weight = 2.0, country = "KH" }

Every problem is reported with its file and line, never as a traceback, so `alertbot check`
and the bot's start can tell an operator exactly what to fix. A phrase ending in `*` matches
any word that starts with it ("traffick*" matches "trafficked" and "trafficking").
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.classify.matcher import prepare
from bot.classify.normalise import normalise
from bot.classify.places import country_codes
from bot.errors import Problem

GROUPS: dict[str, str] = {
    "lure": "deceptive job offers: easy work, high pay, free tickets, no experience needed",
    "channel": "how recruits are reached: brokers, social-media adverts, chat groups",
    "destination": "where recruits are taken: scam-hub countries and notorious places",
    "victim": "what is done to them: trafficking, captivity, forced scamming, ransom, sale",
    "rescue": "their rescue, escape or return: common words in other news too, so counted weakly",
    "operation": "the scam industry itself: compounds, fraud centres, call-centre gangs",
    "crackdown": "raids, arrests and cooperation against the industry",
    "negative": "other topics that use the same words: phishing, tourism, legal labour export",
}
MAX_WEIGHT = 5.0
_LINE_IN_MESSAGE = re.compile(r"\(at line (\d+)")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One phrase of one lexicon file, with where it was written."""

    phrase: str
    group: str
    weight: float
    lang: str
    file: str
    line: int
    country: str = ""

    @property
    def prefix(self) -> bool:
        """Whether the phrase ends in `*`, i.e. matches any word starting with it."""
        return self.phrase.endswith("*")

    @property
    def text(self) -> str:
        """The phrase without its `*` marker."""
        return self.phrase.rstrip("*").strip()


def check_lexicons(path: Path) -> list[Problem]:
    """Every problem in the lexicon folder, for `alertbot check` (errors and warnings)."""
    return load_lexicons(path)[1]


def load_lexicons(path: Path) -> tuple[list[LexiconEntry], list[Problem]]:
    """Read every `*.toml` file of the folder; entries of broken lines are left out."""
    if not path.is_dir():
        return [], [Problem(str(path), 0, "lexicon folder not found")]
    files = sorted(path.glob("*.toml"))
    if not files:
        return [], [Problem(str(path), 0, "no lexicon files (*.toml) in this folder")]
    entries: list[LexiconEntry] = []
    problems: list[Problem] = []
    for file in files:
        file_entries, file_problems = read_lexicon_file(file)
        entries.extend(file_entries)
        problems.extend(file_problems)
    return entries, problems


def read_lexicon_file(file: Path) -> tuple[list[LexiconEntry], list[Problem]]:
    """Parse one language's file; the language is the file name ("vi.toml" → "vi")."""
    name = str(file)
    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(name, 0, f"cannot read the file: {exc}")]
    try:
        document = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        found = _LINE_IN_MESSAGE.search(str(exc))
        line = int(found.group(1)) if found else 0
        return [], [Problem(name, line, f"not valid TOML: {exc}")]
    lines = _Lines(raw)
    entries: list[LexiconEntry] = []
    problems: list[Problem] = []
    for group, table in document.items():
        line = lines.of_table(group)
        if group not in GROUPS:
            known = ", ".join(GROUPS)
            problems.append(Problem(name, line, f"unknown cue group [{group}]; use one of {known}"))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(name, line, f"{group} must be a table: [{group}]"))
            continue
        for phrase, value in table.items():
            where = lines.of_key(group, phrase)
            entry, problem = _entry(file, group, phrase, value, where)
            if problem is not None:
                problems.append(problem)
            if entry is not None:
                entries.append(entry)
    problems.extend(_duplicates(entries))
    if not entries and not problems:
        problems.append(Problem(name, 0, "lexicon has no phrases", severity="warning"))
    return entries, problems


def _entry(
    file: Path, group: str, phrase: str, value: object, line: int
) -> tuple[LexiconEntry | None, Problem | None]:
    name = str(file)
    weight, country = value, ""
    if isinstance(value, dict):
        unknown = set(value) - {"weight", "country"}
        if unknown:
            fields = ", ".join(sorted(unknown))
            return None, Problem(name, line, f"unknown field(s) {fields}; use weight and country")
        weight, country = value.get("weight"), value.get("country", "")
    if not phrase.rstrip("*").strip() or not normalise(phrase.rstrip("*")).strip():
        return None, Problem(name, line, "empty phrase")
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        return None, Problem(name, line, f"weight of {phrase!r} must be a number")
    if not math.isfinite(weight) or not 0 < weight <= MAX_WEIGHT:
        return None, Problem(
            name,
            line,
            f"weight of {phrase!r} is {weight}; use a number above 0 and at most {MAX_WEIGHT:g}",
        )
    if not isinstance(country, str) or (country and country not in country_codes()):
        return None, Problem(
            name,
            line,
            f"country of {phrase!r} must be a known ISO 3166 alpha-2 code, got {country!r}",
        )
    entry = LexiconEntry(phrase, group, float(weight), file.stem, name, line, country)
    return entry, None


def _duplicates(entries: Iterable[LexiconEntry]) -> Iterator[Problem]:
    """Phrases of one file that are matched as the same text (case, compatibility forms and
    punctuation aside): one of them is dead weight."""
    seen: dict[str, LexiconEntry] = {}
    for entry in entries:
        key = prepare(normalise(entry.text)) + ("*" if entry.prefix else "")
        first = seen.setdefault(key, entry)
        if first is not entry:
            yield Problem(
                entry.file,
                entry.line,
                f"duplicate phrase {entry.phrase!r}: already in "
                f"[{first.group}] at line {first.line}",
            )


class _Lines:
    """Where tables and keys sit in the raw file, since `tomllib` keeps no positions."""

    def __init__(self, raw: str) -> None:
        self._tables: dict[str, int] = {}
        self._keys: dict[tuple[str, str], int] = {}
        table = ""
        for number, text in enumerate(raw.splitlines(), start=1):
            header = _TABLE_HEADER.match(text)
            if header:
                table = _unquote(header.group(1))
                self._tables.setdefault(table, number)
                continue
            key = _KEY.match(text)
            if key:
                self._keys.setdefault((table, _unquote(key.group(1))), number)

    def of_table(self, table: str) -> int:
        return self._tables.get(table, 0)

    def of_key(self, table: str, key: str) -> int:
        return self._keys.get((table, key), self._tables.get(table, 0))


def _unquote(token: str) -> str:
    token = token.strip()
    if token[:1] in "\"'":
        try:
            return str(tomllib.loads(f"k = {token}")["k"])
        except tomllib.TOMLDecodeError:
            return token.strip("\"'")
    return token
