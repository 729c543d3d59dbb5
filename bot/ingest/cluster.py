"""Story clustering: one story told by several outlets becomes one cluster, so one alert.

A headline's *signature* is its set of word shingles (`bot.ingest.shingles`: character bigrams
inside words of scripts written without spaces, and Korean) plus its numbers, each hashed to
an int, and the MinHash band keys that find its candidates. Two headlines of the same
language tell the same story when

- they do not both give numbers with none in common ("17 rescued" vs "30 rescued" are two
  rescues however alike the wording: the same template headline recurs every week), and
- their shingle sets have a Jaccard similarity of at least `SAME_STORY_WITH_NUMBER` when
  they share a number (a count of victims or arrests pins an event down), else at least
  `SAME_STORY_JACCARD`.

Only headlines are compared. Summaries are missing in many feeds, are teasers of different
lengths, or (news aggregators) repeat the headline and the outlet's name; they blur the
measure more than they sharpen it.

Candidates are found without comparing against every recent headline: headlines sharing a
number through an index of numbers; the others through MinHash with banding (LSH), 96 hash
functions in 32 bands of 3, so that a pair at J = 0.45 shares a band with probability
1 - (1 - 0.45³)³² ≈ 95 %, at J = 0.5 ≈ 98.6 %, at 0.6 ≈ 99.9 %, and an unrelated pair at
J = 0.1 with about 3 %. A band whose rows all come from one shingle is left out (0.4 of 32
per headline; see `_band_keys_of`). Every candidate is then checked exactly, so the index
costs some recall right at the threshold, never precision.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import numpy as np

from bot.ingest.shingles import NUMBER_TAG, sorted_shingles

# Why these thresholds. Headline pairs written for the tests (tests/ingest/test_cluster.py) in
# the manner of real cross-outlet coverage of one event (en, vi, id, th, zh, ko, fr) score
# 0.33-0.81 when they share a count, 0.50-0.60 when they give none; near-misses written for
# the tests (two events in one place) score 0.06-0.20. The harder evidence: ~2,000 pairs of
# real headlines about scam compounds in 13 languages (../shared/eval/dev_news.jsonl, read in
# place by a test), all naming the same places and the same crime, mostly different events.
# One threshold of 0.25 merges 17 of those pairs, and 0.35 still 3; 0.45 without a shared
# number (0.25 with one) merges a single pair, which is in fact one story told twice. Merging
# is the costlier mistake: the second event's warning would never be sent.
SAME_STORY_JACCARD = 0.45
SAME_STORY_WITH_NUMBER = 0.25

ROWS_PER_BAND = 3
BANDS = 32
_MIN_SHINGLES = 3  # below this a headline says too little to be matched with anything
_RECENT_PER_NUMBER = 256  # "2" or "10" recur often: only their latest headlines are compared
_KEYS_CHUNK = 256


@dataclass(frozen=True, slots=True)
class Signature:
    """What clustering knows of one headline: its shingles (persisted) and LSH band keys.

    `bands` holds one uint32 key per band, packed, but for bands drawn from a single shingle
    (see `_band_keys_of`); empty for a headline too short to match.
    Shingles are a sorted tuple, not a set: a tenth of a set's memory, and the index keeps
    them for every headline of the window.
    """

    shingles: tuple[int, ...]
    numbers: tuple[int, ...]  # the tagged numbers among the shingles, kept apart for the rule
    bands: bytes


def signature_of(title: str) -> Signature:
    return signatures_of([title])[0]


def signatures_of(titles: Sequence[str]) -> list[Signature]:
    return signatures_from_shingles([sorted_shingles(title) for title in titles])


def signatures_from_shingles(sets: Sequence[tuple[int, ...]]) -> list[Signature]:
    """Signatures of many headlines (`sorted_shingles` each) at once: one numpy pass for many
    costs little more than one for a single headline."""
    matchable = [sum(s < NUMBER_TAG for s in shingles) >= _MIN_SHINGLES for shingles in sets]
    keys = iter(_band_keys([s for s, ok in zip(sets, matchable, strict=True) if ok]))
    return [
        Signature(shingles, _numbers(shingles), next(keys) if ok else b"")
        for shingles, ok in zip(sets, matchable, strict=True)
    ]


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def same_story(a: frozenset[int], b: frozenset[int]) -> bool:
    return _score(a, frozenset(_numbers(a)), tuple(b), _numbers(b)) is not None


def _score(
    a: frozenset[int], numbers_a: frozenset[int], b: tuple[int, ...], numbers_b: tuple[int, ...]
) -> float | None:
    """The pair's Jaccard similarity if they tell the same story, else None (see the rules)."""
    shared = not numbers_a.isdisjoint(numbers_b)
    if numbers_a and numbers_b and not shared:
        return None
    common = len(a.intersection(b))
    union = len(a) + len(b) - common
    similarity = common / union if union else 0.0
    needed = SAME_STORY_WITH_NUMBER if shared else SAME_STORY_JACCARD
    return similarity if union and similarity >= needed else None


