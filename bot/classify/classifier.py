"""The classifier: lexicons and place names compiled once, then one pass per news item."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from bot.classify.amounts import PAY_HINTS, pay_amounts
from bot.classify.langdetect import UNDETERMINED, detect_language
from bot.classify.lexicons import LexiconEntry, load_lexicons
from bot.classify.matcher import Found, PhraseMatcher, prepare
from bot.classify.normalise import fold, normalise, spelling_variants
from bot.classify.places import PlaceAlias, place_aliases
from bot.classify.scorer import PAY_WEIGHT, Assessment, assess, group_weights
from bot.errors import OperatorFileError
from bot.models import Cue, Decision, Verdict

# Chosen from `alertbot eval ../shared/eval/dev_news.jsonl` (see lexicons/README.md): the alert
# line sits midway between the best-scoring must-not-alert item (0.43) and the worst-scoring
# must-alert item (0.53), above the 0.45 ceiling of crackdown-only news; the review line keeps
# borderline items (domestic task scams, raids, bride trafficking) in front of an operator.
DEFAULT_ALERT_THRESHOLD = 0.48
DEFAULT_REVIEW_THRESHOLD = 0.3
PAY_GROUP = "lure"
NEGATIVE_GROUP = "negative"


@dataclass(frozen=True, slots=True, eq=False)
class _Phrase:
    """What a lexicon phrase contributes when found; compared by identity, which is cheap."""

    cue: Cue
    country: str


@dataclass(frozen=True, slots=True, eq=False)
class _PayHint:
    """A salary or month word: only near one can a text state pay (see `amounts`)."""

    word: str


_Target = _Phrase | PlaceAlias | _PayHint
_Span = tuple[int, int]


class Classifier:
    """Decides whether a news item should warn subscribers, and shows why."""

    def __init__(
        self,
        entries: Iterable[LexiconEntry],
        *,
        alert_threshold: float = DEFAULT_ALERT_THRESHOLD,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    ) -> None:
        if not 0.0 <= review_threshold <= alert_threshold <= 1.0:
            raise ValueError("thresholds must satisfy 0 <= review <= alert <= 1")
        self.alert_threshold = alert_threshold
        self.review_threshold = review_threshold
        self.entries = tuple(entries)
        hints = ((normalise(word), _PayHint(normalise(word)), True) for word in PAY_HINTS)
        self._matcher: PhraseMatcher[_Target] = PhraseMatcher([*_phrases(self.entries), *hints])

    @classmethod
    def from_directory(
        cls,
        lexicons_path: Path,
        *,
        alert_threshold: float = DEFAULT_ALERT_THRESHOLD,
        review_threshold: float = DEFAULT_REVIEW_THRESHOLD,
    ) -> Classifier:
        """Load every lexicon of the folder; any error stops here with file and line."""
        entries, problems = load_lexicons(lexicons_path)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise OperatorFileError(errors)
        return cls(entries, alert_threshold=alert_threshold, review_threshold=review_threshold)

    def classify(self, title: str, text: str, lang: str | None = None) -> Verdict:
        """Judge one item. `lang` is the feed's language; detected when None or "und"."""
        folded = fold(f"{title}\n{text}")
        evidence = _Evidence(self._matcher.find(prepare(folded)))
        cues = evidence.cues
        if evidence.pay_words:
            cues += _pay_cues(" ".join(folded.split()), evidence.pay_words)
        assessment = assess(group_weights(cues), self.review_threshold)
        return Verdict(
            alert=assessment.score >= self.alert_threshold,
            score=assessment.score,
            category=assessment.category,
            lang=lang if lang and lang != UNDETERMINED else detect_language(f"{title}\n{text}"),
            cues=tuple(sorted(cues, key=lambda cue: (-cue.weight, cue.group, cue.phrase))),
            countries=tuple(sorted(evidence.countries)),
            provinces=tuple(sorted(evidence.provinces)),
            decision=self._decision(assessment),
        )

    def _decision(self, assessment: Assessment) -> Decision:
        if assessment.score >= self.alert_threshold:
            return Decision.ALERT
        if assessment.score >= self.review_threshold and assessment.score > 0.0:
            return Decision.REVIEW
        return Decision.DROP


def _phrases(entries: Sequence[LexiconEntry]) -> Iterable[tuple[str, _Target, bool]]:
    """Every spelling of every phrase. Where languages share a spelling ("Myanmar" is in
    several lexicons; "Phnôm Pênh" without diacritics is "Phnom Penh"), only the strongest
    entry of each group is kept, so a shared word counts once."""
    best: dict[tuple[str, bool, str], LexiconEntry] = {}
    for entry in entries:
        for text in spelling_variants(entry.text):
            key = (text, entry.prefix, entry.group)
            kept = best.get(key)
            if kept is None or entry.weight > kept.weight:
                best[key] = entry
    payloads: dict[int, _Phrase] = {}
    for (text, prefix, _), entry in best.items():
        payload = payloads.setdefault(
            id(entry), _Phrase(Cue(entry.phrase, entry.group, entry.weight), entry.country)
        )
        yield text, payload, prefix
    for alias in place_aliases():
        yield alias.text, alias, False


class _Evidence:
    """What the matches of one text say, once matches that a longer one explains are dropped:
    a phrase inside a longer phrase of its own group ("lương cao" in "việc nhẹ lương cao" is
    not a second piece of evidence), anything inside a place name ("Lào", Laos, in "Lào Cai",
    a Vietnamese province) and positive phrases inside a negative one ("trafficking" in "drug
    trafficking"). One sweep over the matches sorted by start, longest first, so a match's
    containers are always seen before it."""

    def __init__(self, hits: list[Found[_Target]]) -> None:
        self.cues: list[Cue] = []
        self.countries: set[str] = set()
        self.provinces: set[str] = set()
        self.pay_words: set[str] = set()
        reach: dict[str, int] = {}  # per group, and for places: the furthest end seen so far
        place: _Span = (-1, -1)  # the place name reaching furthest
        sink: _Span = (-1, -1)  # the negative phrase reaching furthest
        kept: set[_Phrase] = set()
        # The matcher reports matches by end, shorter first at one start; a stable sort by
        # start, descending, read backwards gives: by start, longest first.
        hits.sort(key=itemgetter(0), reverse=True)
        for start, end, payload in reversed(hits):
            if isinstance(payload, _PayHint):
                self.pay_words.add(payload.word)
                continue
            group = payload.cue.group if isinstance(payload, _Phrase) else _PLACES
            if reach.get(group, -1) >= end:
                continue  # inside a longer match of its group, or the same span again
            reach[group] = end
            if isinstance(payload, PlaceAlias):
                place = (start, end)
                codes = self.countries if payload.kind == "country" else self.provinces
                codes.add(payload.code)
                continue
            if group == NEGATIVE_GROUP:
                sink = (start, end)
            elif _inside(sink, start, end):
                continue
            if not _inside(place, start, end) and payload not in kept:
                kept.add(payload)
                self.cues.append(payload.cue)
                if payload.country:
                    self.countries.add(payload.country)


def _inside(outer: _Span, start: int, end: int) -> bool:
    """Whether a match that started no later than `start` strictly contains this one."""
    return outer[1] >= end and outer != (start, end)


_PLACES = "\0places"


def _pay_cues(normalised: str, hints: Iterable[str]) -> list[Cue]:
    amounts = pay_amounts(normalised, hints)
    return [Cue(amounts[0], PAY_GROUP, PAY_WEIGHT)] if amounts else []
