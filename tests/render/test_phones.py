"""Phone numbers in text: found, and hidden unless the directory vouches for them."""

from __future__ import annotations

import pytest

from bot.render.phones import REDACTED, find_phone_numbers, redact_numbers


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Gọi +84 912 345 678 ngay", "+84 912 345 678"),
        ("call (+66)81.234.5678 now", "(+66)81.234.5678"),
        ("số 0912345678 của người môi giới", "0912345678"),
        ("hotline 0095-123456", "0095-123456"),
        ("Zalo:0987654321.", "0987654321"),
    ],
)
def test_phone_numbers_are_found(text: str, number: str) -> None:
    assert [match.group(0) for match in find_phone_numbers(text)] == [number]


@pytest.mark.parametrize(
    "text",
    [
        "lương 15.000.000 đồng một tháng",
        "salaire de 15 000 euros",
        "ngày 17.7.2015 và năm 2021-2025",
        "published 2025-11-20",
        "hơn 1.500 người, 300 nạn nhân",
        "call 117 or 111",
        "pukul 20 Nov 2025 08.30 WIB",
        "2025. 11. 20. 오전 8:30",
    ],
)
def test_amounts_dates_and_short_codes_are_not_taken_for_numbers(text: str) -> None:
    assert list(find_phone_numbers(text)) == []


def test_unknown_numbers_are_hidden_and_known_ones_kept() -> None:
    text = "Môi giới dùng số 0912 345 678; Bộ Ngoại giao: +84 981 84 84 84."
    redacted = redact_numbers(text, lambda number: "981" in number)
    assert redacted == f"Môi giới dùng số {REDACTED}; Bộ Ngoại giao: +84 981 84 84 84."
