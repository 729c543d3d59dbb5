"""Texts and phrases are reduced to one form before matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.normalise import (
    ODD_WHITESPACE,
    collapse_whitespace,
    fold,
    fold_item,
    fold_latin,
    matches_as_substring,
    normalise,
    spelling_variants,
)


def test_case_and_compatibility_forms_are_folded() -> None:
    assert normalise("ＫＫ Park ﬁnance  \n HIGH-Pay") == "kk park finance high-pay"


def test_full_width_punctuation_and_thai_am_become_their_plain_forms() -> None:
    assert normalise("高薪，包吃包住！") == "高薪,包吃包住!"
    assert normalise("งานทำเงินดี") == "งานท\u0e4d\u0e32เงินดี"


def test_spaces_inside_thai_lao_khmer_burmese_words_are_removed() -> None:
    assert normalise("ຄ້ າ ມ ະ ນຸດ") == normalise("ຄ້າມະນຸດ")
    assert normalise("แก๊ง คอล เซ็นเตอร์ in Poipet") == "แก๊งคอลเซ็นเตอร์ in poipet"


def test_zero_width_spaces_are_ignored() -> None:
    assert normalise("ជួញ\u200bដូរ\u200bមនុស្ស") == normalise("ជួញដូរមនុស្ស")


def test_lone_surrogates_do_not_break_normalisation() -> None:
    assert normalise("job\ud800offer") == "job\ufffdoffer"


def test_vietnamese_phrases_match_without_diacritics_and_in_either_tone_placement() -> None:
    assert spelling_variants("Khánh Hòa") == {"khánh hòa", "khánh hoà", "khanh hoa"}
    assert "viec nhe luong cao" in spelling_variants("Việc nhẹ lương cao")


def test_single_vietnamese_words_keep_their_diacritics() -> None:
    # "Lào" (Laos) without its mark would be "lao", as in "lao động" (labour).
    assert spelling_variants("Lào") == {"lào"}


def test_folding_strips_latin_marks_but_keeps_thai_and_khmer_signs() -> None:
    assert fold_latin("đường dây lừa đảo") == "duong day lua dao"
    assert fold_latin("ค้ามนุษย์ ជួញដូរ") == "ค้ามนุษย์ ជួញដូរ"


def test_scripts_without_spaces_match_as_substrings() -> None:
    assert matches_as_substring("電詐園區")
    assert matches_as_substring("취업사기")
    assert not matches_as_substring("scam compound")
    assert not matches_as_substring("việc nhẹ lương cao")


# An item is folded once, title and text together, with shortcuts that must not change the result.

_ITEMS = [
    ("Police warn", "Light work, high pay in Cambodia!"),
    ("Cảnh báo", "Việc nhẹ lương cao ở “Campuchia” – tuyển gấp…"),
    ("", "แก๊ง คอล เซ็นเตอร์  หลอก\u00a0ไป ทำงาน"),
    ("“ข่าว”", "ผู้เสียหาย ถูก หลอก ไป ทำงาน"),
    ("高薪招聘", "月薪２万，包吃包住！「诈骗园区」"),
    ("ជួញ\u200bដូរ", "មនុស្ស \u2028 ត្រូវ"),
    ("tab\there", "line\r\nbreaks\x1c and\u3000wide\u2003spaces\x85"),
    ("job\ud800", "offer\udfff"),
    ("ＫＫ Park", "ﬁnance  \n HIGH-Pay"),
]


@pytest.mark.parametrize(("title", "text"), _ITEMS)
def test_folding_an_item_is_folding_its_title_and_text_joined(title: str, text: str) -> None:
    folded = fold_item(title, text)
    assert folded.text == fold(f"{title}\n{text}")
    assert collapse_whitespace(folded) == normalise(f"{title}\n{text}")


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(alphabet=st.characters(codec=None), max_size=60),
    text=st.text(alphabet=st.characters(codec=None), max_size=200),
)
def test_any_item_folds_as_its_joined_text_does(title: str, text: str) -> None:
    folded = fold_item(title, text)
    assert folded.text == fold(f"{title}\n{text}")
    assert collapse_whitespace(folded) == " ".join(folded.text.split())


def test_odd_whitespace_is_every_separator_but_the_space_and_the_line_break() -> None:
    separators = {chr(code) for code in range(0x110000) if chr(code).isspace()}
    assert set(ODD_WHITESPACE) == separators - {" ", "\n"}
