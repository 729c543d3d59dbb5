"""Domain types shared by every stage: feeds → items → verdicts → alerts → deliveries.

They are plain frozen dataclasses with no I/O so that `ingest`, `classify`, `render` and
`deliver` can exchange them without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class Category(StrEnum):
    """What a news item is about, as far as warning people is concerned."""

    RECRUITMENT_LURE = "recruitment_lure"
    TRAFFICKING_VICTIMS = "trafficking_victims"
    CRACKDOWN = "crackdown"
    NOT_RELEVANT = "not_relevant"


class Decision(StrEnum):
    """What the pipeline does with a verdict, from the configured thresholds."""

    ALERT = "alert"
    REVIEW = "review"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class FeedSource:
    """One `[[feed]]` table of an operator's feed file."""

    url: str
    name: str
    lang: str
    country: str
    tags: tuple[str, ...] = ()
    interval: int | None = None
    file: str = ""
    line: int = 0


@dataclass(slots=True)
class FeedState:
    """What the poller remembers about one feed between polls and across restarts."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    next_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_failures: int = 0
    items_seen: int = 0
    dead: bool = False
    dead_notified: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """One normalised feed entry: plain text only, UTC time, canonical URL."""

    item_id: str
    feed_url: str
    source: str
    url: str
    title: str
    summary: str
    published: datetime
    lang: str
    country: str = ""

    def __reduce__(self) -> tuple[type[Item], tuple[str | datetime, ...]]:
        """Pickled as its fields: parser processes send thousands of items per poll, and the
        default for a frozen dataclass with slots (a state dict, set field by field) takes
        twice as long both ways."""
        return Item, (
            self.item_id, self.feed_url, self.source, self.url, self.title, self.summary,
            self.published, self.lang, self.country,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Cue:
    """A phrase the classifier matched, and why it counts."""

    phrase: str
    group: str
    weight: float


class Verdict(NamedTuple):
    """The classifier's judgement of one text, with the evidence for it.

    A named tuple rather than a frozen dataclass: the classifier makes one per news item, and
    a frozen dataclass sets each of its eight fields through `object.__setattr__`, which cost
    a tenth of the classifier's time per item."""

    alert: bool
    score: float
    category: Category
    lang: str
    cues: tuple[Cue, ...] = ()
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    decision: Decision = Decision.DROP


@dataclass(frozen=True, slots=True)
class Hotline:
    """One line of the hotline directory, as a subscriber may see it."""

    hotline_id: str
    organisation: str
    numbers: tuple[str, ...]
    country_for: str
    located_in: str
    purpose: str = ""
    channels: tuple[str, ...] = ()
    source_urls: tuple[str, ...] = field(default=())
    confidence: str = "high"
    status: str = "current"
