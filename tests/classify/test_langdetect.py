"""The language of an item whose feed did not say, from its script or commonest words."""

from __future__ import annotations

import pytest

from bot.classify import Classifier
from bot.classify.langdetect import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Công an cảnh báo người dân về thủ đoạn lừa đảo tuyển dụng", "vi"),
        ("The police said that the workers were taken across the border", "en"),
        ("Les travailleurs ont été libérés par la police dans la nuit", "fr"),
        ("Polisi mengatakan bahwa para pekerja tidak bisa pulang karena paspor ditahan", "id"),
        ("Polis berkata mangsa tidak boleh pulang kerana pasport ditahan oleh sindiket", "ms"),
        ("Ayon sa pulisya, hindi na nakauwi ang mga biktima sa kanilang bayan", "tl"),
        ("ตำรวจเตือนประชาชนให้ระวังการหลอกลวง", "th"),
        ("ប៉ូលិសព្រមានប្រជាពលរដ្ឋ", "km"),
        ("ເຈົ້າໜ້າທີ່ເຕືອນປະຊາຊົນ", "lo"),
        ("ရဲတပ်ဖွဲ့က သတိပေးသည်", "my"),
        ("警方提醒市民注意诈骗", "zh"),
        ("警察は詐欺に注意するよう呼びかけた", "ja"),
        ("경찰은 사기에 주의하라고 당부했다", "ko"),
    ],
)
def test_language_is_detected(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_undecidable_text_is_und() -> None:
    assert detect_language("12345 !!!") == "und"
    assert detect_language("") == "und"


def test_the_feed_language_is_kept_and_und_is_detected(classifier: Classifier) -> None:
    assert classifier.classify("Tin tức", "Công an cảnh báo", "en").lang == "en"
    assert classifier.classify("Tin tức", "Công an cảnh báo người dân", "und").lang == "vi"
