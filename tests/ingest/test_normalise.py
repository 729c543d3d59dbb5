"""Links and text from feeds, made canonical and plain."""

from __future__ import annotations

import pytest

from bot.ingest.normalise import canonical_url, plain_text


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("HTTPS://News.Example.COM/a/b?id=7", "https://news.example.com/a/b?id=7"),
        ("https://news.example.com:443/a", "https://news.example.com/a"),
        ("http://news.example.com:8080/a", "http://news.example.com:8080/a"),
        (
            "https://news.example.com/a?utm_source=fb&utm_medium=social&id=7",
            "https://news.example.com/a?id=7",
        ),
        ("https://news.example.com/a?fbclid=XYZ", "https://news.example.com/a"),
        ("https://news.example.com/a?gclid=1&p=2&mc_cid=3", "https://news.example.com/a?p=2"),
        ("https://news.example.com/a#comments", "https://news.example.com/a"),
        ("https://news.example.com", "https://news.example.com/"),
        ("https://news.example.com/a?12345", "https://news.example.com/a?12345"),
    ],
)
def test_canonical_url_lowercases_host_and_drops_trackers(link: str, expected: str) -> None:
    assert canonical_url(link) == expected


def test_relative_link_is_resolved_against_the_feed() -> None:
    assert canonical_url("/tin/17-nguoi.html", "https://bao.example.vn/rss/thoi-su.rss") == (
        "https://bao.example.vn/tin/17-nguoi.html"
    )


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://x.example/a",
        "",
        "   ",
        "http://[::1",
    ],
)
def test_anything_but_an_http_link_becomes_empty(link: str) -> None:
    assert canonical_url(link) == ""


def test_plain_text_drops_scripts_styles_and_tags_and_decodes_entities() -> None:
    html = (
        "<p>Police <b>free</b> 64&nbsp;workers &amp; arrest 3</p><script>steal()</script>"
        "<style>p{}</style><!-- hidden -->"
    )
    assert plain_text(html) == "Police free 64 workers & arrest 3"


def test_plain_text_keeps_a_lone_less_than_sign() -> None:
    assert plain_text("Fewer than 3 < 5 recruits") == "Fewer than 3 < 5 recruits"


def test_plain_text_folds_whitespace_and_removes_invisible_characters() -> None:
    assert plain_text("  Scam\u200b hub\n\n raided \u202eevil ") == "Scam hub raided evil"


def test_plain_text_breaks_paragraphs_into_words_not_glued_text() -> None:
    assert plain_text("<p>First.</p><p>Second.</p>") == "First. Second."


def test_plain_text_cuts_long_text_with_an_ellipsis() -> None:
    assert plain_text("word " * 100, limit=20) == "word word word word…"
