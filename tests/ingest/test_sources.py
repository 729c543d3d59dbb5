"""Feed files: what loads, what is refused, and where each problem is reported."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.errors import OperatorFileError, Problem
from bot.ingest.sources import check_feed_files, load_feed_files

SHIPPED = Path(__file__).resolve().parents[2] / "feeds"

GOOD = """\
[set]
name = "Test set"
enabled = true

# documented in a test
[[feed]]
url = "https://outlet.example/rss.xml"
name = "Outlet"
lang = "vi"
country = "VN"
tags = ["news"]
interval = 600

[[feed]]
url = "https://other.example/feed"
name = "Other"
lang = "zh-Hant"
country = "HK"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(problems: list[Problem]) -> list[tuple[str, int, str]]:
    return [(Path(p.file).name, p.line, p.message) for p in problems]


def test_a_good_file_loads_with_file_and_line_of_each_feed(tmp_path: Path) -> None:
    write(tmp_path, "asia.toml", GOOD)
    sources = load_feed_files(tmp_path)
    assert [(s.url, s.name, s.lang, s.country, s.tags, s.interval, s.line) for s in sources] == [
        ("https://outlet.example/rss.xml", "Outlet", "vi", "VN", ("news",), 600, 6),
        ("https://other.example/feed", "Other", "zh-Hant", "HK", (), None, 14),
    ]
    assert sources[0].file == str(tmp_path / "asia.toml")
    assert check_feed_files(tmp_path) == []


def test_a_disabled_set_is_checked_but_not_loaded(tmp_path: Path) -> None:
    write(tmp_path, "off.toml", GOOD.replace("enabled = true", "enabled = false"))
    write(
        tmp_path,
        "on.toml",
        GOOD.replace("outlet.example", "third.example").replace("other.example", "fourth.example"),
    )
    assert {s.url for s in load_feed_files(tmp_path)} == {
        "https://third.example/rss.xml",
        "https://fourth.example/feed",
    }


