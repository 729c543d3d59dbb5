"""Pay promised in a text ("1.000 USD/tháng", "$3,000 a month", "月薪2万", "gaji 15 juta").

A concrete, generous monthly figure is the bait of most scam-compound adverts, so a stated
salary is a (weak) lure cue. It must look like pay: an amount of money after a salary word, or
an amount of money per month. A bare number or a bare sum (a fraud loss, a ransom) is not, and
neither is a sum after "pay" or "paid", which as often introduce a ransom as a wage.

Scanning a whole text for every salary word is slow in Python, so the search starts from the
numbers and only looks around those that are money; and the classifier only calls it when its
phrase automaton has already seen one of `PAY_HINTS` (no salary or month word, no pay).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SALARY_WORDS = (
    "lương", "luong", "thu nhập", "thu nhap", "salary", "salaries", "wage", "wages", "earn",
    "earning", "earnings", "income", "gaji", "gajinya", "bergaji",
    "upah", "pendapatan", "sahod", "suweldo", "sweldo", "salaire", "rémunér", "payé",
    "เงินเดือน", "รายได้", "ค่าตอบแทน", "ค่าจ้าง", "ប្រាក់ខែ", "ប្រាក់ចំណូល", "ເງິນເດືອນ",
    "ລາຍໄດ້", "လစာ", "ဝင်ငွေ", "月薪", "薪水", "薪资", "薪資", "工资", "工資", "月入", "收入",
    "底薪", "月給", "月収", "給与", "給料", "時給", "日給", "報酬", "월급", "연봉", "수입", "급여",
    "월",
)  # fmt: skip
MONTH_WORDS = (
    "tháng", "thang", "month", "bulan", "bln", "buwan", "mois", "mensuel", "เดือน", "ເດືອນ",
    "ខែ", "တစ်လ", "月",
)  # fmt: skip
PAY_HINTS = SALARY_WORDS + MONTH_WORDS
_MONTH_SET = frozenset(MONTH_WORDS)
_REACH = 45  # characters between a salary word and its figure, or a figure and "month"

# `\d\d*`, not `\d+`: a pattern that starts with a character class lets the regex engine skip
# to the next digit in C instead of trying a match at every character.
_NUMBER = re.compile(r"\d\d*(?:[.,' ]\d{3})*(?:[.,]\d+)?")
# The same for an ASCII text, where \d can only be 0-9: a plain character set is checked faster.
_ASCII_NUMBER = re.compile(r"[0-9][0-9]*(?:[.,' ][0-9]{3})*(?:[.,][0-9]+)?")
_MULTIPLIER = (
    r"k|tỷ|ty|tỉ|triệu|trieu|tr|nghìn|ngàn|nghin|ngan|juta|jt|ribu|rb|millions?|mil|milyon|"
    r"libo|mille|万|萬|千|만|천|ล้าน|พัน|หมื่น|แสน|ລ້ານ|ພັນ|លាន|ពាន់|သိန်း|သောင်း"
)
_CURRENCY_AFTER = (
    r"usd|us\$|\$|đồng|vnđ|vnd|đ|rp|rm|myr|php|baht|บาท|元|人民币|円|yen|원|won|euros?|€|"
    r"dollars?|dolar|đô la|đô|riels?|៛|ກີບ|kip|kyats?|ကျပ်|pesos?|ringgit|rupiah|ดอลลาร์|"
    r"ដុល្លារ|រៀល|ໂດລາ|달러|ドル|美元|美金"
)
_CURRENCY_BEFORE = re.compile(r"(?:us\$|u\$|as\$|a\$|s\$|\$|usd|rp\.?|rm|₱|php|€|¥|฿)\s?\Z")
_LATIN_LETTER = "[a-z\u00c0-\u024f\u1e00-\u1eff]"
_AMOUNT_TAIL = re.compile(
    rf" ?(?:(?:{_MULTIPLIER})(?!{_LATIN_LETTER})(?: ?(?:{_CURRENCY_AFTER}))?|(?:{_CURRENCY_AFTER}))"
    rf"(?!{_LATIN_LETTER})"
)
# CJK salary words are followed by a bare figure often enough ("月薪8000", "월급 300만").
_CJK_PAY_WORD_BEFORE = re.compile(
    r"(?:月薪|月入|月收入|底薪|月給|月収|월급|월수입)(?:约|約|达|達|高达|高達|超过|超過|可达|可達)?\s?\Z"
)
_RANGE = re.compile(r" ?(?:-|–|~|to|đến|den|hingga|sampai|à|至|到) ?")
_PER_MONTH = re.compile(
    r" ?(?:/ ?(?:tháng|thang|th|month|mo|bulan|bln|buwan|mois|เดือน|ເດືອນ|ខែ|月|월)|"
    r"(?:mỗi|moi|một|mot|hàng|hang|1) (?:tháng|thang)|(?:a|per|each|every) month|monthly|"
    r"per bulan|sebulan|setiap bulan|(?:kada|bawat|isang) buwan|par mois|mensuel|"
    r"ต่อเดือน|ຕໍ່ເດືອນ|ក្នុងមួយខែ|ក្នុង១ខែ|ប្រចាំខែ|每月|一个月|每个月|一個月|/月)"
)
_PAY_WORD_BEFORE = re.compile(
    "(?:" + "|".join(re.escape(word) for word in SALARY_WORDS) + r")\w*[^\d.;!?。]{0,24}\Z"
)
_TAIL_STARTS = frozenset(word[0] for word in f"{_MULTIPLIER}|{_CURRENCY_AFTER}".split("|"))
_CURRENCY_ENDS = frozenset("$pm₱€¥฿d.")


def _tail_words() -> dict[str, tuple[str, ...]]:
    """What `_AMOUNT_TAIL` must start with (after one optional space), by first character:
    its alternatives without their optional last letter ("millions?" → "million")."""
    by_first: dict[str, list[str]] = {}
    for alternative in f"{_MULTIPLIER}|{_CURRENCY_AFTER}".split("|"):
        word = alternative.replace("\\$", "$")
        if word.endswith("?"):
            word = word[:-2]
        by_first.setdefault(word[0], []).append(word)
    return {first: tuple(words) for first, words in by_first.items()}


_TAIL_WORDS = _tail_words()


def pay_amounts(text: str, hints: Iterable[str] | None = None) -> list[str]:
    """Salary figures stated in a normalised text, as written there.

    `hints`: the salary and month words known to occur in the text (from `PAY_HINTS`); only
    the stretches around them are searched then, which is much cheaper than the whole text.
    """
    found: list[str] = []
    numbers = _ASCII_NUMBER if text.isascii() else _NUMBER
    for start, end in _stretches(text, hints):
        _collect(text, start, end, numbers, found, every=True)
    return found


def first_pay_amount(text: str, hints: Iterable[str] | None = None) -> str | None:
    """The first of `pay_amounts(text, hints)`, without looking for the others."""
    found: list[str] = []
    numbers = _ASCII_NUMBER if text.isascii() else _NUMBER
    for start, end in _stretches(text, hints):
        if _collect(text, start, end, numbers, found, every=False):
            return found[0]
    return None


def _stretches(text: str, hints: Iterable[str] | None) -> list[tuple[int, int]]:
    return [(0, len(text))] if hints is None else _windows(text, hints)


def _windows(text: str, hints: Iterable[str]) -> list[tuple[int, int]]:
    """Stretches where a hinted word can still be part of a salary: after a salary word, or
    before a month word; overlapping stretches merged, in text order."""
    size = len(text)
    spans = []
    for word in hints:
        before, after = (_REACH, len(word) + 2) if word in _MONTH_SET else (0, len(word) + _REACH)
        position = text.find(word)
        while position != -1:
            spans.append((position - before if position > before else 0, position + after))
            position = text.find(word, position + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [(start, end if end < size else size) for start, end in merged]


def _collect(
    text: str, start: int, end: int, numbers: re.Pattern[str], found: list[str], every: bool
) -> bool:
    """Add the amounts of `text[start:end]` to `found`, or only the first unless `every`;
    whether one was found. `numbers`: `_NUMBER`, or `_ASCII_NUMBER` for an ASCII text."""
    for number in numbers.finditer(text, start, end):
        first, last = number.span()
        after_cjk_pay_word = _after_cjk_pay_word(text, first)
        if not (
            after_cjk_pay_word or _may_have_tail(text, last) or _may_have_currency(text, first)
        ):
            continue
        # Each pattern is tried only where its first (or last) character could be.
        tail = _AMOUNT_TAIL.match(text, last) if _tail_may_start(text, last) else None
        currency_first = (
            _CURRENCY_BEFORE.search(text, max(0, first - 4), first)
            if _currency_may_end(text, first)
            else None
        )
        if tail is None and currency_first is None and not after_cjk_pay_word:
            continue
        if currency_first is not None:
            first = currency_first.start()
        last = _through_range(text, tail.end() if tail is not None else last)
        per_month = _PER_MONTH.match(text, last)
        if per_month is not None:
            found.append(text[first : per_month.end()])
        elif after_cjk_pay_word or _PAY_WORD_BEFORE.search(text, max(0, first - 40), first):
            found.append(text[first:last])
        else:
            continue
        if not every:
            return True
    return bool(found)


def _after_cjk_pay_word(text: str, start: int) -> bool:
    """Whether a Chinese, Japanese or Korean salary word ends just before `start`. The word
    (or the "about", "up to" after it) ends in a character that is not ASCII, at most one
    space before the figure; a quick look at those two characters spares most searches."""
    before = text[max(0, start - 2) : start]
    if before[-1:].isspace():
        before = before[:-1]
    if not before or before[-1].isascii():
        return False
    return _CJK_PAY_WORD_BEFORE.search(text, max(0, start - 6), start) is not None


def _may_have_tail(text: str, end: int) -> bool:
    """A cheap test that saves the full pattern on most numbers (years, counts, dates)."""
    following = text[end : end + 2].lstrip(" ")
    return bool(following) and following[0] in _TAIL_STARTS


def _may_have_currency(text: str, start: int) -> bool:
    preceding = text[max(0, start - 2) : start].rstrip(" ")
    return bool(preceding) and preceding[-1] in _CURRENCY_ENDS


def _tail_may_start(text: str, end: int) -> bool:
    """Whether `_AMOUNT_TAIL` could match at `end`: a word of it starts there or one space on."""
    if text.startswith(" ", end):
        end += 1
    words = _TAIL_WORDS.get(text[end : end + 1])
    return words is not None and text.startswith(words, end)


def _currency_may_end(text: str, start: int) -> bool:
    """Whether `_CURRENCY_BEFORE` could match before `start`: a currency sign or code ends
    there, or one whitespace character before."""
    before = text[max(0, start - 2) : start]
    if before[-1:].isspace():
        before = before[:-1]
    return before[-1:] in _CURRENCY_ENDS


def _through_range(text: str, end: int) -> int:
    """Extend "800" to "800 - 1.000 usd" so the month after the range is seen."""
    dash = _RANGE.match(text, end)
    if dash is None:
        return end
    upper = _NUMBER.match(text, dash.end())
    if upper is None:
        return end
    tail = _AMOUNT_TAIL.match(text, upper.end()) if _tail_may_start(text, upper.end()) else None
    return tail.end() if tail is not None else upper.end()
