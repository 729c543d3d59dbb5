"""Feed health as operators read it: `alertbot feeds`, the admin command and metrics."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.models import FeedSource, FeedState


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """One feed's record: is it working, since when not, and why, in plain words."""

    url: str
    name: str
    status: str  # "new" (never polled), "ok", "failing" or "dead"
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    items_seen: int
    next_poll_at: datetime | None

    @classmethod
    def of(cls, source: FeedSource, state: FeedState) -> FeedHealth:
        return cls(
            url=source.url,
            name=source.name,
            status=_status(state),
            last_success_at=state.last_success_at,
            last_error=state.last_error,
            last_error_at=state.last_error_at,
            consecutive_failures=state.consecutive_failures,
            items_seen=state.items_seen,
            next_poll_at=state.next_poll_at,
        )


def _status(state: FeedState) -> str:
    if state.dead:
        return "dead"
    if state.consecutive_failures:
        return "failing"
    return "ok" if state.last_success_at else "new"


_HEADERS = ("FEED", "STATUS", "LAST SUCCESS", "FAILS", "ITEMS", "LAST ERROR")


def format_health_table(rows: Sequence[FeedHealth]) -> str:
    """A fixed-width table, worst feeds first; the error column is never cut short.

    Widths count what a terminal shows: Thai vowel marks take no column, Chinese and Korean
    characters two, so the columns line up in every script the feed names use.
    """
    order = {"dead": 0, "failing": 1, "new": 2, "ok": 3}
    lines = [
        (
            _shorten(row.name, 32),
            row.status,
            _when(row.last_success_at),
            str(row.consecutive_failures),
            str(row.items_seen),
            f"{_when(row.last_error_at)} {row.last_error}" if row.last_error else "-",
        )
        for row in sorted(rows, key=lambda r: order.get(r.status, 9))
    ]
    widths = [max(_width(cells[i]) for cells in [_HEADERS, *lines]) for i in range(5)]
    return "\n".join(
        "  ".join(_pad(cell, width) for cell, width in zip(cells[:5], widths, strict=True))
        + "  "
        + cells[5]
        for cells in [_HEADERS, *lines]
    )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _shorten(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"
