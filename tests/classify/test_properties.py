"""Whatever text arrives, the classifier answers, the same way every time, and more lure
never means less alarm."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.classify import Classifier
from bot.classify.lexicons import load_lexicons

from .conftest import LEXICONS

_CLASSIFIER = Classifier.from_directory(LEXICONS)
_LURES = sorted({e.text for e in load_lexicons(LEXICONS)[0] if e.group == "lure"})
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_MIXED = st.text(
    alphabet=st.characters(
        codec=None,
        categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs"),
    ),
    max_size=400,
)
_REAL_WORDS = st.lists(
    st.sampled_from(
        [
            "Cambodia", "Campuchia", "lừa đảo", "rescued", "phishing", "ค้ามนุษย์", "电诈园区",
            "캄보디아", "監禁", "ransom", "tourists", "\u202e", "مرحبا", "שלום", "\x00", "\u200b",
            "\ud800", "1.000 USD/tháng", "月薪2万", "job", "offer", "scam", "compound", ",",
        ]
    ),
    max_size=40,
).map(" ".join)  # fmt: skip


@_SETTINGS
@given(title=_MIXED, text=st.one_of(_MIXED, _REAL_WORDS))
def test_any_text_gets_a_verdict_in_range_the_same_every_time(title: str, text: str) -> None:
    first = _CLASSIFIER.classify(title, text)
    assert 0.0 <= first.score <= 1.0
    assert first == _CLASSIFIER.classify(title, text)


@_SETTINGS
@given(text=st.one_of(_MIXED, _REAL_WORDS), lure=st.sampled_from(_LURES))
def test_adding_a_lure_never_lowers_the_score(text: str, lure: str) -> None:
    before = _CLASSIFIER.classify("", text).score
    after = _CLASSIFIER.classify("", f"{text}\n{lure}").score
    assert after >= before


def test_a_megabyte_of_text_is_classified() -> None:
    text = ("Việc nhẹ lương cao ở Campuchia, tuyển gấp! " * 25_000)[:1_000_000]
    verdict = _CLASSIFIER.classify("", text)
    assert verdict.alert


def test_control_characters_and_right_to_left_marks_are_harmless() -> None:
    text = "\u202eCambodia\u202c \x07scam compound\x00 \u200fforced to work\u200e"
    assert _CLASSIFIER.classify("\r\n\t", text).alert
