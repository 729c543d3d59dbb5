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
from typing import NamedTuple

# Soft hyphen, zero-width characters, directional marks and embeddings, word joiner, BOM.
_INVISIBLE_CHARS = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_SURROGATE_CHARS = f"{chr(0xD800)}-{chr(0xDFFF)}"  # no lone surrogate literal: mypyc rejects it
_SURROGATES = re.compile(f"[{_SURROGATE_CHARS}]")
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")
# (character, its NFKC form): Thai and Lao "am", Lao "hn"/"hm" ligatures, no-break space.
_FREQUENT_COMPATIBILITY = (
    ("\u0e33", "\u0e4d\u0e32"), ("\u0eb3", "\u0ecd\u0eb2"), ("\u0edc", "\u0eab\u0e99"),
    ("\u0edd", "\u0eab\u0ea1"), ("\u00a0", " "),
)  # fmt: skip
_SPACELESS_LETTER = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff"
_SPACELESS = re.compile(f"[{_SPACELESS_LETTER}]")
# Spaces (not line breaks: those separate sentences) between two letters of these scripts.
# Written to start with the space, which the regex engine finds quickly, and to look back from
# there; a lookbehind first would be tried at every character of a Thai text.
# (NFKC has made every no-break space a space by then.)
_GAP_IN_SPACELESS = re.compile(f" (?<=[{_SPACELESS_LETTER}] ) *(?=[{_SPACELESS_LETTER}])")
# Quotes, dashes, bullets, CJK punctuation, and line separators: `matcher.prepare` turns them
# into spaces, as it does ASCII punctuation.
_WIDE_PUNCTUATION_CHARS = "“”‘’„‚«»‹›–—―‐‑‒…•·、。，：；！？「」『』（）《》【】\u0085\u2028\u2029"
WIDE_PUNCTUATION = re.compile(f"[{_WIDE_PUNCTUATION_CHARS}]")
# What `str.split()` splits on, but the space and the line break (tested to stay so).
ODD_WHITESPACE = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_ASCII_WHITESPACE_TO_SPACE = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
# The characters of a folded text that ask for more work than the automaton's byte-wise
# translation of punctuation: one scan finds the first; most texts have none.
_NOT_LETTERS = f"{_WIDE_PUNCTUATION_CHARS}{_INVISIBLE_CHARS}{_SURROGATE_CHARS}{ODD_WHITESPACE}"
_UNUSUAL = re.compile(f"[{_SPACELESS_LETTER}{_NOT_LETTERS}]")
_UNUSUAL_NOT_LETTERS = re.compile(f"[{_NOT_LETTERS}]")
_WIDE_PUNCTUATION_SET = frozenset(_WIDE_PUNCTUATION_CHARS)
_NONE: frozenset[str] = frozenset()
_ODD_WHITESPACE_SET = frozenset(ODD_WHITESPACE)
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


class FoldedItem(NamedTuple):
    """A news item (title and text) folded once for both the phrase automaton and the pay
    search, with what folding learnt about it, so that later steps skip scans they need not do.
    Made with `tuple.__new__`, which skips the Python-level `__new__` of a named tuple."""

    text: str  # fold(f"{title}\n{text}")
    plain: bool  # known to have no whitespace but " " and "\n"
    punctuation: frozenset[str]  # the characters of `WIDE_PUNCTUATION` it has


def normalise(text: str) -> str:
    """Reduce `text` to the form phrases are matched in; never raises, whatever the input."""
    return " ".join(fold(text).split())


def fold(text: str) -> str:
    """`normalise` without collapsing whitespace, for callers that collapse it anyway."""
    if text.isascii():
        return text.lower()
    return _fold_unicode(text).text


def fold_item(title: str, text: str) -> FoldedItem:
    """`fold(f"{title}\n{text}")`, and what is known of the result."""
    joined = f"{title}\n{text}"
    if joined.isascii():
        return tuple.__new__(FoldedItem, (joined.lower(), False, _NONE))
    return _fold_unicode(joined)


def _fold_unicode(text: str) -> FoldedItem:
    """Fold a text that is not ASCII.

    Lone surrogates, invisible characters, spaces inside Thai, Lao, Khmer or Burmese words and
    wide punctuation each need a step of their own, and looking for each would cost a scan of
    the text; `_UNUSUAL` looks for all at once. Lone surrogates are replaced after, not before,
    NFKC and case folding: both leave them, and U+FFFD, unchanged, whatever is around them.
    """
    text = _nfkc(text).casefold()
    first = _UNUSUAL.search(text)
    if first is None:
        return tuple.__new__(FoldedItem, (text, True, _NONE))
    # Nothing before `first` is unusual. Letters of a Thai text are, every one of them: they
    # are looked for once, and only the other kinds, which are few, are listed.
    start = first.start()
    spaceless = _SPACELESS.match(first.group()) is not None
    if not spaceless:
        spaceless = _SPACELESS.search(text, start) is not None
    found = set(_UNUSUAL_NOT_LETTERS.findall(text, start))
    if any(_SURROGATES.match(char) for char in found):
        text = _SURROGATES.sub("\ufffd", text)
    if any(_INVISIBLE.match(char) for char in found):
        text = _INVISIBLE.sub("", text)
    if spaceless:
        text = _GAP_IN_SPACELESS.sub("", text)
    plain = found.isdisjoint(_ODD_WHITESPACE_SET)
    return tuple.__new__(FoldedItem, (text, plain, _WIDE_PUNCTUATION_SET.intersection(found)))


def collapse_whitespace(folded: FoldedItem) -> str:
    """`" ".join(folded.text.split())`, without making a string of every word when the only
    whitespace is " " and "\n" (or only ASCII whitespace, turned into spaces first)."""
    text = folded.text
    if text.isascii():
        data = text.encode("ascii").translate(_ASCII_WHITESPACE_TO_SPACE)
        halved = data.replace(b"  ", b" ")
        while len(halved) != len(data):
            data, halved = halved, halved.replace(b"  ", b" ")
        return data.strip(b" ").decode("ascii")
    if not folded.plain:
        return " ".join(text.split())
    text = text.replace("\n", " ")
    shorter = text.replace("  ", " ")
    while len(shorter) != len(text):
        text, shorter = shorter, shorter.replace("  ", " ")
    return text.strip(" ")


def _nfkc(text: str) -> str:
    """NFKC, but cheap for the usual culprits: full-width punctuation in Chinese and the
    Thai and Lao "am" vowel make almost every text of those languages fail the quick check,
    and a full normalisation costs more than all the matching."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    for composed, decomposed in _FREQUENT_COMPATIBILITY:
        if composed in text:
            text = text.replace(composed, decomposed)
    # Checked before the full-width search: Thai and Lao texts are usually normal by now, and
    # a normal text has no full-width characters left to replace.
    if unicodedata.is_normalized("NFKC", text):
        return text
    full_width = set(_FULL_WIDTH.findall(text))
    if full_width:
        for char in full_width:  # a handful of distinct ones, each replaced everywhere at once
            text = text.replace(char, _half_width(char))
        if unicodedata.is_normalized("NFKC", text):
            return text
    return unicodedata.normalize("NFKC", text)


@cache
def _half_width(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


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
