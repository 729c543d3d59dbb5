"""One text form for matching: what the lexicon phrases and the news texts are both reduced to.

The classifier matches phrases on NFKC-normalised, case-folded text. Two script families need
more than that:

- Thai, Lao, Khmer and Burmese write words without spaces, and scam adverts insert stray spaces
  inside words to slip past filters ("ຄ້ າ ມ ະ ນຸດ"). A space (not a line break, which
  separates sentences) between two letters of these scripts is therefore removed, in texts
  and phrases alike, and their phrases match as substrings.
- Vietnamese is often typed without diacritics ("viec nhe luong cao") and with either tone
  placement ("hòa"/"hoà"). Folding every text would cost more than the whole match, so the
  folded and re-placed spellings of each *phrase* are matched instead (`spelling_variants`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Soft hyphen, zero-width characters, directional marks and embeddings, word joiner, BOM.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")
# (character, its NFKC form): Thai and Lao "am", Lao "hn"/"hm" ligatures, no-break space.
_FREQUENT_COMPATIBILITY = (
    ("\u0e33", "\u0e4d\u0e32"), ("\u0eb3", "\u0ecd\u0eb2"), ("\u0edc", "\u0eab\u0e99"),
    ("\u0edd", "\u0eab\u0ea1"), ("\u00a0", " "),
)  # fmt: skip
_SPACELESS_LETTER = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff"
_SPACELESS = re.compile(f"[{_SPACELESS_LETTER}]")
# Spaces (not line breaks: those separate sentences) between two letters of these scripts.
_GAP_IN_SPACELESS = re.compile(f"(?<=[{_SPACELESS_LETTER}])[ \u00a0]+(?=[{_SPACELESS_LETTER}])")
# Scripts written without spaces between words, or (Hangul) with particles glued to nouns:
# their phrases match anywhere, not only between word boundaries.
_SUBSTRING_SCRIPTS = re.compile(
    f"[{_SPACELESS_LETTER}\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"
)
_ASAT, _ZAWGYI_KILLER = "\u103a", "\u1039"
# Vietnamese diphthongs whose tone mark is placed on either vowel depending on the writer.
_TONE_PLACEMENT = (
    ("òa", "oà"), ("óa", "oá"), ("ỏa", "oả"), ("õa", "oã"), ("ọa", "oạ"),
    ("òe", "oè"), ("óe", "oé"), ("ỏe", "oẻ"), ("õe", "oẽ"), ("ọe", "oẹ"),
    ("ùy", "uỳ"), ("úy", "uý"), ("ủy", "uỷ"), ("ũy", "uỹ"), ("ụy", "uỵ"),
)  # fmt: skip


def normalise(text: str) -> str:
    """Reduce `text` to the form phrases are matched in; never raises, whatever the input."""
    return " ".join(fold(text).split())


def fold(text: str) -> str:
    """`normalise` without collapsing whitespace, for callers that collapse it anyway."""
    if text.isascii():
        return text.lower()
    if _has_surrogates(text):
        text = _SURROGATES.sub("\ufffd", text)
    text = _nfkc(text).casefold()
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if _SPACELESS.search(text):
        text = _GAP_IN_SPACELESS.sub("", text)
    return text


def _nfkc(text: str) -> str:
    """NFKC, but cheap for the usual culprits: full-width punctuation in Chinese and the
    Thai and Lao "am" vowel make almost every text of those languages fail the quick check,
    and a full normalisation costs more than all the matching."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for composed, decomposed in _FREQUENT_COMPATIBILITY:
        if composed in text:
            text = text.replace(composed, decomposed)
    if _FULL_WIDTH.search(text):
        text = _FULL_WIDTH.sub(_to_half_width, text)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _to_half_width(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def matches_as_substring(phrase: str) -> bool:
    """Whether a phrase may match inside a longer word (scripts without word spaces)."""
    return _SUBSTRING_SCRIPTS.search(phrase) is not None


def fold_latin(text: str) -> str:
    """Strip diacritics from Latin letters only ("lương" → "luong", "đ" → "d").

    Thai, Khmer, Lao and Burmese vowel signs are combining marks too; they are kept.
    """
    return text.translate(_latin_folding_table())


@cache
def _latin_folding_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base and base != char:
            table[code] = base
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("ø"): "o", ord("ł"): "l"})
    table.update({code: "" for code in range(0x0300, 0x0370)})
    return table


def spelling_variants(phrase: str) -> frozenset[str]:
    """Normalised spellings under which a phrase is matched: as written, with the other
    Vietnamese tone placement, and without Latin diacritics.

    A single word is not matched without its diacritics: a lone Vietnamese syllable stripped
    of its marks is a different word ("Lào", Laos, would become "lao" of "lao động", labour).
    Burmese phrases are also matched as legacy Zawgyi text writes their final consonants
    (virama U+1039 for asat U+103A); Zawgyi's reordered medials are not covered.
    """
    written = normalise(phrase)
    variants = {written, _swap_tone_placement(written)}
    if " " in written.strip():
        variants.add(fold_latin(written))
    if _ASAT in written:
        variants.add(written.replace(_ASAT, _ZAWGYI_KILLER))
    return frozenset(v for v in variants if v.strip())


def _swap_tone_placement(text: str) -> str:
    for modern, traditional in _TONE_PLACEMENT:
        if modern in text:
            text = text.replace(modern, traditional)
        elif traditional in text:
            text = text.replace(traditional, modern)
    return text
