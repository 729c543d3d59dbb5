"""Feed documents written by the tests: small RSS and Atom texts built from plain values."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from bot.models import FeedSource

PUBLISHED = "Sun, 01 Nov 2026 07:00:00 GMT"  # an hour before the tests' clock starts


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    link: str = ""
    guid: str | None = None
    published: str | None = PUBLISHED
    summary: str = ""
    outlet: str | None = None  # <source>, as news aggregators write it
    raw_title: bool = False  # put the title in as written: markup tests need that


def rss(*entries: Entry, language: str = "en", encoding: str = "utf-8") -> bytes:
    items = "".join(_item(entry) for entry in entries)
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<rss version="2.0"><channel><title>Test outlet</title>'
        f"<link>https://outlet.example/</link><description>News</description>"
        f"<language>{language}</language>{items}</channel></rss>"
    ).encode(encoding, errors="xmlcharrefreplace")


def _item(entry: Entry) -> str:
    parts = [f"<title>{entry.title if entry.raw_title else escape(entry.title)}</title>"]
    if entry.link:
        parts.append(f"<link>{escape(entry.link)}</link>")
    if entry.guid:
        parts.append(f'<guid isPermaLink="false">{escape(entry.guid)}</guid>')
    if entry.published:
        parts.append(f"<pubDate>{entry.published}</pubDate>")
    if entry.summary:
        parts.append(f"<description>{escape(entry.summary)}</description>")
    if entry.outlet:
        parts.append(
            f'<source url="https://{entry.outlet.lower().replace(" ", "")}.example">'
            f"{escape(entry.outlet)}</source>"
        )
    return f"<item>{''.join(parts)}</item>"


def numbered(count: int, prefix: str = "Story") -> list[Entry]:
    """`count` distinct entries whose headlines share no words, so none cluster together."""
    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliett",
        "kilo",
        "lima",
        "mike",
        "november",
        "oscar",
        "papa",
        "quebec",
        "romeo",
    ]
    return [
        Entry(
            title=f"{prefix} {words[i % len(words)]}{i} {words[(i * 7 + 3) % len(words)]}{i} "
            f"{words[(i * 5 + 1) % len(words)]}{i}",
            link=f"https://outlet.example/{prefix.lower()}/{i}",
            guid=f"{prefix.lower()}-{i}",
        )
        for i in range(count)
    ]


def source(
    url: str,
    *,
    name: str = "Test outlet",
    lang: str = "en",
    country: str = "KH",
    interval: int | None = None,
) -> FeedSource:
    return FeedSource(url=url, name=name, lang=lang, country=country, interval=interval)