def test_one_feed_can_be_switched_off(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", GOOD.replace('name = "Other"', 'name = "Other"\nenabled = false'))
    assert [s.name for s in load_feed_files(tmp_path)] == ["Outlet"]


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            'url = "https://outlet.example/rss.xml"',
            'url = "outlet.example/rss.xml"',
            7,
            "bad URL 'outlet.example/rss.xml': write an absolute http:// or https:// address",
        ),
        (
            'url = "https://outlet.example/rss.xml"',
            'url = "ftp://outlet.example/rss.xml"',
            7,
            "bad URL 'ftp://outlet.example/rss.xml': write an absolute http:// or https:// address",
        ),
        (
            'lang = "vi"',
            'lang = "vn"',
            9,
            "unknown language 'vn': use a BCP 47 tag such as vi, km, zh-Hant",
        ),
        (
            'country = "VN"',
            'country = "VNM"',
            10,
            "unknown country 'VNM': use an ISO 3166 two-letter code in capitals, "
            "such as VN, KH, TH",
        ),
        (
            'country = "VN"',
            'country = "EU"',
            10,
            "unknown country 'EU': use an ISO 3166 two-letter code in capitals, such as VN, KH, TH",
        ),
        (
            "interval = 600",
            "intervall = 600",
            12,
            "unknown key 'intervall' (known: country, enabled, interval, lang, name, tags, url)",
        ),
        ("interval = 600", "interval = 5", 12, "'interval' must be whole seconds from 30 to 86400"),
        (
            'tags = ["news"]',
            'tags = "news"',
            11,
            '\'tags\' must be a list of strings, such as ["news", "official"]',
        ),
        ('name = "Outlet"', "", 6, "missing 'name'"),
    ],
    ids=[
        "no-scheme",
        "ftp",
        "language",
        "country",
        "not-a-country",
        "unknown-key",
        "interval",
        "tags",
        "missing-name",
    ],
)
def test_each_mistake_is_reported_at_its_line(
    tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    write(tmp_path, "asia.toml", GOOD.replace(old, new))
    assert messages(check_feed_files(tmp_path)) == [("asia.toml", line, message)]
    with pytest.raises(OperatorFileError, match=re.escape(message)):
        load_feed_files(tmp_path)


def test_toml_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    write(tmp_path, "asia.toml", GOOD.replace('lang = "vi"', 'lang = "vi'))
    [(name, line, message)] = messages(check_feed_files(tmp_path))
    assert (name, line) == ("asia.toml", 9)
    assert message.startswith("not valid TOML: ")


def test_the_same_url_in_two_files_is_reported_where_it_repeats(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", GOOD)
    write(
        tmp_path,
        "b.toml",
        "\n"
        + GOOD.replace("https://outlet.example", "HTTPS://Outlet.EXAMPLE").replace(
            "other.example", "fifth.example"
        ),
    )
    assert messages(check_feed_files(tmp_path)) == [
        ("b.toml", 7, f"duplicate URL: already listed at {tmp_path / 'a.toml'}:6; keep one"),
    ]


def test_unknown_top_level_and_set_keys_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", "title = 'x'\n" + GOOD.replace("enabled = true", "enabeld = true"))
    assert messages(check_feed_files(tmp_path)) == [
        ("a.toml", 1, "unknown key 'title' (a file has [set] and [[feed]] tables only)"),
        ("a.toml", 4, "unknown key 'enabeld' in [set] (known: description, enabled, name)"),
    ]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", GOOD.replace('lang = "vi"', 'lang = "xx"'))
    write(
        tmp_path,
        "b.toml",
        GOOD.replace("outlet.example", "b1.example")
        .replace("other.example", "b2.example")
        .replace('country = "HK"', 'country = "hk"'),
    )
    with pytest.raises(OperatorFileError) as failure:
        load_feed_files(tmp_path)
    assert [(Path(p.file).name, p.line) for p in failure.value.problems] == [
        ("a.toml", 9),
        ("b.toml", 18),
    ]


def test_a_missing_folder_or_an_empty_one_is_an_error(tmp_path: Path) -> None:
    assert messages(check_feed_files(tmp_path / "nope"))[0][2].startswith("no such file")
    assert messages(check_feed_files(tmp_path)) == [
        (tmp_path.name, 0, "no *.toml feed files in this folder")
    ]


def test_a_single_file_can_be_loaded(tmp_path: Path) -> None:
    assert len(load_feed_files(write(tmp_path, "a.toml", GOOD))) == 2


# --- the shipped feed files -------------------------------------------------------------------


def test_shipped_feed_files_have_no_problems() -> None:
    assert check_feed_files(SHIPPED) == []


def test_shipped_feeds_cover_the_regions_languages() -> None:
    languages = {s.lang.split("-")[0] for s in load_feed_files(SHIPPED)}
    assert {"vi", "en", "km", "th", "id", "zh", "lo", "my", "ko", "fr"} <= languages


def test_shipped_feeds_include_lure_phrase_searches_in_several_languages() -> None:
    searches = [s for s in load_feed_files(SHIPPED) if "search" in s.tags]
    assert len({s.lang for s in searches}) >= 5
    assert all(s.url.startswith("https://news.google.com/rss/search?q=") for s in searches)


def test_every_shipped_feed_says_where_its_url_was_documented() -> None:
    for path in sorted(SHIPPED.glob("*.toml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines):
            if text.strip() == "[[feed]]":
                assert lines[number - 1].startswith("#"), f"{path.name}:{number + 1}: no comment"


def test_guessed_urls_ship_switched_off() -> None:
    unverified = tomllib.loads((SHIPPED / "unverified.toml").read_text(encoding="utf-8"))
    guessed = {feed["url"] for feed in unverified["feed"]}
    assert unverified["set"]["enabled"] is False
    assert guessed and not guessed & {s.url for s in load_feed_files(SHIPPED)}
