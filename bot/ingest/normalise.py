"""Untrusted feed text and links made plain: text without markup, links without trackers.

Everything downstream (classifier, templates, "also reported by") compares and shows these
values, so they are normalised once here. The output is plain text, not safe HTML: templates
escape it on the way out, so stripping does not have to be a sanitiser, only thorough.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Whole elements whose content is never prose a reader should see.
_INVISIBLE = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg|math)\b.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[|\]\]>", re.DOTALL)
# A tag starts with a letter, '/', '!' or '?': "3 < 5" in a headline is left alone.
_TAG = re.compile(r"</?[A-Za-z!?][^<>]*(?:>|\Z)")
_BLOCK_TAG = re.compile(r"<(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
# C0/C1 controls, zero-width and bidi overrides: invisible, and a way to disguise text.
_INVISIBLE_CHARS = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)

# Query parameters that identify a campaign or a click, never the page.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "rb_clickid",
        "s_cid",
        "ncid",
        "cmpid",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def plain_text(value: str, *, limit: int | None = None) -> str:
    """Text as a reader sees it: markup and invisible characters gone, entities decoded.

    Every field is treated as HTML, even one the feed calls plain text: feeds mislabel often,
    and a literal "<b>" in a headline is far rarer than markup in the wrong place.
    """
    if "<" in value or "&" in value:
        value = _INVISIBLE.sub(" ", value)
        value = _COMMENT.sub(" ", value)
        value = _BLOCK_TAG.sub(" ", value)
        value = _TAG.sub("", value)
        value = html.unescape(value)
    value = unicodedata.normalize("NFC", value)
    if not value.isprintable():  # every invisible character is a control or format character
        value = _INVISIBLE_CHARS.sub("", value)
    value = " ".join(value.split())
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def canonical_url(link: str, base: str = "") -> str:
    """One spelling per page, so the same article is recognised however it was linked.

    Returns "" for anything that is not an absolute http(s) URL (`javascript:`, `data:`,
    garbage): such a link must never reach a subscriber as something to tap.
    """
    if not link.isprintable():
        link = _INVISIBLE_CHARS.sub("", link)
    link = link.strip()
    if not link:
        return ""
    try:
        absolute = link.startswith(("http://", "https://"))  # nothing to resolve
        parts = urlsplit(urljoin(base, link) if base and not absolute else link)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if scheme not in _DEFAULT_PORTS or not host:
        return ""
    try:
        netloc = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = _without_trackers(parts.query) if parts.query else ""
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _without_trackers(query: str) -> str:
    """The query minus tracking parameters; untouched when it has none (`?123` stays `?123`)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    return query if len(kept) == len(pairs) else urlencode(kept)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)
