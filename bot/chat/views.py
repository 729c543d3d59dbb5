"""Stored alerts as templates see them, for /latest and inline mode."""

from __future__ import annotations

from collections.abc import Sequence

from bot.classify.places import province, province_codes
from bot.models import Category
from bot.render import AlertView
from bot.store.alerts import AlertRecord

NEWS_CATEGORIES = frozenset(
    {Category.RECRUITMENT_LURE, Category.TRAFFICKING_VICTIMS, Category.CRACKDOWN}
)


def is_news(record: AlertRecord) -> bool:
    """Alerts about a news story (an operator's message has no story to show)."""
    return record.category in NEWS_CATEGORIES


def alert_view(record: AlertRecord, locale: str) -> AlertView:
    known = province_codes()
    return AlertView(
        item_id=str(record.alert_id),
        title=record.title,
        summary=record.summary,
        url=record.url,
        source=record.source,
        published=record.published,
        lang=record.lang,
        category=Category(record.category),
        countries=record.countries,
        provinces=record.provinces,
        province_names=tuple(province(p).name(locale) for p in record.provinces if p in known),
        also_reported_by=tuple(s for s in record.also_reported_by if s != record.source),
    )


def news_views(records: Sequence[AlertRecord], locale: str, limit: int) -> list[AlertView]:
    return [alert_view(r, locale) for r in records if is_news(r)][:limit]
