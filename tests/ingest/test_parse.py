"""Feed bytes to Items: ids, links, text, time and language, and the policy for broken feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import FeedError
from bot.ingest.parse import parse_feed, read_feed
from bot.models import Item
from tests.ingest.builders import Entry, rss, source

FETCHED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
FEED = source("https://outlet.example/rss.xml", lang="vi", country="VN")
RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "feedparser-tests"


def parse(body: bytes, headers: dict[str, str] | None = None) -> list[Item]:
    return parse_feed(body, RSS_HEADERS if headers is None else headers, FEED, FETCHED)


def test_item_id_is_stable_across_polls_and_unique_across_feeds() -> None:
    body = rss(Entry("Giải cứu 17 người", link="https://outlet.example/a", guid="a-1"))
    first, again = parse(body)[0], parse(body)[0]
    other_feed = parse_feed(body, RSS_HEADERS, source("https://other.example/rss"), FETCHED)[0]
    assert first.item_id == again.item_id
    assert first.item_id != other_feed.item_id


def test_item_id_falls_back_to_link_then_to_title_and_date() -> None:
    by_link = parse(rss(Entry("A", link="https://outlet.example/a?utm_source=x")))[0]
    same_link = parse(rss(Entry("A (updated)", link="https://OUTLET.example/a")))[0]
    by_text = parse(rss(Entry("Only a title")))[0]
    by_text_later = parse(rss(Entry("Only a title", published="Mon, 02 Nov 2026 07:00:00 GMT")))[0]
    assert by_link.item_id == same_link.item_id
    assert by_text.item_id != by_text_later.item_id


def test_item_without_date_gets_the_same_id_on_every_poll() -> None:
    body = rss(Entry("Undated headline", published=None))
    first = parse_feed(body, RSS_HEADERS, FEED, FETCHED)[0]
    later = parse_feed(body, RSS_HEADERS, FEED, FETCHED.replace(hour=9))[0]
    assert first.item_id == later.item_id


def test_link_is_canonical_and_relative_links_resolve_against_the_feed() -> None:
    items = parse(
        rss(
            Entry("A", link="/tin/a.html?fbclid=1"),
            Entry("B", link="HTTPS://Outlet.Example/b?utm_campaign=x&id=2"),
        )
    )
    assert [i.url for i in items] == [
        "https://outlet.example/tin/a.html",
        "https://outlet.example/b?id=2",
    ]


def test_published_time_is_utc_and_missing_or_future_time_becomes_fetch_time() -> None:
    items = parse(
        rss(
            Entry("Zoned", published="Sun, 01 Nov 2026 14:00:00 +0700"),
            Entry("Missing", published=None),
            Entry("Future", published="Fri, 01 Jan 2100 00:00:00 GMT"),
        )
    )
    assert [i.published for i in items] == [
        datetime(2026, 11, 1, 7, 0, tzinfo=UTC),
        FETCHED,
        FETCHED,
    ]


def test_language_comes_from_the_feed_file_else_from_the_feed() -> None:
    without_lang = source("https://outlet.example/rss.xml", lang="")
    from_file = parse(rss(Entry("A"), language="en"))[0]
    from_feed = parse_feed(rss(Entry("A"), language="km"), RSS_HEADERS, without_lang, FETCHED)[0]
    assert (from_file.lang, from_feed.lang) == ("vi", "km")


def test_aggregator_items_name_the_real_outlet_and_lose_its_suffix() -> None:
    item = parse(rss(Entry("Police free 64 workers - Khmer Daily", outlet="Khmer Daily")))[0]
    assert (item.title, item.source) == ("Police free 64 workers", "Khmer Daily")


def test_script_and_markup_in_titles_and_summaries_become_plain_text() -> None:
    item = parse(
        rss(
            Entry(
                "&lt;script&gt;alert(1)&lt;/script&gt;Raid &lt;b&gt;frees&lt;/b&gt; 40"
                " &amp;amp; more",
                summary='<p onclick="x()">Forty <i>workers</i><img src=x onerror=alert(1)></p>'
                "<script>document.cookie</script>",
                raw_title=True,
            )
        )
    )[0]
    assert item.title == "Raid frees 40 & more"
    assert item.summary == "Forty workers"


def test_entries_with_neither_title_nor_summary_are_skipped() -> None:
    assert parse(rss(Entry("", link="https://outlet.example/empty"), Entry("Kept"))) != []
    assert [i.title for i in parse(rss(Entry(""), Entry("Kept")))] == ["Kept"]


def test_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html><html><head><title>Login</title></head><body>Sign in</body></html>"
    with pytest.raises(FeedError, match="not a feed: got an HTML page"):
        parse(page, {"Content-Type": "text/html"})


def test_unrecoverable_xml_is_not_a_feed_and_says_where_it_broke() -> None:
    with pytest.raises(FeedError, match=r"not a feed: the XML is broken \(.* at line 1\)"):
        parse(b"<?xml version='1.0'?><rss version='2.0'><channel><<<>>>&&&")


def test_recoverable_xml_keeps_its_items_and_notes_the_damage() -> None:
    body = (
        b"<rss version='2.0'><channel><item><title>One</title></item>"
        b"<item><title>Two</title><link>x</rss>"
    )
    parsed = read_feed(body, RSS_HEADERS, FEED, FETCHED)
    assert [i.title for i in parsed.items] == ["One", "Two"]
    assert parsed.note is not None and "XML is broken" in parsed.note


def test_wrong_charset_is_read_anyway_and_noted() -> None:
    body = rss(Entry("Café “Sihanoukville” – raid"), encoding="utf-8").decode().encode("cp1252")
    parsed = read_feed(body, RSS_HEADERS, FEED, FETCHED)
    assert parsed.items[0].title == "Café “Sihanoukville” – raid"
    assert parsed.note is not None and "character set" in parsed.note


def test_missing_charset_defaults_to_utf8() -> None:
    body = rss(Entry("Lừa đảo việc nhẹ lương cao 高薪")).replace(b' encoding="utf-8"', b"")
    assert parse(body, {"Content-Type": "application/xml"})[0].title == (
        "Lừa đảo việc nhẹ lương cao 高薪"
    )


def test_entity_expansion_is_refused_before_parsing() -> None:
    laughs = b"".join(
        [
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">',
            *(
                f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                for i in range(9)
            ),
            b']><rss version="2.0"><channel><item><title>&j;</title></item></channel></rss>',
        ]
    )
    with pytest.raises(FeedError, match="billion laughs"):
        parse(laughs)


def test_empty_response_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match="empty response"):
        parse(b"  \n")


def test_a_flood_of_entries_is_cut_to_the_per_feed_limit() -> None:
    body = rss(*(Entry(f"Item {i}", guid=str(i)) for i in range(1000)))
    assert len(parse(body)) == 300


def test_every_feedparser_corpus_file_parses_to_plain_str_fields_or_a_feed_error() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"feedparser corpus not found at {CORPUS} (../shared is not checked out)")
    files = sorted(p for p in CORPUS.rglob("*.xml") if p.is_file())
    assert files, f"no .xml files under {CORPUS}"
    produced = 0
    for path in files:
        try:
            items = parse(path.read_bytes(), _corpus_headers(path.read_bytes()))
        except FeedError:
            continue
        for item in items:
            produced += 1
            for field in (item.item_id, item.title, item.summary, item.url, item.source, item.lang):
                assert isinstance(field, str), (path, item)
            assert "<script" not in item.title.lower() + item.summary.lower(), path
    assert produced > 100


def _corpus_headers(body: bytes) -> dict[str, str]:
    """The `Header:` line an http_* corpus file asks to be served with, if any."""
    for line in body.decode("latin-1").splitlines()[:8]:
        if line.strip().startswith("Header:"):
            name, _, value = line.split(":", 1)[1].partition(":")
            return {name.strip(): value.strip()}
    return {}
