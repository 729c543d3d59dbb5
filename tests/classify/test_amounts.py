"""A stated salary is recognised in many languages; other sums of money are not pay."""

from __future__ import annotations

import pytest

from bot.classify.amounts import pay_amounts
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
