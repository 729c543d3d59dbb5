"""Countries and Vietnam's 34 provinces, under every name the news uses for them."""

from __future__ import annotations

import pytest

from bot.classify import Classifier
from bot.classify.places import (
    LANGUAGES,
    countries,
    country_codes,
    country_name,
    former_to_current,
    province,
    province_name,
    provinces,
    resolve_province,
)


def test_there_are_34_provinces_with_unique_slug_codes() -> None:
    codes = [p.code for p in provinces()]
    assert len(codes) == len(set(codes)) == 34
    assert all(code == code.lower() and " " not in code for code in codes)


def test_each_of_the_63_former_provinces_maps_to_one_current_province() -> None:
    mapping = former_to_current()
    assert len(mapping) == 63
    assert set(mapping.values()) == {p.code for p in provinces()}


@pytest.mark.parametrize(
    ("former", "current"),
    [
        ("Kon Tum", "quang-ngai"),
        ("Bình Phước", "dong-nai"),
        ("Long An", "tay-ninh"),
        ("Kiên Giang", "an-giang"),
        ("Hà Giang", "tuyen-quang"),
        ("Bà Rịa – Vũng Tàu", "ho-chi-minh-city"),
        ("Đắk Nông", "lam-dong"),
        ("Quảng Nam", "da-nang"),
    ],
)
def test_former_provinces_belong_to_their_merged_province(former: str, current: str) -> None:
    assert former_to_current()[former] == current


@pytest.mark.parametrize(
    "name",
    [
        "Kon Tum",
        "former Kon Tum province",
        "tỉnh Kon Tum (cũ)",
        "kon tum",
        "Quảng Ngãi",
        "Quang Ngai",
    ],
)
def test_province_names_resolve_old_or_new_with_or_without_diacritics(name: str) -> None:
    assert resolve_province(name) == "quang-ngai"


def test_resolving_something_that_is_not_a_province_gives_none() -> None:
    assert resolve_province("Sihanoukville") is None


def test_border_provinces_come_first_in_the_picker() -> None:
    flags = [p.borders_cambodia or p.borders_laos or p.borders_china for p in provinces()]
    assert flags == sorted(flags, reverse=True)
    cambodia = {p.code for p in provinces() if p.borders_cambodia}
    assert cambodia == {
        "quang-ngai", "gia-lai", "dak-lak", "lam-dong", "dong-nai", "tay-ninh", "dong-thap",
        "an-giang",
    }  # fmt: skip


def test_provinces_have_names_in_vietnamese_and_english() -> None:
    assert province_name("ho-chi-minh-city", "vi") == "Thành phố Hồ Chí Minh"
    assert province_name("ho-chi-minh-city", "km") == "Ho Chi Minh City"
    assert province("hue").region == "central"


def test_every_country_is_named_in_every_language() -> None:
    for country in countries():
        assert set(country.names) == set(LANGUAGES), country.code
    assert country_name("KH", "th") == "กัมพูชา"
    assert country_name("MM", "vi") == "Myanmar"
    assert {"KH", "MM", "LA", "TH", "VN"} <= country_codes()


def test_former_province_names_in_news_give_the_current_province(classifier: Classifier) -> None:
    verdict = classifier.classify("", "Hai thanh niên ở tỉnh Kon Tum cũ và Bạc Liêu mất liên lạc.")
    assert verdict.provinces == ("ca-mau", "quang-ngai")


def test_a_province_that_is_also_a_word_needs_its_title(classifier: Classifier) -> None:
    peace = classifier.classify("", "Hai nước cam kết giữ gìn hòa bình ở biên giới.")
    place = classifier.classify("", "Công an tỉnh Hòa Bình cảnh báo người dân.")
    assert peace.provinces == ()
    assert place.provinces == ("phu-tho",)


def test_a_country_inside_a_province_name_is_not_that_country(classifier: Classifier) -> None:
    verdict = classifier.classify("", "Mưa lớn ở Lào Cai làm sạt lở nhiều tuyến đường.")
    assert verdict.provinces == ("lao-cai",)
    assert "LA" not in verdict.countries


def test_notorious_places_give_their_country(classifier: Classifier) -> None:
    assert classifier.classify("", "He was taken to KK Park.").countries == ("MM",)
    assert classifier.classify("", "被骗到西港").countries == ("KH",)
