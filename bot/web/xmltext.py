"""Small rules every XML document we publish follows: safe text, times, language tags, links.

ElementTree escapes `<`, `&` and quotes, but it writes control characters unchanged, and XML
1.0 has no way to carry most of them: one stray byte from a feed would make a whole document
unreadable. They are dropped here instead.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

# Characters outside XML 1.0's `Char` production: C0 controls other than tab, LF and CR,
# lone surrogates, and the two non-characters U+FFFE and U+FFFF.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")
# Characters a URL may keep as they are; everything else (spaces, non-ASCII) is %-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot represent."""
    return _NOT_XML_CHAR.sub("", text)


def xml_time(moment: datetime) -> str:
    """CAP's and Atom's shared form: UTC, whole seconds, `+00:00` (CAP forbids `Z`).

    A naive time is taken as UTC: the store keeps every time in UTC, and some drivers hand
    them back without a zone.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def language_tag(locale: str) -> str | None:
    """The BCP 47 tag for a locale name (`pt_BR` → `pt-BR`), or None when it is not one."""
    tag = locale.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.match(tag) else None


def web_link(url: str) -> str | None:
    """An absolute http(s) URL safe to publish as a link, or None when `url` is not one."""
    url = xml_text(url).strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=_URL_SAFE)