# A remembered headline: (story_id, language, shingles, numbers, seen_at, bands). A plain
# tuple of atoms, not an object: the garbage collector stops tracking such tuples, and tens of
# thousands of tracked members would make every full collection pause the event loop.
_Member = tuple[str, str, tuple[int, ...], tuple[int, ...], datetime, bytes]


# A bucket holds one item id as a plain str (most do) and a list only once two collide: a
# list per band per headline would be a million small objects for the collector to walk.
_Bucket = str | list[str]


@dataclass(slots=True)
class _Language:
    """The index of one language: LSH buckets and recent headlines by number."""

    buckets: dict[int, _Bucket]
    by_number: dict[int, deque[str]]


class StoryIndex:
    """Recent headlines by language, to tell which story a new one belongs to.

    Holds only the clustering window (older members are evicted), so memory follows the
    news volume of a few days, not the bot's age.
    """

    def __init__(self) -> None:
        self._members: dict[str, _Member] = {}
        self._languages: dict[str, _Language] = {}
        self._order: deque[str] = deque()

    def __len__(self) -> int:
        return len(self._members)

    def assign(
        self, item_id: str, lang: str, signature: Signature, seen_at: datetime
    ) -> tuple[str, bool]:
        """The story id for a new headline, and whether it opens that story; then remember it."""
        language = _language(lang)
        keys = _keys(signature.bands)
        index = self._languages.get(language)
        if not keys or index is None:  # nothing to match, or nothing to match against
            self._add(item_id, item_id, language, keys, signature, seen_at)
            return item_id, True
        shared = index.buckets.keys() & keys
        story_id = self._best_story(index, shared, signature)
        self._add(item_id, story_id or item_id, language, keys, signature, seen_at, shared)
        return story_id or item_id, story_id is None

    def remember(
        self, item_id: str, story_id: str, lang: str, signature: Signature, seen_at: datetime
    ) -> None:
        """Add a member assigned in an earlier run (rebuilding the window after a restart)."""
        self._add(item_id, story_id, _language(lang), _keys(signature.bands), signature, seen_at)

    def evict_before(self, cutoff: datetime) -> None:
        while self._order and self._members[self._order[0]][4] < cutoff:
            item_id = self._order.popleft()
            _, language, _, numbers, _, bands = self._members.pop(item_id)
            index = self._languages[language]
            for key in set(_keys(bands)):  # a key twice in one headline is stored once
                bucket = index.buckets[key]
                if isinstance(bucket, str):
                    del index.buckets[key]
                else:
                    bucket.remove(item_id)
                    if len(bucket) == 1:
                        index.buckets[key] = bucket[0]
            for number in numbers:
                recent = index.by_number.get(number)
                if recent is not None and item_id in recent:
                    recent.remove(item_id)
                    if not recent:
                        del index.by_number[number]

    def _best_story(self, index: _Language, shared: set[int], signature: Signature) -> str | None:
        """`shared`: the headline's band keys that are already in the index's buckets."""
        candidates: set[str] = set()
        buckets = index.buckets
        for key in shared:
            bucket = buckets[key]
            if isinstance(bucket, str):
                candidates.add(bucket)
            else:
                candidates.update(bucket)
        for number in signature.numbers:
            candidates.update(index.by_number.get(number, ()))
        if not candidates:
            return None
        best, best_score = None, 0.0
        shingles, numbers = frozenset(signature.shingles), frozenset(signature.numbers)
        for item_id in candidates:
            story_id, _, their_shingles, their_numbers, _, _ = self._members[item_id]
            score = _score(shingles, numbers, their_shingles, their_numbers)
            if score is not None and score > best_score:
                best, best_score = story_id, score
        return best

    def _add(
        self,
        item_id: str,
        story_id: str,
        language: str,
        keys: list[int],
        signature: Signature,
        seen_at: datetime,
        shared: set[int] | None = None,
    ) -> None:
        """Remember a headline. `shared`: its keys already in the buckets, if known. Most keys
        are new, and those go in with one `dict.update`; only the shared few are looked at."""
        if item_id in self._members or not keys:
            return  # a headline too short to match anything is not worth remembering
        self._members[item_id] = (
            story_id,
            language,
            signature.shingles,
            signature.numbers,
            seen_at,
            signature.bands,
        )
        self._order.append(item_id)
        index = self._languages.get(language)
        if index is None:
            index = self._languages[language] = _Language({}, {})
        buckets = index.buckets
        if shared is None:
            shared = buckets.keys() & keys
        fresh = dict.fromkeys(keys, item_id)
        for key in shared:
            del fresh[key]
            bucket = buckets[key]
            if isinstance(bucket, str):
                buckets[key] = [bucket, item_id]
            else:
                bucket.append(item_id)
        buckets.update(fresh)
        for number in signature.numbers:
            recent = index.by_number.get(number)
            if recent is None:
                recent = index.by_number[number] = deque(maxlen=_RECENT_PER_NUMBER)
            recent.append(item_id)


