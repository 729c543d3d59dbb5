"""The hotline directory: sourced numbers, and the rule for which ones a subscriber sees.

Only lines with `high` or `medium` confidence and status `current` are shown by default;
`possibly_outdated` ones only when the caller asks, and then with a "check first" label. Low,
unverified, superseded and outdated-format lines never reach a subscriber.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.errors import Problem
from bot.models import Hotline
from bot.render.phones import digits_of

SHOWN_CONFIDENCE = frozenset({"high", "medium"})
CONFIDENCE = frozenset({"high", "medium", "low"})
STATUS = frozenset(
    {"current", "possibly_outdated", "outdated_format", "superseded", "conflicting", "unverified"}
)
ANY_COUNTRY = "any"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_E164 = re.compile(r"^\+[1-9][0-9]{4,14}$")
_PRINTED_NUMBER = re.compile(r"^(?:\(?\+\s?|\()?[0-9][0-9+(). -]*[0-9]$")
_REQUIRED = ("id", "country_for", "located_in", "organisation", "numbers", "source_urls")


@dataclass(frozen=True, slots=True)
class HotlineEntry:
    """One directory line with what the subscriber-facing `Hotline` leaves out."""

    hotline: Hotline
    printed: tuple[str, ...]
    e164: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    hints: Mapping[str, str] = field(default_factory=dict)
    provinces: tuple[str, ...] = ()
    line: int = 0

    def shown(self, *, include_possibly_outdated: bool = False) -> bool:
        """Whether a subscriber may see this line at all."""
        statuses = {"current", "possibly_outdated"} if include_possibly_outdated else {"current"}
        return (
            self.hotline.confidence in SHOWN_CONFIDENCE
            and self.hotline.status in statuses
            and bool(self.hotline.numbers)
        )


class HotlineDirectory:
    """The loaded `hotlines/hotlines.yaml`, answering "whom should this person call?"."""

    def __init__(self, entries: Iterable[HotlineEntry], path: str = "") -> None:
        self.entries = tuple(entries)
        self.path = path
        self._by_id = {entry.hotline.hotline_id: entry for entry in self.entries}
        self._known_digits = frozenset(
            digits_of(number)
            for entry in self.entries
            if entry.shown(include_possibly_outdated=True)
            for number in (*entry.printed, *entry.e164)
        )

    @classmethod
    def load(cls, path: Path) -> tuple[HotlineDirectory, list[Problem]]:
        """Read and check the directory; broken entries are left out and reported."""
        try:
            text = path.read_text(encoding="utf-8")
            root, data = _compose_and_load(text)
        except OSError as exc:
            return cls((), str(path)), [Problem(str(path), 0, f"cannot read: {exc.strerror}")]
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            return cls((), str(path)), [Problem(str(path), line, f"not valid YAML: {exc}")]
        if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
            return cls((), str(path)), [Problem(str(path), 1, "expected a list of hotline entries")]
        entries: list[HotlineEntry] = []
        problems: list[Problem] = []
        seen: set[str] = set()
        for raw, node in zip(data, root.value, strict=True):
            entry, entry_problems = _parse_entry(raw, node, str(path))
            problems.extend(entry_problems)
            if entry is None:
                continue
            if entry.hotline.hotline_id in seen:
                problems.append(
                    Problem(str(path), entry.line, f"duplicate id {entry.hotline.hotline_id!r}")
                )
                continue
            seen.add(entry.hotline.hotline_id)
            entries.append(entry)
        return cls(entries, str(path)), problems

    def get(self, hotline_id: str) -> HotlineEntry | None:
        return self._by_id.get(hotline_id)

    def select(
        self,
        *,
        citizenship: str | None,
        province: str | None,
        destinations: Sequence[str],
        include_possibly_outdated: bool = False,
    ) -> list[Hotline]:
        """Lines for this person and this story, most useful first.

        Order: the home country's own lines (foreign ministry, national anti-trafficking line),
        then its embassies in each destination, then each destination's own police and social
        lines, which anyone physically there can call, and last the in-country lines of the
        home country itself.
        """
        home = citizenship.upper() if citizenship else None
        places = list(dict.fromkeys(code.upper() for code in destinations if code))
        wanted: list[tuple[str, str]] = []
        if home:
            wanted.append((home, home))
            wanted.extend((home, place) for place in places if place != home)
        wanted.extend((ANY_COUNTRY, place) for place in places)
        if home:
            wanted.append((ANY_COUNTRY, home))
        chosen: dict[str, Hotline] = {}
        for country_for, located_in in wanted:
            for entry in self.entries:
                line = entry.hotline
                if (line.country_for, line.located_in) != (country_for, located_in):
                    continue
                if not entry.shown(include_possibly_outdated=include_possibly_outdated):
                    continue
                if entry.provinces and not _in_provinces(province, entry.provinces):
                    continue
                chosen.setdefault(line.hotline_id, line)
        return list(chosen.values())

    def label(self, hotline: Hotline, locale: str) -> str:
        """Short name of the line in the subscriber's language, English or the full name else."""
        entry = self._by_id.get(hotline.hotline_id)
        if entry is None:
            return hotline.organisation
        return entry.labels.get(locale) or entry.labels.get("en") or hotline.organisation

    def hint(self, hotline: Hotline, locale: str) -> str:
        """How to use the line (who may call, which app), in the subscriber's language."""
        entry = self._by_id.get(hotline.hotline_id)
        if entry is None:
            return ""
        return entry.hints.get(locale) or entry.hints.get("en") or ""

    def is_known(self, number: str) -> bool:
        """Whether `number` dials a line a subscriber may be shown (possibly with a label)."""
        return digits_of(number) in self._known_digits

    def shown_numbers(self, *, include_possibly_outdated: bool = False) -> frozenset[str]:
        """Every number, as displayed, that a rendered message may contain."""
        return frozenset(
            number
            for entry in self.entries
            if entry.shown(include_possibly_outdated=include_possibly_outdated)
            for number in entry.hotline.numbers
        )


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """Parse once, keeping the node tree for line numbers (libyaml when available)."""
    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def _in_provinces(province: str | None, provinces: tuple[str, ...]) -> bool:
    return province is not None and province.casefold() in {p.casefold() for p in provinces}


