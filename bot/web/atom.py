"""Atom feeds of issued alerts: one for people's feed readers, one indexing the CAP messages.

`/alerts.atom` lists the alerts in force, each linking the news report it is based on. A
retracted alert leaves this feed (a withdrawn warning should not reach anyone new) while the
feed's `updated` time moves, so readers fetch it again.

`/alerts.cap` is the index alert hubs poll (the "CAP feed" convention): one entry per alert
for its current message, Alert, Update or Cancel, linking the CAP document as
`application/cap+xml`. Retracted alerts stay in it, as their Cancel.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.web.cap import CAP_MEDIA_TYPE, CAP_NAMESPACE, CapPublisher, envelope_for
from bot.web.issued import PublishedAlert
from bot.web.xmltext import language_tag, web_link, xml_text, xml_time

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"
ALERTS_FEED_PATH = "/alerts.atom"
CAP_INDEX_PATH = "/alerts.cap"
CATEGORY_SCHEME = "urn:alertbot:category"
MSG_TYPE_SCHEME = f"{CAP_NAMESPACE}#msgType"
# `updated` of a feed that has never had an entry: Atom requires some time.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, slots=True)
class FeedTitles:
    """The feeds' titles: words people read, so the caller takes them from its catalog."""

    alerts: str
    cap_index: str


def alerts_feed(alerts: Sequence[PublishedAlert], publisher: CapPublisher, *, title: str) -> bytes:
    """The Atom feed of the alerts in force, in the order given (newest first)."""
    feed = _feed(title, publisher, ALERTS_FEED_PATH, _last_change(alerts))
    for alert in alerts:
        if alert.retracted_at is None:
            feed.append(_alert_entry(alert, publisher))
    return _serialise(feed)


def cap_index_feed(
    alerts: Sequence[PublishedAlert], publisher: CapPublisher, *, title: str
) -> bytes:
    """The Atom index of the alerts' current CAP messages, in the order given."""
    feed = _feed(title, publisher, CAP_INDEX_PATH, _last_change(alerts))
    for alert in alerts:
        envelope = envelope_for(alert, publisher)
        entry = ET.SubElement(feed, "entry")
        _add(entry, "id", envelope.identifier)
        _add(entry, "title", alert.title, type="text")
        _add(entry, "updated", xml_time(envelope.sent))
        _add(
            entry,
            "link",
            rel="alternate",
            type=CAP_MEDIA_TYPE,
            href=publisher.document_url(alert.alert_id),
        )
        _add(entry, "category", term=envelope.msg_type, scheme=MSG_TYPE_SCHEME)
    return _serialise(feed)


def _alert_entry(alert: PublishedAlert, publisher: CapPublisher) -> ET.Element:
    entry = ET.Element("entry")
    language = language_tag(alert.lang)
    if language is not None:
        entry.set(_XML_LANG, language)
    _add(entry, "id", publisher.alert_identifier(alert.alert_id))
    _add(entry, "title", alert.title, type="text")
    _add(entry, "updated", xml_time(alert.created_at))
    _add(entry, "category", term=alert.category, scheme=CATEGORY_SCHEME)
    report = web_link(alert.url)
    if report is None:
        # Atom: an entry without an alternate link must carry its content.
        _add(entry, "content", alert.summary, type="text")
    else:
        _add(entry, "link", rel="alternate", type="text/html", href=report)
        _add(entry, "summary", alert.summary, type="text")
    _add(
        entry,
        "link",
        rel="related",
        type=CAP_MEDIA_TYPE,
        href=publisher.document_url(alert.alert_id),
    )
    return entry


def _feed(title: str, publisher: CapPublisher, path: str, updated: datetime) -> ET.Element:
    # The namespace is declared by hand: ElementTree's `default_namespace` refuses
    # unqualified attributes such as `rel` and `href` (a long-standing CPython bug).
    feed = ET.Element("feed", xmlns=ATOM_NAMESPACE)
    _add(feed, "id", f"{publisher.base_url}{path}")
    _add(feed, "title", title, type="text")
    _add(feed, "updated", xml_time(updated))
    author = ET.SubElement(feed, "author")
    _add(author, "name", publisher.sender)
    _add(author, "uri", publisher.base_url)
    _add(feed, "link", rel="self", type=ATOM_MEDIA_TYPE, href=f"{publisher.base_url}{path}")
    return feed


def _last_change(alerts: Sequence[PublishedAlert]) -> datetime:
    """The latest issue or retraction: a retraction changes both feeds."""
    times = [alert.created_at for alert in alerts]
    times += [alert.retracted_at for alert in alerts if alert.retracted_at is not None]
    return max(times, key=xml_time, default=NEVER)


def _serialise(feed: ET.Element) -> bytes:
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> None:
    element = ET.SubElement(parent, name, {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
