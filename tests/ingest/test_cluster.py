"""Story clustering on headlines written for the project.

Each SAME_STORY pair imitates two outlets covering one event (different wording, order and
detail); each NEAR_MISS pair is two different events in the same place. With the real
headlines of ../shared/eval/dev_news.jsonl they justify the thresholds (see the comment above
`SAME_STORY_JACCARD` in bot/ingest/cluster.py).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.ingest.cluster import (
    SAME_STORY_JACCARD,
    SAME_STORY_WITH_NUMBER,
    StoryIndex,
    jaccard,
    same_story,
    signature_of,
)
from bot.ingest.shingles import headline_shingles

NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
DEV_NEWS = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "dev_news.jsonl"

SAME_STORY = [
    (
        "en",
        "Cambodian police free 64 Indonesians held in Sihanoukville scam compound",
        "64 Indonesian nationals rescued from online scam compound in Sihanoukville",
    ),
    (
        "en",
        "Thai authorities repatriate 120 workers trafficked into Myawaddy scam centres",
        "120 trafficked workers sent home from Myawaddy scam centres, Thai officials say",
    ),
    (
        "en",
        "Vietnamese man who answered 'easy job, high pay' ad found dead near Bavet casino",
        "Body of Vietnamese job seeker lured by 'easy work, high pay' ad found near Bavet casino",
    ),
    (
        "vi",
        "Giải cứu 17 người Việt bị lừa sang Campuchia làm việc nhẹ lương cao",
        "17 người Việt bị lừa 'việc nhẹ lương cao' sang Campuchia đã được giải cứu",
    ),
    (
        "vi",
        "Bắt nhóm đối tượng đưa người sang Myanmar làm việc cho công ty lừa đảo",
        "Công an triệt phá nhóm đưa người trái phép sang Myanmar làm việc cho công ty lừa đảo "
        "trực tuyến",
    ),
    (
        "id",
        "Polisi selamatkan 20 WNI korban penipuan kerja di Kamboja",
        "20 WNI korban penipuan lowongan kerja di Kamboja diselamatkan polisi",
    ),
    (
        "th",
        "ตำรวจช่วยเหลือคนไทย 30 คนจากแก๊งคอลเซ็นเตอร์ในเมียวดี",
        "ช่วยคนไทย 30 คนถูกหลอกไปทำงานแก๊งคอลเซ็นเตอร์ที่เมียวดีได้แล้ว",
    ),
    (
        "zh",
        "柬埔寨警方解救40名被骗中国公民 涉高薪招聘诈骗",
        "40名中国公民遭高薪招聘诱骗至柬埔寨 已获警方解救",
    ),
    (
        "ko",
        "캄보디아 고수익 알바에 속은 한국인 대학생 15명 구조",
        "'고수익 알바' 속아 캄보디아 간 대학생 15명 구조돼",
    ),
    (
        "fr",
        "Cambodge : 50 Vietnamiens libérés d'un centre d'arnaques en ligne",
        "50 Vietnamiens libérés d'un centre d'escroqueries en ligne au Cambodge",
    ),
    (
        "en",
        "Myanmar junta blows up buildings at KK Park scam hub",
        "KK Park scam hub buildings blown up by Myanmar military",
    ),
    (
        "id",
        "Kemlu pulangkan WNI korban perdagangan orang dari Myanmar",
        "WNI korban perdagangan orang di Myanmar dipulangkan Kemlu",
    ),
]

NEAR_MISSES = [
    (
        "en",
        "Cambodian police free 64 Indonesians held in Sihanoukville scam compound",
        "Fire at Sihanoukville casino hotel kills three workers",
    ),
    (
        "en",
        "Thai authorities repatriate 120 workers trafficked into Myawaddy scam centres",
        "Thai army cuts power and internet to Myawaddy border town",
    ),
    (
        "en",
        "Vietnamese man who answered 'easy job, high pay' ad found dead near Bavet casino",
        "Bavet casino workers strike over unpaid wages",
    ),
    (
        "vi",
        "Giải cứu 17 người Việt bị lừa sang Campuchia làm việc nhẹ lương cao",
        "Campuchia trục xuất 30 người Việt nhập cảnh trái phép",
    ),
    (
        "vi",
        "Bắt nhóm đối tượng đưa người sang Myanmar làm việc cho công ty lừa đảo",
        "Động đất mạnh ở Myanmar, nhiều công nhân người Việt an toàn",
    ),
    (
        "id",
        "Polisi selamatkan 20 WNI korban penipuan kerja di Kamboja",
        "Kamboja dan Indonesia teken kerja sama perdagangan beras",
    ),
    ("th", "ตำรวจช่วยเหลือคนไทย 30 คนจากแก๊งคอลเซ็นเตอร์ในเมียวดี", "น้ำท่วมหนักในเมียวดี ชาวบ้านอพยพข้ามแดน"),
    (
        "zh",
        "柬埔寨警方解救40名被骗中国公民 涉高薪招聘诈骗",
        "柬埔寨西港一赌场酒店发生火灾 三人死亡",
    ),
    (
        "ko",
        "캄보디아 고수익 알바에 속은 한국인 대학생 15명 구조",
        "캄보디아 프놈펜서 한국인 관광객 교통사고로 부상",
    ),
    (
        "fr",
        "Cambodge : 50 Vietnamiens libérés d'un centre d'arnaques en ligne",
        "Cambodge : un incendie ravage un casino à Poipet",
    ),
    # The same template headline, another week, another rescue: the numbers tell them apart.
    (
        "vi",
        "Giải cứu 17 người Việt bị lừa sang Campuchia làm việc nhẹ lương cao",
        "Giải cứu 30 người Việt bị lừa sang Campuchia làm việc nhẹ lương cao",
    ),
]


def _ids(pairs: list[tuple[str, str, str]]) -> list[str]:
    return [f"{lang}-{number}" for number, (lang, _, _) in enumerate(pairs)]


@pytest.mark.parametrize(("lang", "first", "second"), SAME_STORY, ids=_ids(SAME_STORY))
def test_one_event_told_by_two_outlets_is_one_story(lang: str, first: str, second: str) -> None:
    index = StoryIndex()
    story, opened = index.assign("first", lang, signature_of(first), NOW)
    joined, opened_again = index.assign("second", lang, signature_of(second), NOW)
    assert (story, opened) == ("first", True)
    assert (joined, opened_again) == ("first", False)


@pytest.mark.parametrize(("lang", "first", "second"), NEAR_MISSES, ids=_ids(NEAR_MISSES))
def test_two_events_in_the_same_place_are_two_stories(lang: str, first: str, second: str) -> None:
    index = StoryIndex()
    index.assign("first", lang, signature_of(first), NOW)
    assert index.assign("second", lang, signature_of(second), NOW) == ("second", True)


def test_written_near_misses_stay_below_even_the_lower_threshold() -> None:
    # The last near-miss (one template, two rescues) is told apart by its numbers instead.
    near = [jaccard(headline_shingles(a), headline_shingles(b)) for _, a, b in NEAR_MISSES[:-1]]
    assert max(near) < SAME_STORY_WITH_NUMBER < SAME_STORY_JACCARD


def test_real_headlines_about_the_same_crime_are_rarely_merged() -> None:
    """Real headlines (read in place) share places and vocabulary but are mostly other events."""
    if not DEV_NEWS.is_file():
        pytest.skip(f"labelled news not found at {DEV_NEWS} (../shared is not checked out)")
    titles: dict[str, list[str]] = {}
    for line in DEV_NEWS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        titles.setdefault(row["lang"], []).append(row["title"])
    pairs = [
        (headline_shingles(a), headline_shingles(b))
        for same_language in titles.values()
        for a, b in itertools.combinations(same_language, 2)
    ]
    merged = sum(same_story(a, b) for a, b in pairs)
    assert len(pairs) > 1000
    assert merged / len(pairs) < 0.002


def test_headlines_in_different_languages_are_never_joined() -> None:
    index = StoryIndex()
    headline = "Police free 64 workers from Sihanoukville scam compound"
    index.assign("en", "en", signature_of(headline), NOW)
    assert index.assign("en-copy-in-fr-feed", "fr", signature_of(headline), NOW)[1] is True


def test_regional_variants_of_one_language_are_compared() -> None:
    index = StoryIndex()
    index.assign("hant", "zh-Hant", signature_of("柬埔寨警方解救40名被骗中国公民"), NOW)
    story, first = index.assign("zh", "zh", signature_of("柬埔寨警方解救40名被骗中国公民"), NOW)
    assert (story, first) == ("hant", False)


def test_a_later_outlet_joins_the_story_of_the_first_not_of_the_second() -> None:
    index = StoryIndex()
    _, a, b = SAME_STORY[0]
    index.assign("one", "en", signature_of(a), NOW)
    index.assign("two", "en", signature_of(b), NOW)
    third = "Sihanoukville scam compound raid: 64 Indonesians freed by Cambodian police"
    assert index.assign("three", "en", signature_of(third), NOW) == ("one", False)


def test_headlines_older_than_the_window_are_forgotten() -> None:
    index = StoryIndex()
    _, a, b = SAME_STORY[0]
    index.assign("old", "en", signature_of(a), NOW - timedelta(days=4))
    index.evict_before(NOW - timedelta(days=3))
    assert len(index) == 0
    assert index.assign("new", "en", signature_of(b), NOW) == ("new", True)


def test_a_headline_of_one_or_two_words_opens_its_own_story() -> None:
    index = StoryIndex()
    index.assign("a", "en", signature_of("Breaking news"), NOW)
    assert index.assign("b", "en", signature_of("Breaking news"), NOW) == ("b", True)


def test_numbers_written_with_thousands_separators_still_agree() -> None:
    assert same_story(
        headline_shingles("1,200 workers freed from Myawaddy scam hubs"),
        headline_shingles("1200 workers freed from scam hubs in Myawaddy"),
    )
