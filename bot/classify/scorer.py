"""From matched cues to a score in 0..1 and a category: the classifier's whole judgement.

What makes news worth a warning is a *combination*: a deceptive offer (lure) or people held
and forced to scam (victim, and their rescue) together with the scam industry (operation) or
the places it runs from (destination). Any one of these alone is everyday news: job adverts,
phishing warnings, tourism, crime statistics. So each group's cues first add up to a strength
in 0..1 (1 - e^-weight, so one weight-1 phrase gives 0.63 and more phrases saturate towards
1), and the score is the best of three pairings, each a geometric mean so both halves must be
present:

    lure    × the strongest of operation, destination, victim   → recruitment_lure
    victim  × operation, or victim × destination                  → trafficking_victims
    operation × destination or crackdown (scaled down)            → crackdown

Rescue and return words ("rescued", "repatriated") count in full towards victim next to the
scam industry, but only at `RESCUE_SHARE` next to a mere place name: earthquakes, amnesties
and border incidents in Myanmar have rescues too.

Negative cues (phishing, tourism, legal labour export…) raise the score to a power 1 + n:
weak evidence fades quickly, strong evidence survives. Every step is non-decreasing in every
positive group and the negatives only act through the exponent, so adding a positive cue can
never lower the score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.models import Category, Cue

CHANNEL_SHARE = 0.5  # a recruitment channel is half as telling as a lure phrase
RESCUE_SHARE = 0.35  # "rescued", "repatriated" are news about earthquakes and prisoners too
CONTEXT_SHARE = 0.45  # industry news without lure or victim stays below the alert line
PAY_WEIGHT = 0.5  # a stated monthly salary: bait, but also ordinary job news
MAX_NEGATIVE = 3.0


@dataclass(frozen=True, slots=True)
class Assessment:
    """The score, the category, and the three pairings it was taken from."""

    score: float
    category: Category
    lure: float
    victim: float
    context: float


def strength(weight: float) -> float:
    """0 for no evidence, approaching 1 as weight accumulates."""
    return 1.0 - math.exp(-max(weight, 0.0))


def group_weights(cues: Iterable[Cue]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for cue in cues:
        totals[cue.group] = totals.get(cue.group, 0.0) + cue.weight
    return totals


def assess(weights: Mapping[str, float], review_threshold: float) -> Assessment:
    """Score the summed weights of each cue group; below `review_threshold` nothing is
    relevant, whatever pairing won."""
    lure = strength(weights.get("lure", 0.0) + CHANNEL_SHARE * weights.get("channel", 0.0))
    harm, rescue = weights.get("victim", 0.0), weights.get("rescue", 0.0)
    victim = strength(harm + rescue)  # rescued from a scam compound: rescue counts in full
    victim_abroad = strength(harm + RESCUE_SHARE * rescue)  # rescued in Myanmar: it may not
    operation = strength(weights.get("operation", 0.0))
    destination = strength(weights.get("destination", 0.0))
    crackdown = strength(weights.get("crackdown", 0.0))
    lure_pair = math.sqrt(lure * max(operation, destination, victim))
    victim_pair = max(math.sqrt(victim * operation), math.sqrt(victim_abroad * destination))
    context_pair = CONTEXT_SHARE * math.sqrt(operation * max(destination, crackdown))
    best = max(lure_pair, victim_pair, context_pair)
    negative = min(weights.get("negative", 0.0), MAX_NEGATIVE)
    score = round(best ** (1.0 + negative), 4)
    category = _category(
        score, review_threshold, lure, victim, lure_pair, victim_pair, context_pair
    )
    return Assessment(score, category, lure_pair, victim_pair, context_pair)


def _category(
    score: float,
    review_threshold: float,
    lure: float,
    victim: float,
    lure_pair: float,
    victim_pair: float,
    context_pair: float,
) -> Category:
    if score < review_threshold or score == 0.0:
        return Category.NOT_RELEVANT
    if context_pair > max(lure_pair, victim_pair):
        return Category.CRACKDOWN
    if victim_pair > 0.0 and victim >= lure:
        return Category.TRAFFICKING_VICTIMS
    return Category.RECRUITMENT_LURE
