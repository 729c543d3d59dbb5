"""Find many phrases in one pass over a text (Aho-Corasick), honouring each script's word rules.

The automaton is built once when the classifier loads; a text is then scanned once whatever
the number of phrases, which is what makes two thousand phrases in thirteen languages cheap.
Two choices keep the per-text work in C rather than Python:

- Word boundaries are part of the keys. The text is prepared by turning punctuation into
  spaces and padding it with one space, so a whole-word phrase is the key " phrase " and a
  prefix phrase ("recruit*") is " recruit"; a match is then a whole word by construction.
  Phrases get the same preparation, so "light work, high pay" matches "light work high pay"
  and "cyber-scam" matches "cyber scam".
- The automaton reads UTF-8 bytes (as a Latin-1 string), not characters: pyahocorasick finds
  a node's child by linear search, and the first characters of phrases in thirteen scripts
  make hundreds of children at the root, while their first bytes make a few dozen.

Where a match may start and end depends on the phrase's script: whole words for Latin script
and Vietnamese; anywhere for Thai, Lao, Khmer, Burmese, Chinese, Japanese kanji and Korean
(no spaces between words, or particles glued to nouns); and for katakana words, not inside a
longer katakana word ("タイ", Thailand, is not "タイム") — the one check left to Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick

from bot.classify.normalise import WIDE_PUNCTUATION, FoldedItem, matches_as_substring

T = TypeVar("T")
Found = tuple[int, int, T]  # start and end offsets in the prepared text, payload

_KATAKANA_WORD = re.compile("^[\u30a0-\u30ff\u31f0-\u31ff]+$")
_ASCII_PUNCTUATION = "".join(chr(b) for b in range(128) if not chr(b).isalnum())
_TO_SPACES = bytes.maketrans(_ASCII_PUNCTUATION.encode(), b" " * len(_ASCII_PUNCTUATION))


def prepare(normalised: str) -> str:
    """A normalised (or folded) text as the automaton reads it: punctuation and whitespace
    runs turned into single spaces, one space at each end, then its UTF-8 bytes as one
    Latin-1 character each."""
    if not normalised.isascii():
        normalised = WIDE_PUNCTUATION.sub(" ", normalised)
    data = normalised.encode("utf-8", "surrogatepass").translate(_TO_SPACES)
    return (b" " + b" ".join(data.split()) + b" ").decode("latin-1")


def prepare_item(folded: FoldedItem) -> str:
    """`prepare(folded.text)`, replacing only the wide punctuation that folding found.

    After the translation the only whitespace byte left is the space (every ASCII
    non-alphanumeric byte became one, and no byte of a multi-byte character is ASCII), so
    halving runs of spaces until none is left does what splitting and joining the words
    does, without making a bytes object per word.
    """
    text = folded.text
    for char in folded.punctuation:  # as WIDE_PUNCTUATION.sub(" ", text) does
        text = text.replace(char, " ")
    data = text.encode("utf-8", "surrogatepass").translate(_TO_SPACES)
    shorter = data.replace(b"  ", b" ")
    while len(shorter) != len(data):
        data, shorter = shorter, shorter.replace(b"  ", b" ")
    return (b" " + data.strip(b" ") + b" ").decode("latin-1")


class PhraseMatcher(Generic[T]):
    """Match normalised phrases, each with a payload, in prepared texts."""

    def __init__(self, phrases: Iterable[tuple[str, T, bool]]) -> None:
        """`phrases`: (normalised phrase, payload, matches any word starting with it)."""
        keys: dict[str, tuple[list[T], bool]] = {}
        for text, payload, prefix in phrases:
            key, katakana = automaton_key(text, prefix)
            if key:
                keys.setdefault(key, ([], katakana))[0].append(payload)
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        # Children are searched in the order they were added: keys starting with a space
        # (whole-word keys, the most common first byte in a prepared text) go first.
        for key in sorted(keys, key=lambda key: key[0] != " "):
            payloads, katakana = keys[key]
            self._automaton.add_word(key, (len(key), tuple(payloads), katakana))
        self._empty = not keys
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, prepared: str) -> list[Found[T]]:
        """Every match in a text made by `prepare`, in order of where it ends."""
        if self._empty:
            return []
        return [
            (last - length + 1, last + 1, payload)
            for last, (length, payloads, katakana) in self._automaton.iter(prepared)
            if not katakana or not inside_katakana_word(prepared, last - length + 1, last + 1)
            for payload in payloads
        ]


def automaton_key(text: str, prefix: bool) -> tuple[str, bool]:
    """The automaton key of a phrase, and whether it needs the katakana check."""
    core = prepare(text).strip(" ")
    if not core:
        return "", False
    readable = core.encode("latin-1").decode("utf-8")
    if matches_as_substring(readable):
        return core, bool(_KATAKANA_WORD.match(readable))
    return f" {core}" if prefix else f" {core} ", False


def inside_katakana_word(prepared: str, start: int, end: int) -> bool:
    """Whether the match at `start:end` of a prepared text is part of a longer katakana word."""
    before = prepared[max(0, start - 3) : start].encode("latin-1").decode("utf-8", "replace")
    after = prepared[end : end + 3].encode("latin-1").decode("utf-8", "replace")
    return (bool(before) and _is_katakana(before[-1])) or (bool(after) and _is_katakana(after[0]))


def _is_katakana(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff" or "\u31f0" <= char <= "\u31ff"
