"""What templates see, and what the renderer hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Category, Item, Verdict


@dataclass(frozen=True, slots=True)
class AlertView:
    """One news item as a warning shows it: the story's facts plus the classifier's reading.

    Feed text stays as it came (plain text); templates escape it, and the renderer shortens
    the summary when the message would be too long.
    """

    item_id: str
    title: str
    summary: str
    url: str
    source: str
    published: datetime
    lang: str
    category: Category
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    province_names: tuple[str, ...] = ()
    also_reported_by: tuple[str, ...] = ()

    @classmethod
    def from_item(
        cls,
        item: Item,
        verdict: Verdict,
        also_reported_by: tuple[str, ...] = (),
        province_names: tuple[str, ...] = (),
    ) -> AlertView:
        """Combine an item and its verdict; `province_names` are display names from the caller."""
        return cls(
            item_id=item.item_id,
            title=item.title,
            summary=item.summary,
            url=item.url,
            source=item.source,
            published=item.published,
            lang=item.lang or verdict.lang,
            category=verdict.category,
            countries=tuple(verdict.countries),
            provinces=tuple(verdict.provinces),
            province_names=tuple(province_names),
            also_reported_by=tuple(name for name in also_reported_by if name != item.source),
        )


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A message ready for Telegram: validated HTML, a plain fallback, and the numbers shown."""

    html: str
    plain: str
    hotline_numbers: tuple[str, ...]
    template: str
    locale: str
