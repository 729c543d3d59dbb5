"""`alertbot preview`: exactly what a subscriber would see, for an operator at a terminal."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.errors import OperatorFileError, Problem
from bot.models import Category, Decision, Item, Verdict
from bot.render.locales import DEFAULT_CITIZENSHIP, DEFAULT_TIMEZONE
from bot.render.renderer import TEMPLATE_CONTEXT, Renderer
from bot.render.samples import sample_alerts, sample_contexts
from bot.render.views import AlertView

Classify = Callable[[str, str, str | None], Verdict]
ITEM_FIELDS = ("id", "title", "text", "lang", "url", "source", "published")


def preview(
    renderer: Renderer,
    *,
    template: str = "alert",
    locale: str = "vi",
    item: Path | None = None,
    all_locales: bool = False,
    plain: bool = False,
    classify: Classify | None = None,
    citizenship: str | None = None,
    province: str | None = None,
    tz: str = DEFAULT_TIMEZONE,
    include_possibly_outdated: bool = False,
) -> str:
    """Render `template` as Telegram HTML (or plain text) for one locale or all of them.

    Without `item`, the sample story is used. `citizenship` defaults to the locale's usual
    one (vi → VN), so the hotlines shown are the ones that reader would get.
    """
    if template not in TEMPLATE_CONTEXT:
        raise ValueError(f"unknown template {template!r}; one of {', '.join(TEMPLATE_CONTEXT)}")
    alert = load_item(item, classify) if item is not None else sample_alerts()[0]
    if template == "alert" and alert.category == Category.NOT_RELEVANT:
        return f"{alert.item_id}: classified as not_relevant; subscribers would not get it.\n"
    locales: Sequence[str] = renderer.locales if all_locales else (renderer.best_locale(locale),)
    sections: list[str] = []
    for code in locales:
        text = _render_one(
            renderer,
            template,
            code,
            alert,
            citizenship=citizenship or DEFAULT_CITIZENSHIP.get(code),
            province=province,
            tz=tz,
            include_possibly_outdated=include_possibly_outdated,
            plain=plain,
        )
        header = f"=== {code} ({renderer.locale_name(code)}) ===\n" if all_locales else ""
        sections.append(header + text)
    return "\n\n".join(sections) + "\n"


def _render_one(
    renderer: Renderer,
    template: str,
    locale: str,
    alert: AlertView,
    *,
    citizenship: str | None,
    province: str | None,
    tz: str,
    include_possibly_outdated: bool,
    plain: bool,
) -> str:
    hotlines = renderer.hotlines.select(
        citizenship=citizenship,
        province=province,
        destinations=alert.countries,
        include_possibly_outdated=include_possibly_outdated,
    )
    if template == "alert":
        message = renderer.render_alert(
            alert,
            locale,
            citizenship=citizenship,
            province=province,
            tz=tz,
            include_possibly_outdated=include_possibly_outdated,
        )
    else:
        context = _sample_context(renderer, template, locale, alert)
        context.update(hotlines=hotlines, tz=tz)
        message = renderer.render(template, locale, **context)
    return message.plain if plain else message.html


def _sample_context(
    renderer: Renderer, template: str, locale: str, alert: AlertView
) -> dict[str, Any]:
    context = dict(next(iter(sample_contexts(template, renderer.hotlines, locale))))
    if "alert" in context:
        context["alert"] = alert
    if "alerts" in context:
        context["alerts"] = (alert,)
    if "countries" in context:
        context["countries"] = alert.countries
    if "destinations" in context:
        context["destinations"] = alert.countries
    return context


def load_item(path: Path, classify: Classify | None) -> AlertView:
    """Read one item JSON file (the classifier's input plus url, source, published)."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OperatorFileError([Problem(where, 0, f"cannot read: {exc.strerror}")]) from exc
    except json.JSONDecodeError as exc:
        raise OperatorFileError([Problem(where, exc.lineno, f"not valid JSON: {exc.msg}")]) from exc
    if not isinstance(data, dict):
        raise OperatorFileError([Problem(where, 1, "expected one JSON object")])
    missing = [name for name in ITEM_FIELDS if not data.get(name)]
    if missing:
        raise OperatorFileError([Problem(where, 1, f"missing field(s): {', '.join(missing)}")])
    published = _parse_time(str(data["published"]), where)
    verdict = _verdict(data, classify, where)
    item = Item(
        item_id=str(data["id"]),
        feed_url=str(data["url"]),
        source=str(data["source"]),
        url=str(data["url"]),
        title=str(data["title"]),
        summary=str(data["text"]),
        published=published,
        lang=str(data["lang"]),
    )
    provinces = tuple(str(name) for name in data.get("provinces") or ())
    return AlertView.from_item(item, verdict, province_names=provinces)


def _parse_time(value: str, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise OperatorFileError(
            [Problem(where, 1, f"published is not ISO 8601: {value!r}")]
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _verdict(data: dict[str, Any], classify: Classify | None, where: str) -> Verdict:
    countries = tuple(str(code).upper() for code in data.get("countries") or ())
    provinces = tuple(str(code) for code in data.get("provinces") or ())
    lang = str(data["lang"])
    if data.get("category"):
        try:
            category = Category(str(data["category"]))
        except ValueError as exc:
            choices = ", ".join(category.value for category in Category)
            raise OperatorFileError(
                [Problem(where, 1, f"category must be one of {choices}")]
            ) from exc
        return Verdict(
            alert=category != Category.NOT_RELEVANT,
            score=1.0,
            category=category,
            lang=lang,
            countries=countries,
            provinces=provinces,
            decision=Decision.ALERT if category != Category.NOT_RELEVANT else Decision.DROP,
        )
    if classify is None:
        raise OperatorFileError(
            [Problem(where, 1, "no category given and no classifier available")]
        )
    verdict = classify(str(data["title"]), str(data["text"]), lang)
    if countries:
        verdict = verdict._replace(countries=countries)
    if provinces:
        verdict = verdict._replace(provinces=provinces)
    return verdict
