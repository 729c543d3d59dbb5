"""Which language a text is in, when its feed did not say: scripts first, then common words.

Most of our languages have a script of their own (Thai, Lao, Khmer, Burmese, Hangul, kana);
Vietnamese has letters no other Latin-script language here uses (ơ, ư, ă, đ and stacked tone
marks). English, French, Indonesian, Malay and Tagalog are told apart by their commonest
words; Indonesian and Malay, nearly one language, by the handful of words where they differ.
Only the first few hundred characters are read: enough to decide, and cheap.
"""

from __future__ import annotations

import re

UNDETERMINED = "und"
_SAMPLE = 600
_SCRIPTS = (
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("lo", re.compile("[\u0e80-\u0eff]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("my", re.compile("[\u1000-\u109f]")),
    ("ko", re.compile("[\uac00-\ud7af]")),
    ("ja", re.compile("[\u3040-\u30ff]")),
    ("zh", re.compile("[\u4e00-\u9fff]")),
)
_VIETNAMESE = re.compile("[ơưăđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_LATIN_WORD = re.compile(r"[a-zà-ÿ]+")
_COMMON_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset((
        "the", "and", "of", "to", "in", "is", "was", "for", "that", "with", "were",
        "have", "has", "from", "by", "said", "are", "they", "their", "who", "been",
        "this", "which", "will", "after", "into",
    )),
    "fr": frozenset((
        "le", "la", "les", "des", "du", "et", "est", "une", "dans", "pour", "qui",
        "que", "sur", "pas", "au", "aux", "avec", "sont", "ont", "été", "ces", "par",
        "leur", "plus", "ils",
    )),
    "id": frozenset((
        "yang", "dan", "di", "dari", "untuk", "dengan", "tidak", "ini", "itu", "dalam",
        "ke", "pada", "akan", "oleh", "juga", "tersebut", "mereka", "adalah", "telah",
        "sebagai", "atau",
    )),
    "tl": frozenset((
        "ang", "ng", "sa", "na", "mga", "ay", "at", "si", "ni", "para", "kay", "ayon",
        "hindi", "siya", "sila", "niya", "nang", "din", "rin", "pa", "naman", "ito",
        "iyon",
    )),
}  # fmt: skip
_INDONESIAN_ONLY = frozenset((
    "bahwa", "karena", "kata", "bisa", "uang", "polisi", "saat", "kamboja", "warga", "tapi",
    "sudah", "banyak", "kerja",
))  # fmt: skip
_MALAY_ONLY = frozenset((
    "bahawa", "kerana", "berkata", "boleh", "wang", "polis", "semasa", "kemboja", "selepas",
    "ialah", "daripada", "kerajaan", "rakyat", "semalam",
))  # fmt: skip


def detect_language(text: str) -> str:
    """An ISO 639-1 code among the languages we classify, or "und" when undecidable."""
    sample = text[:_SAMPLE].casefold()
    counts = {lang: len(pattern.findall(sample)) for lang, pattern in _SCRIPTS}
    script_lang, script_count = max(counts.items(), key=lambda item: item[1])
    if script_count >= 3:
        if script_lang == "zh" and counts["ja"] >= 2:
            return "ja"
        return script_lang
    if len(_VIETNAMESE.findall(sample)) >= 3:
        return "vi"
    return _by_common_words(_LATIN_WORD.findall(sample))


def _by_common_words(words: list[str]) -> str:
    if not words:
        return UNDETERMINED
    scores = {lang: sum(word in common for word in words) for lang, common in _COMMON_WORDS.items()}
    best, hits = max(scores.items(), key=lambda item: item[1])
    if hits == 0:
        return UNDETERMINED
    if best == "id":
        malay = sum(word in _MALAY_ONLY for word in words)
        indonesian = sum(word in _INDONESIAN_ONLY for word in words)
        return "ms" if malay > indonesian else "id"
    return best
