"""Feed bytes → `Item`s, with feedparser and an explicit policy for broken feeds.

feedparser only ever sees bytes wrapped in a stream (a bare string may be taken for a URL or
a path) together with the response headers, so it can honour the charset. The policy:

- nothing usable (HTML page, empty body, XML too broken to recover) → `FeedError`;
- items recovered from a broken document → kept, with a plain-words note for feed health;
- a document that declares its own XML entities → refused before parsing ("billion laughs").

This is CPU work (about 10 ms for a 30-item feed); the poller runs it off the event loop.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.errors import FeedError
from bot.ingest.normalise import canonical_url, plain_text
from bot.models import FeedSource, Item

MAX_ITEMS_PER_FEED = 300
TITLE_LIMIT = 300
SUMMARY_LIMIT = 1500

_ENTITY_DECLARATION = (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))
_HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
# Entry fields are read with `dict.get`, not `entry.get`: FeedParserDict's own lookup (aliases,
# deprecated keys) costs more than the rest of `_item`, and the keys read here are stored under
# their own names.
_get = dict.get


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one document yielded, and what was wrong with it if anything (for feed health)."""

    items: list[Item]
    note: str | None = None


def parse_feed(
    body: bytes, headers: Mapping[str, str], source: FeedSource, fetched_at: datetime
) -> list[Item]:
    """The document's entries as `Item`s; raises `FeedError` when it holds no feed at all."""
    return read_feed(body, headers, source, fetched_at).items


def read_feed(
    body: bytes, headers: Mapping[str, str], source: FeedSource, fetched_at: datetime
) -> ParsedFeed:
    """Like `parse_feed`, keeping feedparser's complaints about a recoverable document."""
    lowered = {name.lower(): value for name, value in headers.items()}
    _refuse_unusable(body, lowered)
    # Links are resolved by canonical_url below; handing feedparser a base URI as well would
    # make it resolve every element again (a third of its time on a typical feed).
    base = lowered.pop("content-location", "") or source.url
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=lowered,
        sanitize_html=False,  # we keep plain text only, see normalise.plain_text
        resolve_relative_uris=False,
    )
    if not parsed.entries and (_broken(parsed) or not parsed.get("version")):
        raise FeedError(_why_not_a_feed(body, lowered, parsed))
    feed_lang = str(parsed.feed.get("language") or "")
    items = [
        item
        for entry in parsed.entries[:MAX_ITEMS_PER_FEED]
        if (item := _item(entry, source, base, feed_lang, fetched_at)) is not None
    ]
    return ParsedFeed(items, _note(parsed, len(items)))


def _refuse_unusable(body: bytes, headers: Mapping[str, str]) -> None:
    if not body.strip():
        raise FeedError("not a feed: the server sent an empty response")
    if _HTML_START.match(body[:4096]):
        raise FeedError(
            "not a feed: got an HTML page (the feed may have moved, or a login or "
            "error page is shown instead)"
        )
    prolog = body[:65536]  # a DTD's internal subset comes before the root element
    if any(marker in prolog for marker in _ENTITY_DECLARATION):
        raise FeedError(
            "refused: the feed declares its own XML entities, a known way to make "
            'a parser exhaust memory ("billion laughs")'
        )


def _why_not_a_feed(body: bytes, headers: Mapping[str, str], parsed: Any) -> str:
    if "html" in headers.get("content-type", "") and b"<rss" not in body[:4096]:
        return "not a feed: got an HTML page (the feed may have moved)"
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXParseException):
        return f"not a feed: the XML is broken ({_where(problem)})"
    return "not a feed: no RSS or Atom content found in the response"


def _where(problem: xml.sax.SAXParseException) -> str:
    return f"{problem.getMessage()} at line {problem.getLineNumber()}"


def _broken(parsed: Any) -> bool:
    """feedparser had to repair the XML itself, not merely guess a charset or content type."""
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    return bool(parsed.get("bozo")) and not isinstance(parsed.get("bozo_exception"), harmless)


def _note(parsed: Any, kept: int) -> str | None:
    """A plain-words warning for a document feedparser had to repair, or None if it was clean."""
    if not parsed.get("bozo"):
        return None
    problem = parsed.get("bozo_exception")
    if isinstance(problem, feedparser.CharacterEncodingOverride):
        return f"the feed's character set is wrong ({problem})"
    if isinstance(problem, feedparser.NonXMLContentType):
        return None  # served as text/plain or similar: common, and harmless once parsed
    if isinstance(problem, xml.sax.SAXParseException):
        return f"the XML is broken ({_where(problem)}); {kept} items recovered anyway"
    return f"the feed has errors ({type(problem).__name__}); {kept} items recovered anyway"


def _item(
    entry: Any, source: FeedSource, base: str, feed_lang: str, fetched_at: datetime
) -> Item | None:
    outlet_of = _get(entry, "source")
    outlet = plain_text(str(_get(outlet_of, "title") or ""), limit=200) if outlet_of else ""
    title = _without_outlet_suffix(
        plain_text(str(_get(entry, "title") or ""), limit=TITLE_LIMIT), outlet
    )
    summary = plain_text(_summary_html(entry), limit=SUMMARY_LIMIT)
    url = canonical_url(str(_get(entry, "link") or ""), base)
    if not (title or summary):
        return None
    return Item(
        item_id=item_id(source.url, entry, url, title),
        feed_url=source.url,
        source=outlet or source.name,
        url=url,
        title=title,
        summary=summary,
        published=_published(entry, fetched_at),
        lang=source.lang or feed_lang,
        country=source.country,
    )


def item_id(feed_url: str, entry: Any, url: str, title: str) -> str:
    """Stable across polls and unique across feeds: feed URL + guid, else link, else title+date.

    The date is the feed's own text for it, never the fetch time, which changes every poll.
    """
    guid = str(_get(entry, "id") or "").strip()
    if guid:
        key = f"id:{guid}"
    elif url:
        key = f"url:{url}"
    else:
        key = f"text:{title}|{_get(entry, 'published') or _get(entry, 'updated') or ''}"
    return hashlib.sha256(f"{feed_url}\n{key}".encode()).hexdigest()[:32]


def _summary_html(entry: Any) -> str:
    summary = _get(entry, "summary")
    if summary:
        return str(summary)
    content = _get(entry, "content") or []
    return str(content[0].get("value") or "") if content else ""


def _without_outlet_suffix(title: str, outlet: str) -> str:
    """ "Headline - Outlet" (news aggregators) → "Headline", so outlets' titles can be compared."""
    suffix = f" - {outlet}"
    if outlet and title.endswith(suffix) and len(title) > len(suffix):
        return title[: -len(suffix)].rstrip()
    return title


def _published(entry: Any, fetched_at: datetime) -> datetime:
    """UTC time of publication; the fetch time when missing, unreadable or in the future."""
    parsed: time.struct_time | None = _get(entry, "published_parsed") or _get(
        entry, "updated_parsed"
    )
    if parsed is None:
        return fetched_at
    try:
        published = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return fetched_at
    return min(published, fetched_at)
