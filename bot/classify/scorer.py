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
from collections.abc import Mapping
from dataclasses import dataclass

from bot.models import Category

CHANNEL_SHARE = 0.5  # a recruitment channel is half as telling as a lure phrase
RESCUE_SHARE = 0.35  # "rescued", "repatriated" are news about earthquakes and prisoners too
CONTEXT_SHARE = 0.45  # industry news without lure or victim stays below the alert line
PAY_WEIGHT = 0.5  # a stated monthly salary: bait, but also ordinary job news
MAX_NEGATIVE = 3.0
# Enum members looked up once: on Python 3.11 each `Category.X` costs a slow class lookup.
_NOT_RELEVANT, _CRACKDOWN = Category.NOT_RELEVANT, Category.CRACKDOWN
_TRAFFICKING_VICTIMS, _RECRUITMENT_LURE = Category.TRAFFICKING_VICTIMS, Category.RECRUITMENT_LURE


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


def assess(weights: Mapping[str, float], review_threshold: float) -> Assessment:
    """Score the summed weights of each cue group; below `review_threshold` nothing is
    relevant, whatever pairing won."""
    return Assessment(*judge(weights, review_threshold))


def judge(
    weights: Mapping[str, float], review_threshold: float
) -> tuple[float, Category, float, float, float]:
    """`assess` as a tuple (score, category, lure, victim, context pairings). The classifier
    calls it for every item, so `strength`, `max` and the choice of category are written out
    here, with the same arithmetic in the same order, rather than called. (A sum that is not
    above 0, which no lexicon makes, counts as no evidence, as in `strength`.)"""
    get = weights.get
    exp, sqrt = math.exp, math.sqrt
    w = get("lure", 0.0) + CHANNEL_SHARE * get("channel", 0.0)
    lure = 1.0 - exp(-w) if w > 0.0 else 0.0
    harm, rescue = get("victim", 0.0), get("rescue", 0.0)
    w = harm + rescue  # rescued from a scam compound: rescue counts in full
    victim = 1.0 - exp(-w) if w > 0.0 else 0.0
    w = harm + RESCUE_SHARE * rescue  # rescued in Myanmar: it may not
    victim_abroad = 1.0 - exp(-w) if w > 0.0 else 0.0
    w = get("operation", 0.0)
    operation = 1.0 - exp(-w) if w > 0.0 else 0.0
    w = get("destination", 0.0)
    destination = 1.0 - exp(-w) if w > 0.0 else 0.0
    w = get("crackdown", 0.0)
    crackdown = 1.0 - exp(-w) if w > 0.0 else 0.0
    strongest = operation if operation > destination else destination
    lure_pair = sqrt(lure * (strongest if strongest > victim else victim))
    held, held_abroad = victim * operation, victim_abroad * destination
    victim_pair = sqrt(held if held > held_abroad else held_abroad)
    context_pair = CONTEXT_SHARE * sqrt(
        operation * (destination if destination > crackdown else crackdown)
    )
    personal = lure_pair if lure_pair > victim_pair else victim_pair
    best = context_pair if context_pair > personal else personal
    negative = get("negative", 0.0)
    if negative == 0.0:
        score = round(best, 4)
    else:
        score = round(best ** (1.0 + min(negative, MAX_NEGATIVE)), 4)
    if score < review_threshold or score == 0.0:
        category = _NOT_RELEVANT
    elif context_pair > personal:
        category = _CRACKDOWN
    elif victim_pair > 0.0 and victim >= lure:
        category = _TRAFFICKING_VICTIMS
    else:
        category = _RECRUITMENT_LURE
    return score, category, lure_pair, victim_pair, context_pair
