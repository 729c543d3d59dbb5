"""The classifier: lexicons and place names compiled once, then one pass per news item."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from operator import attrgetter
from pathlib import Path

from bot.classify.amounts import PAY_HINTS, first_pay_amount
from bot.classify.evidence import EvidenceFinder, PayHint, Phrase, Target
from bot.classify.langdetect import UNDETERMINED, detect_language
from bot.classify.lexicons import LexiconEntry, load_lexicons
from bot.classify.matcher import prepare_item
from bot.classify.normalise import collapse_whitespace, fold_item, normalise, spelling_variants
from bot.classify.places import place_aliases
from bot.classify.scorer import PAY_WEIGHT, judge
from bot.errors import OperatorFileError
from bot.models import Cue, Decision, Verdict

# Chosen from `alertbot eval ../shared/eval/dev_news.jsonl` (see lexicons/README.md): the alert
# line sits midway between the best-scoring must-not-alert item (0.43) and the worst-scoring
# must-alert item (0.53), above the 0.45 ceiling of crackdown-only news; the review line keeps
# borderline items (domestic task scams, raids, bride trafficking) in front of an operator.
DEFAULT_ALERT_THRESHOLD = 0.48
DEFAULT_REVIEW_THRESHOLD = 0.3
PAY_GROUP = "lure"
_ALERT, _REVIEW, _DROP = Decision.ALERT, Decision.REVIEW, Decision.DROP  # looked up once


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
        self._finder = EvidenceFinder(targets_of(self.entries))

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
        folded = fold_item(title, text)
        kept, countries, provinces, pay_words = self._finder.find(prepare_item(folded))
        weights: dict[str, float] = {}  # per group, added up in the order the cues were found
        for phrase in kept:
            weights[phrase.group] = weights.get(phrase.group, 0.0) + phrase.weight
        ordered = [phrase.cue for phrase in sorted(kept, key=_SHOWN_FIRST)]
        if pay_words:
            amount = first_pay_amount(collapse_whitespace(folded), pay_words)
            if amount is not None:
                pay = Cue(amount, PAY_GROUP, PAY_WEIGHT)
                weights[PAY_GROUP] = weights.get(PAY_GROUP, 0.0) + PAY_WEIGHT
                ordered.insert(bisect_right(ordered, _order(pay), key=_order), pay)
        score, category, *_ = judge(weights, self.review_threshold)
        if score >= self.alert_threshold:
            decision = _ALERT
        elif score >= self.review_threshold and score > 0.0:
            decision = _REVIEW
        else:
            decision = _DROP
        if not lang or lang == UNDETERMINED:
            lang = detect_language(f"{title}\n{text}")
        # Positional: alert, score, category, lang, cues, countries, provinces, decision.
        return Verdict(
            decision is _ALERT,
            score,
            category,
            lang,
            tuple(ordered),
            tuple(sorted(countries)) if countries else (),
            tuple(sorted(provinces)) if provinces else (),
            decision,
        )


def _order(cue: Cue) -> tuple[float, str, str]:
    """How a verdict lists its cues: strongest first, then by group and phrase."""
    return (-cue.weight, cue.group, cue.phrase)


_SHOWN_FIRST = attrgetter("rank")  # where `_order` puts a phrase's cue among all phrases


def targets_of(entries: Sequence[LexiconEntry]) -> list[tuple[str, Target, bool]]:
    """What the classifier looks for: every spelling of every phrase, every place name and
    every pay word, as (normalised text, target, matches any word starting with it)."""
    hints = [(normalise(word), PayHint(normalise(word)), True) for word in PAY_HINTS]
    return [*_phrases(entries), *hints]


def _phrases(entries: Sequence[LexiconEntry]) -> Iterable[tuple[str, Target, bool]]:
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
    cues = {id(entry): Cue(entry.phrase, entry.group, entry.weight) for entry in best.values()}
    ranks = {order: rank for rank, order in enumerate(sorted({_order(c) for c in cues.values()}))}
    payloads: dict[int, Phrase] = {}
    for (text, prefix, _), entry in best.items():
        payload = payloads.get(id(entry))
        if payload is None:
            cue = cues[id(entry)]
            payload = payloads[id(entry)] = Phrase(
                cue, entry.country, ranks[_order(cue)], entry.group, entry.weight
            )
        yield text, payload, prefix
    for alias in place_aliases():
        yield alias.text, alias, False