def _numbers(shingles: Iterable[int]) -> tuple[int, ...]:
    return tuple(s for s in shingles if s >= NUMBER_TAG)


def _language(lang: str) -> str:
    """Regional variants of a language are compared with each other (zh-Hant with zh)."""
    return lang.split("-")[0].lower()


def _keys(bands: bytes) -> list[int]:
    return memoryview(bands).cast("I").tolist() if bands else []


def _band_keys(sets: Sequence[tuple[int, ...]]) -> list[bytes]:
    """Band keys of every set, `_KEYS_CHUNK` sets per numpy pass: numpy's temporaries take
    ~1 KB per shingle, so a pass over thousands of headlines would take tens of MB."""
    return [
        keys
        for start in range(0, len(sets), _KEYS_CHUNK)
        for keys in _band_keys_of(sets[start : start + _KEYS_CHUNK])
    ]


def _band_keys_of(sets: Sequence[tuple[int, ...]]) -> list[bytes]:
    """MinHash each set (multiply-shift hashes), then fold each band's rows into one key.

    All sets go through numpy together: values of every set side by side, one hash pass, then
    a minimum per set (`minimum.reduceat` over each set's slice). Each hash carries, in its low
    half, which shingle of its set it came from, so a band whose rows all come from one
    shingle can be left out: its key only says "has this word", and headlines of a dozen
    words share a common word far more often than a story (on the benchmark's 30,000
    headlines: 0.4 of 32 bands each, yet 93 % of the candidates checked in vain).
    """
    if not sets:
        return []
    multipliers, offsets, salts = _hash_parameters()
    values = np.fromiter((s for shingles in sets for s in shingles), dtype=np.uint64)
    lengths = np.fromiter((len(shingles) for shingles in sets), dtype=np.int64, count=len(sets))
    starts = np.cumsum(lengths) - lengths
    position = np.arange(len(values), dtype=np.uint64) - np.repeat(starts, lengths).astype(
        np.uint64
    )
    hashed = values[:, None] * multipliers
    hashed += offsets
    hashed &= np.uint64(0xFFFFFFFF00000000)  # the hash in the high half ...
    hashed |= position[:, None]  # ... and which shingle of the set in the low half
    packed = np.minimum.reduceat(hashed, starts, axis=0).reshape(len(sets), BANDS, ROWS_PER_BAND)
    rows = packed >> np.uint64(32)
    origin = packed & np.uint64(0xFFFFFFFF)
    one_shingle = (origin == origin[:, :, :1]).all(axis=2)
    keys = np.zeros((len(sets), BANDS), dtype=np.uint64)
    for row in range(ROWS_PER_BAND):
        keys = (keys * np.uint64(0x9E3779B97F4A7C15)) ^ rows[:, :, row]  # mix, don't just shift
    keys ^= salts
    # 30-bit keys: Python keeps ints below 2**30 in 28 bytes instead of 36, and a million of
    # them index a month of news; the rare extra collisions are weeded out by the exact check.
    folded = ((keys ^ (keys >> np.uint64(32))) & np.uint64(0x3FFFFFFF)).astype(np.uint32)
    kept = ~one_shingle
    concatenated = folded[kept].tobytes()  # every set's kept keys, set after set
    ends = (np.cumsum(kept.sum(axis=1)) * folded.itemsize).tolist()
    return [concatenated[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]


@cache
def _hash_parameters() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fixed (seeded) parameters: every process and every restart must agree on them."""
    rng = np.random.RandomState(20_251_122)
    count = BANDS * ROWS_PER_BAND
    multipliers = rng.randint(0, 2**63, count, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    offsets = rng.randint(0, 2**63, count, dtype=np.uint64)
    salts = rng.randint(0, 2**63, BANDS, dtype=np.uint64)  # so equal rows in two bands differ
    return multipliers, offsets, salts
