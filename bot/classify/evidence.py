"""What the phrase matches in one text say, once matches that a longer one explains are dropped.

A match does not count when it lies inside a longer match that explains it:

- a phrase inside a longer phrase of its own group ("lương cao" in "việc nhẹ lương cao" is not
  a second piece of evidence), and a place name inside a longer place name;
- anything inside a place name ("Lào", Laos, in "Lào Cai", a Vietnamese province);
- a positive phrase inside a negative one ("trafficking" in "drug trafficking").

"Inside" means strictly: starting no earlier, ending no later, and not the same stretch. The
longer match cancels whether or not it counts itself (a negative phrase inside a place name
still cancels the positive phrases inside it). Of several targets of one key in one group, only
the first counts.

A match can only lie inside a longer one if its key is part of the longer key, so these pairs
are worked out once, when the automaton is built; most keys are part of none that could cancel
them. For a text, the matches are then read once, in the order the automaton reports them (by
where they end):

- a key no other key can cancel counts at its first match; its later matches cost one lookup;
- a key that may be cancelled is checked match by match, by looking up whether a cancelling key
  was found ending where it would have to end, until one match survives.

Cues are kept in the order in which they first survive. Two surviving matches of one group
never lie one inside the other, so within a group that is also the order of where they start:
a group's weights add up in the same order as when the matches are sorted by start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from bot.classify.matcher import automaton_key, inside_katakana_word
from bot.classify.places import PlaceAlias
from bot.models import Cue

NEGATIVE_GROUP = "negative"
_PLACES = "\0places"  # the group of place names, for "inside a longer match of its group"
_KATAKANA_LEAD = "\xe3"  # first UTF-8 byte of every katakana character, as `prepare` spells it


@dataclass(frozen=True, slots=True, eq=False)
class Phrase:
    """What a lexicon phrase contributes when found; compared by identity, which is cheap."""

    cue: Cue
    country: str
    rank: int  # where its cue is listed in a verdict, among all phrases (see `classifier`)
    group: str  # the cue's, at hand
    weight: float


@dataclass(frozen=True, slots=True, eq=False)
class PayHint:
    """A salary or month word: only near one can a text state pay (see `amounts`)."""

    word: str


Target = Phrase | PlaceAlias | PayHint


class Evidence(NamedTuple):
    """The cues, places and pay words of one text."""

    kept: dict[Phrase, None]  # the phrases found, in the order they were found
    countries: set[str]
    provinces: set[str]
    pay_words: set[str]


class _Check:
    """A target of a key that a longer match may cancel, and the matches that would."""

    __slots__ = ("cancelled_by", "country", "phrase", "province")

    def __init__(self, target: Phrase | PlaceAlias, cancelled_by: list[tuple[int, _Key]]) -> None:
        # (how many bytes further the cancelling match ends, its key)
        self.cancelled_by = tuple(cancelled_by)
        self.phrase = target if isinstance(target, Phrase) else None
        self.country = self.province = ""
        if isinstance(target, Phrase):
            self.country = target.country
        elif target.kind == "country":
            self.country = target.code
        else:
            self.province = target.code


class _Key:
    """One automaton key: what its first match brings, and what its matches must be checked for."""

    __slots__ = (
        "checks",
        "countries",
        "cues",
        "groups",
        "katakana",
        "length",
        "pay_words",
        "places_or_pay",
        "provinces",
        "simple",
        "targets",
    )

    def __init__(self, length: int, katakana: bool, targets: list[Target]) -> None:
        self.length = length
        self.katakana = katakana
        # The original sweep met the targets of one key in reverse order of insertion; of
        # several targets of one group only the first counted, the others being "the same span
        # again". The same choice is made here, once.
        self.targets: list[Phrase | PlaceAlias] = []
        self.groups: set[str] = set()
        pay_words: set[str] = set()
        for target in reversed(targets):
            if isinstance(target, PayHint):
                pay_words.add(target.word)
                continue
            group = _group(target)
            if group not in self.groups:
                self.groups.add(group)
                self.targets.append(target)
        self.pay_words = frozenset(pay_words)
        self.cues: dict[Phrase, None] = {}
        self.countries: frozenset[str] = frozenset()
        self.provinces: frozenset[str] = frozenset()
        self.places_or_pay = False
        self.checks: tuple[_Check, ...] = ()
        self.simple: dict[Phrase, None] | None = None

    def settle(self, containers: list[tuple[int, _Key]]) -> None:
        """Split the targets into those no container can cancel and those to check."""
        countries: set[str] = set()
        provinces: set[str] = set()
        checks: list[_Check] = []
        for target in self.targets:
            cancelled_by = [
                (delta, outer) for delta, outer in containers if _cancels(outer, target)
            ]
            if cancelled_by:
                checks.append(_Check(target, cancelled_by))
            elif isinstance(target, Phrase):
                self.cues[target] = None
                if target.country:
                    countries.add(target.country)
            else:
                (countries if target.kind == "country" else provinces).add(target.code)
        self.countries, self.provinces = frozenset(countries), frozenset(provinces)
        self.places_or_pay = bool(countries or provinces or self.pay_words)
        self.checks = tuple(checks)
        # Most keys only bring cues, whichever of their matches is read: counting them again
        # at every match is as cheap as remembering that they were counted.
        self.simple = self.cues if not (self.places_or_pay or self.checks) else None


def _group(target: Phrase | PlaceAlias) -> str:
    return target.cue.group if isinstance(target, Phrase) else _PLACES


def _cancels(outer: _Key, target: Phrase | PlaceAlias) -> bool:
    """Whether a match of `outer` around a match of `target` cancels the target."""
    if isinstance(target, PlaceAlias):
        return _PLACES in outer.groups
    group = target.cue.group
    return (
        group in outer.groups
        or _PLACES in outer.groups
        or (group != NEGATIVE_GROUP and NEGATIVE_GROUP in outer.groups)
    )


class EvidenceFinder:
    """The lexicon phrases, place names and pay words in one automaton, read once per text."""

    def __init__(self, targets: Iterable[tuple[str, Target, bool]]) -> None:
        """`targets`: (normalised phrase, target, matches any word starting with it)."""
        found: dict[str, tuple[list[Target], bool]] = {}
        for text, target, prefix in targets:
            spelling, katakana = automaton_key(text, prefix)
            if spelling:
                found.setdefault(spelling, ([], katakana))[0].append(target)
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        keys: dict[str, _Key] = {}
        # Children are searched in the order they were added: keys starting with a space
        # (whole-word keys, the most common first byte in a prepared text) go first.
        for text in sorted(found, key=lambda spelling: spelling[0] != " "):
            targets_of_key, katakana = found[text]
            keys[text] = _Key(len(text), katakana, targets_of_key)
            self._automaton.add_word(text, keys[text])
        self._empty = not keys
        self._katakana = any(key.katakana for key in keys.values())
        if self._empty:
            return
        self._automaton.make_automaton()
        # Which keys each key is part of, found by reading every key with the automaton.
        containers: dict[_Key, list[tuple[int, _Key]]] = {key: [] for key in keys.values()}
        for text, outer in keys.items():
            for last, inner in self._automaton.iter(text):
                if inner is not outer:
                    containers[inner].append((len(text) - 1 - last, outer))
        for key, around in containers.items():
            key.settle(around)

    def find(self, prepared: str) -> Evidence:
        """What a text made by `matcher.prepare` says."""
        kept: dict[Phrase, None] = {}
        countries: set[str] = set()
        provinces: set[str] = set()
        pay_words: set[str] = set()
        # `tuple.__new__` skips the Python-level `__new__` of a named tuple.
        evidence = tuple.__new__(Evidence, (kept, countries, provinces, pay_words))
        if self._empty:
            return evidence
        hits: list[tuple[int, _Key]] = list(self._automaton.iter(prepared))
        if self._katakana and _KATAKANA_LEAD in prepared:
            hits = [
                (last, key)
                for last, key in hits
                if not key.katakana
                or not inside_katakana_word(prepared, last - key.length + 1, last + 1)
            ]
        settled: set[_Key] = set()  # keys with nothing left to learn from their other matches
        unsettled: dict[_Key, list[_Check]] = {}
        present: set[tuple[int, _Key]] | None = None
        for last, key in hits:
            if key.simple is not None:
                kept.update(key.simple)  # no-op but for the first match
                continue
            if key in settled:
                continue
            checks = unsettled.get(key)
            if checks is None:  # the key's first match
                if key.cues:
                    kept.update(key.cues)
                if key.places_or_pay:
                    countries.update(key.countries)
                    provinces.update(key.provinces)
                    pay_words.update(key.pay_words)
                if not key.checks:
                    settled.add(key)
                    continue
                checks = unsettled[key] = list(key.checks)
            if present is None:
                present = set(hits)
            for check in tuple(checks):
                for delta, outer in check.cancelled_by:
                    if (last + delta, outer) in present:
                        break  # this match is cancelled; a later one may not be
                else:
                    checks.remove(check)
                    if check.phrase is not None:
                        kept.setdefault(check.phrase)
                    if check.country:
                        countries.add(check.country)
                    if check.province:
                        provinces.add(check.province)
            if not checks:
                settled.add(key)
        return evidence
