"""A headline as a set of hashed shingles: what story clustering compares (`cluster`).

Words are shingles, except in scripts written without spaces between words (Thai, Lao, Khmer,
Burmese, Chinese, Japanese) and Hangul (particles glued to nouns), where character bigrams
inside a word are; numbers are kept apart, tagged, because a shared count pins an event down.

Kept free of numpy and of the clustering index: the parser processes compute shingles, and
each of them should load no more than it needs.
"""

from __future__ import annotations

import re
import unicodedata
import zlib

NUMBER_TAG = 1 << 40  # numbers live above every crc32 value, so a signature is one int set

_WORD = re.compile(r"\w+")
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}(?!\d))")
_DIGITS = re.compile(r"\d+")
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff]"
)


def headline_shingles(title: str) -> frozenset[int]:
    """The headline as hashed word shingles plus tagged numbers."""
    text = _THOUSANDS.sub("", unicodedata.normalize("NFKC", title).casefold())
    shingles: set[int] = set()
    for number in _DIGITS.findall(text):
        shingles.add(NUMBER_TAG + min(int(number), 2**31))
    unspaced = _UNSPACED.search(text) is not None  # most headlines: one search, not one a word
    for word in _WORD.findall(_DIGITS.sub(" ", text)):
        if unspaced and len(word) > 1 and _UNSPACED.search(word):
            shingles.update(_crc(word[i : i + 2]) for i in range(len(word) - 1))
        else:
            shingles.add(_crc(word))
    return frozenset(shingles)


def sorted_shingles(title: str) -> tuple[int, ...]:
    """`headline_shingles` as a sorted tuple: a tenth of a set's memory, and what is stored."""
    return tuple(sorted(headline_shingles(title)))


def _crc(token: str) -> int:
    return zlib.crc32(token.encode("utf-8"))
