"""OASIS Common Alerting Protocol 1.2 messages for the alerts the bot has issued.

CAP lets other warning systems (alert hubs, NGO dashboards, aggregators) take our warnings
without scraping Telegram. Each issued alert is published as one CAP message:

    Alert    a new warning
    Update   a follow-up of an earlier alert of the same story; `references` names that alert
    Cancel   the alert was retracted; `references` names the message it withdraws

The words of each `<info>` block (event, headline, description, hotline advice, area) are
rendered by the caller from templates, one block per locale; this module only arranges them.
Everything is built with ElementTree, so text from feeds never becomes markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from bot.models import Category
from bot.web.issued import PublishedAlert
from bot.web.xmltext import language_tag, web_link, xml_text, xml_time

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_MEDIA_TYPE = "application/cap+xml"
# Scam-compound recruitment threatens people's safety (trafficking, forced labour) and is
# organised crime: CAP's "Safety" and "Security" categories both apply.
CAP_CATEGORIES = ("Safety", "Security")
# CAP 1.2 §3.2.1: identifiers and senders must not contain spaces, commas, '<' or '&'.
_NOT_IN_IDENTIFIERS = frozenset(" \t\r\n,<&")


class MsgType(StrEnum):
    ALERT = "Alert"
    UPDATE = "Update"
    CANCEL = "Cancel"


@dataclass(frozen=True, slots=True)
class CapTexts:
    """One locale's words for an `<info>` block, rendered by the caller from templates."""

    event: str
    headline: str
    description: str
    instruction: str
    area_desc: str


@dataclass(frozen=True, slots=True)
class Assessment:
    """CAP's urgency, severity and certainty for a kind of alert, and what people should do."""

    urgency: str
    severity: str
    certainty: str
    response: str | None


# Why these values (CAP 1.2 §3.2.2): a lure or a trafficking report asks people to act when
# they meet such an offer ("Future", "Avoid"); being trafficked into a compound is a threat to
# life and liberty ("Severe"). A lure is our classifier's reading of a news report ("Likely");
# rescues and crackdowns are reported events ("Observed").
ASSESSMENTS: Mapping[str, Assessment] = {
    Category.RECRUITMENT_LURE: Assessment("Future", "Severe", "Likely", "Avoid"),
    Category.TRAFFICKING_VICTIMS: Assessment("Future", "Severe", "Observed", "Avoid"),
    Category.CRACKDOWN: Assessment("Future", "Moderate", "Observed", "Monitor"),
}
UNASSESSED = Assessment("Unknown", "Unknown", "Unknown", None)
# A withdrawn alert asks nothing of anyone any more.
WITHDRAWN = Assessment("Past", "Unknown", "Unknown", None)


@dataclass(frozen=True, slots=True)
class CapPublisher:
    """Who we are in CAP terms and where our documents live, from the public base URL."""

    base_url: str
    sender: str

    @classmethod
    def from_base_url(cls, base_url: str) -> CapPublisher:
        """Raise ValueError when the URL cannot name our messages (CAP forbids some characters)."""
        base_url = base_url.strip().rstrip("/")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{base_url!r} is not an absolute http(s) URL")
        if parts.query or parts.fragment or _NOT_IN_IDENTIFIERS & set(base_url):
            raise ValueError(
                f"{base_url!r} cannot name CAP messages: no query, fragment, spaces, "
                "commas, '<' or '&' allowed"
            )
        return cls(base_url=base_url, sender=parts.netloc)

    def alert_identifier(self, alert_id: int) -> str:
        return f"{self.base_url}/alerts/{alert_id}"

    def cancel_identifier(self, alert_id: int) -> str:
        return f"{self.base_url}/alerts/{alert_id}/cancel"

    def document_url(self, alert_id: int) -> str:
        """Where the alert's current CAP message is served."""
        return f"{self.base_url}/alerts/{alert_id}.cap.xml"


@dataclass(frozen=True, slots=True)
class CapReference:
    """An earlier message, in CAP's `sender,identifier,sent` form."""

    sender: str
    identifier: str
    sent: datetime

    def __str__(self) -> str:
        return f"{self.sender},{self.identifier},{xml_time(self.sent)}"


