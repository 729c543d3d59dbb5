"""Finding phone numbers in text, so that no number we have not verified reaches a subscriber.

A wrong hotline number is the worst mistake this bot can make: a trafficked person calls it
and nobody answers, or a scammer does. News text sometimes prints numbers (a recruiter's, a
provincial line we have not checked), so numbers found in feed text are compared with the
directory and hidden unless the directory lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

REDACTED = "[…]"
MIN_DIGITS = 6

# A run that starts with a digit, '+' or '(' and may contain spaces, dots, dashes and brackets.
_CANDIDATE = re.compile(r"(?<![0-9+(])(?:\(?\+\s?|\()?[0-9][0-9().\- ]*[0-9]\)?(?![0-9])")
_DATE = re.compile(
    r"^(?:[0-9]{1,2}[./-] ?[0-9]{1,2}[./-] ?(?:[0-9]{4}|[0-9]{2})"
    r"|[0-9]{4}[./-] ?[0-9]{1,2}[./-] ?[0-9]{1,2}\.?)$"
)
_YEAR_AND_TIME = re.compile(r"^(?:19|20)[0-9]{2}[ ,]+[0-9]{1,2}[.:][0-9]{2}$")
_YEAR_RANGE = re.compile(r"^(?:19|20)[0-9]{2}\s?[-–]\s?(?:19|20)[0-9]{2}$")
_THOUSANDS = re.compile(r"^[1-9][0-9]{0,2}(?:([., ])[0-9]{3})(?:\1[0-9]{3})*$")


def digits_of(number: str) -> str:
    """The dialled digits, with an international '00' prefix read as '+'."""
    digits = re.sub(r"[^0-9]", "", number)
    return digits[2:] if number.strip().startswith("00") else digits


def find_phone_numbers(text: str) -> Iterator[re.Match[str]]:
    """Spans of `text` that look like a phone number (six digits or more).

    Dates, year ranges and amounts written with thousands separators are not numbers to call.
    """
    for match in _CANDIDATE.finditer(text):
        candidate = match.group(0).strip()
        if len(re.sub(r"[^0-9]", "", candidate)) < MIN_DIGITS:
            continue
        if any(
            pattern.match(candidate) for pattern in (_DATE, _YEAR_AND_TIME, _YEAR_RANGE, _THOUSANDS)
        ):
            continue
        yield match


def redact_numbers(text: str, is_known: Callable[[str], bool]) -> str:
    """Replace every phone number that `is_known` rejects with a neutral mark."""
    pieces: list[str] = []
    last = 0
    for match in find_phone_numbers(text):
        if is_known(match.group(0)):
            continue
        pieces.append(text[last : match.start()])
        pieces.append(REDACTED)
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)
