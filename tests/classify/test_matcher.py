"""Phrases are found by the word rules of their script."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.matcher import PhraseMatcher, prepare, prepare_item
from bot.classify.normalise import fold, fold_item, normalise


def _found(phrases: list[tuple[str, bool]], text: str) -> list[str]:
    matcher = PhraseMatcher((normalise(p), p, prefix) for p, prefix in phrases)
    return sorted(payload for _, _, payload in matcher.find(prepare(normalise(text))))


def test_latin_phrases_match_whole_words_only() -> None:
    assert _found([("raid", False)], "Police raided the building") == []
    assert _found([("raid", False)], "After the raid, police left") == ["raid"]


def test_a_trailing_star_matches_any_word_ending() -> None:
    assert _found([("traffick", True)], "Eight were trafficked to Laos") == ["traffick"]
    assert _found([("traffick", True)], "Antitrafficking unit") == []


def test_punctuation_and_hyphens_do_not_separate_a_phrase() -> None:
    phrases = [("light work, high pay", False), ("cyber-scam", False)]
    text = "Ads promised light work high pay. A cyber scam ring was behind it."
    assert _found(phrases, text) == ["cyber-scam", "light work, high pay"]


def test_phrases_of_unspaced_scripts_match_inside_longer_words() -> None:
    assert _found([("诈骗园区", False)], "被骗至缅北诈骗园区的青年") == ["诈骗园区"]
    assert _found([("캄보디아", False)], "캄보디아에서 감금") == ["캄보디아"]


def test_a_katakana_word_does_not_match_inside_a_longer_katakana_word() -> None:
    assert _found([("タイ", False)], "ランチタイムのシフト") == []
    assert _found([("タイ", False)], "タイとミャンマーの国境") == ["タイ"]


def test_the_same_phrase_is_found_every_time_it_occurs() -> None:
    matcher = PhraseMatcher([("cambodia", "KH", False)])
    hits = matcher.find(prepare("cambodia and cambodia again"))
    assert [(start, end) for start, end, _ in hits] == [(0, 10), (13, 23)]


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(alphabet=st.characters(codec=None), max_size=60),
    text=st.text(alphabet=st.characters(codec=None), max_size=200),
)
def test_an_item_is_prepared_as_its_folded_text_is(title: str, text: str) -> None:
    assert prepare_item(fold_item(title, text)) == prepare(fold(f"{title}\n{text}"))


def test_wide_punctuation_and_runs_of_spaces_become_one_space() -> None:
    prepared = prepare_item(fold_item("“Việc nhẹ”", "lương  cao… ở Campuchia。"))
    assert prepared.encode("latin-1").decode("utf-8") == " việc nhẹ lương cao ở campuchia "
