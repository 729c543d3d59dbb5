"""The Atom feeds: they parse cleanly with feedparser and link where they should."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import feedparser

from bot.web.atom import alerts_feed, cap_index_feed
from bot.web.cap import CapPublisher
from tests.web.samples import HOSTILE, LURE_EN, LURE_VI, RESCUE_KM, at, follow_up_of

PUBLISHER = CapPublisher.from_base_url("https://alerts.example.org")
CAP_TYPE = "application/cap+xml"


def parse(document: bytes) -> Any:
    parsed = feedparser.parse(document)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def links(entry: Any, rel: str) -> list[dict[str, str]]:
    return [link for link in entry.links if link.rel == rel]


def test_alerts_feed_links_each_news_report_and_its_cap_document() -> None:
    parsed = parse(alerts_feed([RESCUE_KM, LURE_EN, LURE_VI], PUBLISHER, title="Cảnh báo"))

    assert parsed.feed.title == "Cảnh báo"
    assert parsed.feed.id == "https://alerts.example.org/alerts.atom"
    assert [e.id for e in parsed.entries] == [
        "https://alerts.example.org/alerts/19",
        "https://alerts.example.org/alerts/18",
        "https://alerts.example.org/alerts/17",
    ]
    vi = parsed.entries[2]
    assert vi.title == LURE_VI.title
    assert vi.summary == LURE_VI.summary
    assert vi.link == LURE_VI.url
    assert links(vi, "related") == [
        {"rel": "related", "type": CAP_TYPE, "href": "https://alerts.example.org/alerts/17.cap.xml"}
    ]
    assert [t.term for t in vi.tags] == ["recruitment_lure"]


def test_each_alert_entry_declares_the_language_of_its_report() -> None:
    parsed = parse(alerts_feed([RESCUE_KM, LURE_VI], PUBLISHER, title="Alerts"))

    assert [e.title_detail.language for e in parsed.entries] == ["km", "vi"]


def test_feed_time_is_the_latest_change_and_entries_carry_their_issue_time() -> None:
    parsed = parse(alerts_feed([LURE_EN, LURE_VI], PUBLISHER, title="Alerts"))

    assert parsed.feed.updated == "2026-11-21T03:00:00+00:00"
    assert [e.updated for e in parsed.entries] == [
        "2026-11-21T03:00:00+00:00",
        "2026-11-20T07:30:00+00:00",
    ]


def test_retracted_alert_leaves_the_alerts_feed_and_moves_its_time() -> None:
    retracted = replace(LURE_EN, retracted_at=at(22, 9))

    parsed = parse(alerts_feed([retracted, LURE_VI], PUBLISHER, title="Alerts"))

    assert [e.id for e in parsed.entries] == ["https://alerts.example.org/alerts/17"]
    assert parsed.feed.updated == "2026-11-22T09:00:00+00:00"


def test_cap_index_lists_every_alert_current_message_as_a_cap_document() -> None:
    follow_up = follow_up_of(LURE_VI, 25, at(22, 8))
    retracted = replace(LURE_EN, retracted_at=at(22, 9))

    parsed = parse(cap_index_feed([follow_up, retracted, LURE_VI], PUBLISHER, title="CAP"))

    assert parsed.feed.id == "https://alerts.example.org/alerts.cap"
    assert [e.id for e in parsed.entries] == [
        "https://alerts.example.org/alerts/25",
        "https://alerts.example.org/alerts/18/cancel",
        "https://alerts.example.org/alerts/17",
    ]
    assert [[t.term for t in e.tags] for e in parsed.entries] == [["Update"], ["Cancel"], ["Alert"]]
    assert [links(e, "alternate") for e in parsed.entries] == [
        [
            {
                "rel": "alternate",
                "type": CAP_TYPE,
                "href": f"https://alerts.example.org/alerts/{n}.cap.xml",
            }
        ]
        for n in (25, 18, 17)
    ]
    assert parsed.entries[1].updated == "2026-11-22T09:00:00+00:00"


def test_empty_feeds_are_still_valid_atom() -> None:
    for document in (
        alerts_feed([], PUBLISHER, title="Alerts"),
        cap_index_feed([], PUBLISHER, title="CAP"),
    ):
        parsed = parse(document)
        assert parsed.entries == []
        assert parsed.feed.updated == "1970-01-01T00:00:00+00:00"


def test_hostile_titles_and_summaries_stay_plain_text() -> None:
    hostile = replace(LURE_VI, title=HOSTILE, summary=HOSTILE)

    for document in (
        alerts_feed([hostile], PUBLISHER, title=HOSTILE),
        cap_index_feed([hostile], PUBLISHER, title=HOSTILE),
    ):
        assert b"<script>" not in document
        parsed = parse(document)
        # feedparser trims surrounding white space; the control characters are gone.
        expected = "<b>Lương</b> cao & <script>alert(1)</script> ]]> &amp;"
        assert parsed.feed.title == expected
        assert parsed.entries[0].title == expected
        assert parsed.entries[0].title_detail.type == "text/plain"


def test_an_alert_without_a_usable_report_link_carries_its_text_as_content() -> None:
    unlinked = replace(LURE_VI, url="not a link")

    entry = parse(alerts_feed([unlinked], PUBLISHER, title="Alerts")).entries[0]

    assert links(entry, "alternate") == []
    assert entry.content[0].value == LURE_VI.summary