@dataclass(frozen=True, slots=True)
class CapEnvelope:
    """The identity of one CAP message: enough for an index entry without its texts."""

    identifier: str
    sender: str
    sent: datetime
    msg_type: MsgType
    references: tuple[CapReference, ...] = ()


@dataclass(frozen=True, slots=True)
class CapMessage:
    envelope: CapEnvelope
    assessment: Assessment
    web: str | None
    texts: Mapping[str, CapTexts]


def envelope_for(
    alert: PublishedAlert, publisher: CapPublisher, *, followed: PublishedAlert | None = None
) -> CapEnvelope:
    """The current message of an alert: its Cancel once retracted, else its Alert or Update.

    `followed` is the alert named by `alert.follows_alert_id`, when it is still public; an
    Update whose original is gone is still an Update, only without a reference.
    """
    original = CapReference(
        publisher.sender, publisher.alert_identifier(alert.alert_id), alert.created_at
    )
    if alert.retracted_at is not None:
        return CapEnvelope(
            identifier=publisher.cancel_identifier(alert.alert_id),
            sender=publisher.sender,
            sent=alert.retracted_at,
            msg_type=MsgType.CANCEL,
            references=(original,),
        )
    if alert.follows_alert_id is None:
        return CapEnvelope(original.identifier, publisher.sender, original.sent, MsgType.ALERT)
    references: tuple[CapReference, ...] = ()
    if followed is not None and followed.alert_id == alert.follows_alert_id:
        references = (
            CapReference(
                publisher.sender,
                publisher.alert_identifier(followed.alert_id),
                followed.created_at,
            ),
        )
    return CapEnvelope(
        original.identifier, publisher.sender, original.sent, MsgType.UPDATE, references
    )


def cap_message(
    alert: PublishedAlert,
    texts: Mapping[str, CapTexts],
    publisher: CapPublisher,
    *,
    followed: PublishedAlert | None = None,
) -> CapMessage:
    """The alert's current CAP message with one `<info>` block per locale of `texts`."""
    envelope = envelope_for(alert, publisher, followed=followed)
    if envelope.msg_type is MsgType.CANCEL:
        assessment = WITHDRAWN
    else:
        assessment = ASSESSMENTS.get(alert.category, UNASSESSED)
    return CapMessage(envelope, assessment, web_link(alert.url), texts)


def render_cap(message: CapMessage) -> bytes:
    """The message as a UTF-8 CAP 1.2 document, elements in the schema's order.

    Raises ValueError for a locale that is not a language tag: a wrong `<language>` would make
    the whole message invalid, and it can only come from a programming error.
    """
    envelope = message.envelope
    root = ET.Element(_tag("alert"))
    _add(root, "identifier", envelope.identifier)
    _add(root, "sender", envelope.sender)
    _add(root, "sent", xml_time(envelope.sent))
    _add(root, "status", "Actual")
    _add(root, "msgType", envelope.msg_type)
    _add(root, "scope", "Public")
    if envelope.references:
        _add(root, "references", " ".join(str(r) for r in envelope.references))
    for locale, texts in message.texts.items():
        root.append(_info(locale, texts, message.assessment, message.web))
    document: bytes = ET.tostring(
        root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NAMESPACE
    )
    return document


def _info(locale: str, texts: CapTexts, assessment: Assessment, web: str | None) -> ET.Element:
    language = language_tag(locale)
    if language is None:
        raise ValueError(f"locale {locale!r} is not a language tag")
    info = ET.Element(_tag("info"))
    _add(info, "language", language)
    for category in CAP_CATEGORIES:
        _add(info, "category", category)
    _add(info, "event", texts.event)
    if assessment.response is not None:
        _add(info, "responseType", assessment.response)
    _add(info, "urgency", assessment.urgency)
    _add(info, "severity", assessment.severity)
    _add(info, "certainty", assessment.certainty)
    _add(info, "headline", texts.headline)
    _add(info, "description", texts.description)
    _add(info, "instruction", texts.instruction)
    if web is not None:
        _add(info, "web", web)
    if texts.area_desc.strip():
        area = ET.SubElement(info, _tag("area"))
        _add(area, "areaDesc", texts.area_desc)
    return info


def _tag(name: str) -> str:
    return f"{{{CAP_NAMESPACE}}}{name}"


def _add(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, _tag(name)).text = xml_text(text)
