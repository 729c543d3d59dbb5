"""A match inside a longer match that explains it is not evidence; everything else is, once."""

from __future__ import annotations

from operator import itemgetter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.classify.classifier import targets_of
from bot.classify.evidence import Evidence, EvidenceFinder, PayHint, Phrase, Target
from bot.classify.lexicons import load_lexicons
from bot.classify.matcher import Found, PhraseMatcher, prepare
from bot.classify.normalise import normalise
from bot.classify.places import PlaceAlias, place_aliases
from bot.models import Cue

from .conftest import LEXICONS


def _phrase(text: str, group: str, weight: float = 1.0, country: str = "") -> Phrase:
    return Phrase(Cue(text, group, weight), country, 0, group, weight)


LONG_LURE = _phrase("việc nhẹ lương cao", "lure", 2.5)
SHORT_LURE = _phrase("lương cao", "lure", 0.5)
CAMBODIA = _phrase("Cambodia", "destination", 1.0, "KH")
JOBS_IN_CAMBODIA = _phrase("jobs in Cambodia", "lure", 1.5)
TRAFFICKING = _phrase("trafficking", "victim", 1.5)
DRUG_TRAFFICKING = _phrase("drug trafficking", "negative", 1.0)
LAOS = PlaceAlias("lào", "country", "LA")
LAO_CAI = PlaceAlias("lào cai", "province", "lao-cai")
MONTH = PayHint("month")


def _finder(*targets: Target) -> EvidenceFinder:
    def text_of(target: Target) -> str:
        if isinstance(target, Phrase):
            return target.cue.phrase
        return target.text if isinstance(target, PlaceAlias) else target.word

    return EvidenceFinder((normalise(text_of(target)), target, False) for target in targets)


def _evidence(finder: EvidenceFinder, text: str) -> Evidence:
    return finder.find(prepare(normalise(text)))


def test_a_phrase_inside_a_longer_phrase_of_its_group_is_not_a_second_cue() -> None:
    evidence = _evidence(_finder(LONG_LURE, SHORT_LURE), "Tuyển người việc nhẹ lương cao")
    assert list(evidence.kept) == [LONG_LURE]


def test_the_shorter_phrase_still_counts_where_it_stands_alone() -> None:
    text = "Việc nhẹ lương cao ở Campuchia. Ai cũng muốn lương cao."
    assert list(_evidence(_finder(LONG_LURE, SHORT_LURE), text).kept) == [LONG_LURE, SHORT_LURE]


def test_a_phrase_of_another_group_inside_a_longer_phrase_counts() -> None:
    evidence = _evidence(_finder(CAMBODIA, JOBS_IN_CAMBODIA), "Adverts for jobs in Cambodia")
    assert set(evidence.kept) == {CAMBODIA, JOBS_IN_CAMBODIA}
    assert evidence.countries == {"KH"}


def test_a_positive_phrase_inside_a_negative_phrase_is_not_evidence() -> None:
    finder = _finder(TRAFFICKING, DRUG_TRAFFICKING)
    assert list(_evidence(finder, "Police seized heroin in a drug trafficking case").kept) == [
        DRUG_TRAFFICKING
    ]
    assert list(_evidence(finder, "Victims of trafficking were freed").kept) == [TRAFFICKING]


def test_a_place_inside_a_longer_place_name_only_names_the_longer_place() -> None:
    finder = _finder(LAOS, LAO_CAI)
    evidence = _evidence(finder, "Mưa lớn ở Lào Cai")
    assert (evidence.countries, evidence.provinces) == (set(), {"lao-cai"})
    assert _evidence(finder, "Lao động sang Lào").countries == {"LA"}


def test_a_phrase_inside_a_place_name_is_not_evidence() -> None:
    finder = _finder(_phrase("lào", "destination"), LAO_CAI)
    assert _evidence(finder, "Mưa lớn ở Lào Cai").kept == {}


def test_a_phrase_found_many_times_is_one_cue_and_pay_words_are_collected() -> None:
    text = "Cambodia, Cambodia and again Cambodia: $900 a month"
    evidence = _evidence(_finder(CAMBODIA, MONTH), text)
    assert list(evidence.kept) == [CAMBODIA]
    assert evidence.pay_words == {"month"}


# The finder against a plain reading of the same rules, on texts made of the shipped phrases.

_TARGETS = targets_of(load_lexicons(LEXICONS)[0])
_FINDER = EvidenceFinder(_TARGETS)
_MATCHER: PhraseMatcher[Target] = PhraseMatcher(_TARGETS)
_WORDS = sorted({text for text, _, _ in _TARGETS} | {alias.text for alias in place_aliases()})
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.sampled_from([" ", " ", ", ", ". ", "-", "\n", "s", "ing", "タ", "ー", "\u200b"]),
)
_GROUP_OF_PLACES = "\0places"


def _by_sweep(hits: list[Found[Target]]) -> tuple[dict[str, list[Phrase]], set[str], set[str]]:
    """Matches by start, longest first: a match counts unless a match seen before it reaches
    at least as far in its group, or strictly contains it and is a place name or (for a
    positive phrase) a negative phrase. Returns each group's cues in order, and the places."""
    cues: dict[str, list[Phrase]] = {}
    codes: dict[str, set[str]] = {"country": set(), "province": set()}
    reach: dict[str, int] = {}
    place = sink = (-1, -1)
    hits.sort(key=itemgetter(0), reverse=True)  # stable: at one start, longest first below
    for start, end, target in reversed(hits):
        if isinstance(target, PayHint):
            continue
        group = target.cue.group if isinstance(target, Phrase) else _GROUP_OF_PLACES
        if reach.get(group, -1) >= end:
            continue
        reach[group] = end
        if isinstance(target, PlaceAlias):
            place = (start, end)
            codes[target.kind].add(target.code)
            continue
        if group == "negative":
            sink = (start, end)
        elif sink[1] >= end and sink != (start, end):
            continue
        if place[1] >= end and place != (start, end):
            continue
        if all(target not in kept for kept in cues.values()):
            cues.setdefault(group, []).append(target)
            if target.country:
                codes["country"].add(target.country)
    return cues, codes["country"], codes["province"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(_PIECES, max_size=40).map("".join))
def test_the_finder_reads_a_text_as_a_match_by_match_sweep_does(text: str) -> None:
    prepared = prepare(normalise(text))
    cues, countries, provinces = _by_sweep(_MATCHER.find(prepared))
    evidence = _FINDER.find(prepared)
    found: dict[str, list[Phrase]] = {}
    for phrase in evidence.kept:
        found.setdefault(phrase.cue.group, []).append(phrase)
    assert found == cues
    assert (evidence.countries, evidence.provinces) == (countries, provinces)
