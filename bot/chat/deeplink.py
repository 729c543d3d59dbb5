"""Deep links `t.me/<bot>?start=<payload>`: a poster or a shared link preselects language and
province.

The payload is `<locale>` or `<locale>_<province code>`, e.g. `vi_an-giang`. Telegram allows at
most 64 characters of `A-Za-z0-9_-`; anything else, or a locale or province we do not know, is
ignored and the person goes through the normal flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from bot.classify.places import province_codes
from bot.render import SUPPORTED_LOCALES

_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class StartChoice:
    """What a deep link preselects."""

    locale: str
    province: str | None = None


def parse_payload(payload: str | None) -> StartChoice | None:
    """The preselection a payload carries; None for no payload or an invalid one."""
    if not payload or not _PAYLOAD.match(payload):
        return None
    locale, separator, province = payload.partition("_")
    if locale.lower() not in SUPPORTED_LOCALES:
        return None
    if separator and province not in province_codes():
        return None
    return StartChoice(locale.lower(), province or None)


def payload_for(locale: str | None = None, province: str | None = None) -> str:
    """The payload for a choice; raises ValueError for what `parse_payload` would refuse."""
    if locale is None:
        return ""
    payload = f"{locale}_{province}" if province else locale
    if parse_payload(payload) != StartChoice(locale, province):
        raise ValueError(f"no deep link for locale {locale!r} and province {province!r}")
    return payload


def start_link(bot_username: str, locale: str | None = None, province: str | None = None) -> str:
    """`https://t.me/<bot>` with the start payload for this choice, if any."""
    base = f"https://t.me/{quote(bot_username.lstrip('@'))}"
    payload = payload_for(locale, province)
    return f"{base}?start={payload}" if payload else base