def _field_lines(node: yaml.Node) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _value in node.value}


def _parse_entry(raw: Any, node: yaml.Node, path: str) -> tuple[HotlineEntry | None, list[Problem]]:
    line = node.start_mark.line + 1
    if not isinstance(raw, dict):
        return None, [Problem(path, line, "each hotline entry must be a mapping")]
    lines = _field_lines(node)
    problems = [Problem(path, line, f"entry lacks {key!r}") for key in _REQUIRED if key not in raw]
    if problems:
        return None, problems
    entry_id = str(raw["id"])

    def problem(key: str, message: str) -> Problem:
        return Problem(path, lines.get(key, line), f"{entry_id}: {message}")

    printed = _strings(raw.get("numbers"))
    e164 = _strings(raw.get("e164"))
    display = _strings(raw.get("display")) or printed
    urls = _strings(raw.get("source_urls"))
    labels = _string_map(raw.get("labels"))
    hints = _string_map(raw.get("hints"))
    confidence = str(raw.get("confidence", ""))
    status = str(raw.get("status", ""))
    country_for = str(raw["country_for"])
    located_in = str(raw["located_in"])
    if not urls:
        problems.append(problem("source_urls", "needs at least one source URL"))
    problems.extend(
        problem("source_urls", f"source URL must be http(s): {url!r}")
        for url in urls
        if not url.startswith(("http://", "https://"))
    )
    if confidence not in CONFIDENCE:
        problems.append(problem("confidence", f"confidence must be one of {sorted(CONFIDENCE)}"))
    if status not in STATUS:
        problems.append(problem("status", f"status must be one of {sorted(STATUS)}"))
    if country_for != ANY_COUNTRY and not _COUNTRY.match(country_for):
        problems.append(problem("country_for", "country_for must be a 2-letter code or 'any'"))
    if not _COUNTRY.match(located_in):
        problems.append(problem("located_in", "located_in must be a 2-letter code"))
    problems.extend(
        problem("display", f"display number {number!r} is not among the printed numbers")
        for number in display
        if number not in printed
    )
    problems.extend(
        problem("e164", f"not an E.164 number: {number!r}")
        for number in e164
        if not _E164.match(number)
    )
    problems.extend(
        problem("numbers", f"{number!r} does not look like a phone number")
        for number in printed
        if not _PRINTED_NUMBER.match(number)
    )
    if problems:
        return None, problems
    hotline = Hotline(
        hotline_id=entry_id,
        organisation=str(raw["organisation"]),
        numbers=display,
        country_for=country_for,
        located_in=located_in,
        purpose=str(raw.get("purpose", "")),
        channels=_strings(raw.get("channels")),
        source_urls=urls,
        confidence=confidence,
        status=status,
    )
    entry = HotlineEntry(
        hotline=hotline,
        printed=printed,
        e164=e164,
        labels=labels,
        hints=hints,
        provinces=_strings(raw.get("provinces")),
        line=line,
    )
    return entry, []


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    return (str(value),)


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(key): str(text) for key, text in value.items()}
