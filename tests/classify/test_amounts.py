"""A stated salary is recognised in many languages; other sums of money are not pay."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.amounts import PAY_HINTS, first_pay_amount, pay_amounts
from bot.classify.normalise import normalise


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Lương 1.000 USD/tháng, không cần kinh nghiệm", "1.000 usd/tháng"),
        ("mức lương gần 1.200 USD mỗi tháng", "1.200 usd mỗi tháng"),
        ("làm casino 20 - 30 triệu đồng/tháng", "30 triệu đồng/tháng"),
        ("They were promised $3,000 a month", "$3,000 a month"),
        ("a salary of US$800 for data entry", "us$800"),
        ("dijanjikan gaji 15 juta per bulan", "15 juta per bulan"),
        ("tawaran gaji Rp12 juta", "rp12 juta"),
        ("包吃包住，月薪2万", "2万"),
        ("月薪可达2至3万元", "2至3万元"),
        ("「月給22万円」という求人", "22万円"),
        ("월 1000만원 보장", "1000만원"),
        ("เงินเดือนสูงถึง 28,000 บาท", "28,000 บาท"),
        ("un salaire de 1 000 dollars par mois", "1 000 dollars par mois"),
    ],
)
def test_a_stated_salary_is_recognised(text: str, amount: str) -> None:
    assert amount in pay_amounts(normalise(text))


@pytest.mark.parametrize(
    "text",
    [
        "A retiree lost RM740,000 in a Macau scam",
        "The family paid a ransom of $5,000",
        "In 2018, 140,000 workers went to Japan",
        "Có 5 đi làm, 3 trẻ em ở nhà",
    ],
)
def test_other_numbers_and_sums_are_not_pay(text: str) -> None:
    assert pay_amounts(normalise(text)) == []


def test_searching_only_near_the_hinted_words_finds_the_same_pay() -> None:
    text = normalise("Năm 2024, 300 người đi làm. Họ được hứa lương 1.500 USD mỗi tháng.")
    assert pay_amounts(text, ["lương", "tháng"]) == pay_amounts(text) == ["1.500 usd mỗi tháng"]


_TEXTS = [
    "Năm 2024, 300 người đi làm. Họ được hứa lương 1.500 USD mỗi tháng, rồi 2.000 USD/tháng.",
    "They were promised $3,000 a month, then $4,000 a month",
    "A retiree lost RM740,000 in a Macau scam",
    "包吃包住，月薪2万，年底奖金",
    "gaji 15 juta per bulan dan bonus 2 juta per bulan",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_the_first_pay_amount_is_the_first_of_all_amounts(text: str) -> None:
    text = normalise(text)
    amounts = pay_amounts(text, PAY_HINTS)
    assert first_pay_amount(text, PAY_HINTS) == (amounts[0] if amounts else None)
    assert first_pay_amount(text) == (pay_amounts(text) or [None])[0]


def test_figures_in_a_plain_ascii_text_are_read_as_in_any_other_text() -> None:
    ascii_text = normalise("salary of US$800, then 1,200 usd a month")
    wider = f"{ascii_text} é"
    assert pay_amounts(ascii_text) == pay_amounts(wider) == ["us$800", "1,200 usd a month"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [*PAY_HINTS[::3], "1.200", "$", "usd", "/", " ", "  ", "-", "a month", "rp", "15",
             "juta", "k", ",000", "万", "월급 ", "300만원", "\t", "x", "٣", "๓"]
        ),
        max_size=25,
    ).map("".join),
    hints=st.lists(st.sampled_from(PAY_HINTS), max_size=4),
)  # fmt: skip
def test_the_first_pay_amount_never_disagrees_with_the_list(text: str, hints: list[str]) -> None:
    amounts = pay_amounts(text, hints)
    assert first_pay_amount(text, hints) == (amounts[0] if amounts else None)
