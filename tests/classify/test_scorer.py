"""How cue groups combine into a score and a category."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.scorer import (
    CHANNEL_SHARE,
    CONTEXT_SHARE,
    MAX_NEGATIVE,
    RESCUE_SHARE,
    assess,
    strength,
)
from bot.models import Category

REVIEW = 0.3


def test_no_evidence_scores_zero_and_is_not_relevant() -> None:
    assessment = assess({}, REVIEW)
    assert (assessment.score, assessment.category) == (0.0, Category.NOT_RELEVANT)


def test_a_lure_alone_is_ordinary_job_news() -> None:
    assert assess({"lure": 5.0}, REVIEW).score == 0.0


def test_a_country_alone_is_ordinary_news_about_it() -> None:
    assert assess({"destination": 5.0}, REVIEW).score == 0.0


def test_a_lure_with_a_destination_is_recruitment() -> None:
    assessment = assess({"lure": 2.0, "destination": 1.0}, REVIEW)
    assert assessment.score > 0.7
    assert assessment.category is Category.RECRUITMENT_LURE


def test_victims_of_a_scam_operation_are_trafficking_victims() -> None:
    assessment = assess({"victim": 3.0, "operation": 2.0, "lure": 0.5}, REVIEW)
    assert assessment.category is Category.TRAFFICKING_VICTIMS


def test_industry_news_without_lure_or_victim_is_a_crackdown_below_alert_level() -> None:
    assessment = assess({"operation": 5.0, "destination": 5.0, "crackdown": 5.0}, REVIEW)
    assert assessment.category is Category.CRACKDOWN
    assert REVIEW <= assessment.score < 0.5


def test_negative_cues_dampen_weak_evidence_more_than_strong() -> None:
    weak, strong = {"lure": 0.7, "destination": 0.7}, {"lure": 3.0, "destination": 3.0}
    weak_loss = assess(weak, REVIEW).score - assess({**weak, "negative": 1.0}, REVIEW).score
    strong_loss = assess(strong, REVIEW).score - assess({**strong, "negative": 1.0}, REVIEW).score
    assert weak_loss > strong_loss > 0


def test_more_positive_weight_never_lowers_the_score() -> None:
    base = {"lure": 0.5, "victim": 0.4, "destination": 0.6, "negative": 1.2}
    for group in ("lure", "channel", "destination", "victim", "operation", "crackdown"):
        more = {**base, group: base.get(group, 0.0) + 1.0}
        assert assess(more, REVIEW).score >= assess(base, REVIEW).score, group


def test_strength_saturates_towards_one() -> None:
    assert strength(0.0) == 0.0
    assert 0.6 < strength(1.0) < 0.65
    assert strength(1.0) < strength(2.0) < strength(10.0) <= 1.0


def _assessed_step_by_step(weights: dict[str, float]) -> tuple[float, float, float, float]:
    """The formula of the module docstring, with `strength` called for every group."""
    lure = strength(weights.get("lure", 0.0) + CHANNEL_SHARE * weights.get("channel", 0.0))
    harm, rescue = weights.get("victim", 0.0), weights.get("rescue", 0.0)
    victim, abroad = strength(harm + rescue), strength(harm + RESCUE_SHARE * rescue)
    operation = strength(weights.get("operation", 0.0))
    destination = strength(weights.get("destination", 0.0))
    crackdown = strength(weights.get("crackdown", 0.0))
    lure_pair = math.sqrt(lure * max(operation, destination, victim))
    victim_pair = max(math.sqrt(victim * operation), math.sqrt(abroad * destination))
    context_pair = CONTEXT_SHARE * math.sqrt(operation * max(destination, crackdown))
    negative = min(weights.get("negative", 0.0), MAX_NEGATIVE)
    score = round(max(lure_pair, victim_pair, context_pair) ** (1.0 + negative), 4)
    return score, lure_pair, victim_pair, context_pair


_GROUPS = ("lure", "channel", "victim", "rescue", "operation", "destination", "crackdown")


@settings(max_examples=300, deadline=None)
@given(
    weights=st.dictionaries(
        st.sampled_from([*_GROUPS, "negative"]),
        st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.6, 0.8, 1.2, 1.5, 2.5, 3.0, 4.7, 12.0]),
    )
)
def test_the_written_out_score_is_the_step_by_step_score(weights: dict[str, float]) -> None:
    assessment = assess(weights, REVIEW)
    expected = _assessed_step_by_step(weights)
    assert (assessment.score, assessment.lure, assessment.victim, assessment.context) == expected
