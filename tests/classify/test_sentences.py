"""Every language's lexicon, exercised by sentences written for the project (see sentences/)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.classify import Classifier
from bot.classify.lexicons import GROUPS

SENTENCES = Path(__file__).parent / "sentences"
LANGUAGES = ("vi", "en", "id", "ms", "fr", "tl", "th", "km", "lo", "my", "zh", "ko", "ja")


def _cases() -> list[Any]:
    cases = []
    for file in sorted(SENTENCES.glob("*.toml")):
        for number, case in enumerate(tomllib.loads(file.read_text("utf-8"))["case"], 1):
            cases.append(pytest.param(file.stem, case, id=f"{file.stem}-{number}"))
    return cases


@pytest.mark.parametrize(("lang", "case"), _cases())
def test_sentence_gets_the_expected_decision(
    classifier: Classifier, lang: str, case: dict[str, Any]
) -> None:
    verdict = classifier.classify("", case["text"], lang)
    explanation = f"{case['why']}: score {verdict.score}, cues {verdict.cues}"
    assert verdict.alert == (case["expect"] == "alert"), explanation
    if "category" in case:
        assert verdict.category.value == case["category"], explanation
    assert set(case.get("countries", ())) <= set(verdict.countries)
    assert set(case.get("provinces", ())) <= set(verdict.provinces)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_warnings_and_hard_negatives(lang: str) -> None:
    cases = tomllib.loads((SENTENCES / f"{lang}.toml").read_text("utf-8"))["case"]
    expectations = {case["expect"] for case in cases}
    assert expectations == {"alert", "no_alert"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_a_lexicon_with_the_main_groups(
    classifier: Classifier, lang: str
) -> None:
    groups = {entry.group for entry in classifier.entries if entry.lang == lang}
    assert {"lure", "destination", "victim", "negative"} <= groups <= set(GROUPS)
