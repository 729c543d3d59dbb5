"""Texts and phrases are reduced to one form before matching."""

from __future__ import annotations

from bot.classify.normalise import fold_latin, matches_as_substring, normalise, spelling_variants


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
