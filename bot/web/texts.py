"""The words of public alert feeds, in every locale, taken from the templates and catalogs.

CAP wants one `<info>` per language: the warning as a subscriber in that language reads it
(description), what to do and whom to call (instruction, the hotline card), and where
(area). Nothing here is written in Python; it all comes from `templates/` and `locales/`.
"""

from __future__ import annotations

from bot.app import alert_as_item
from bot.render import AlertView, Renderer
from bot.render.locales import country_name
from bot.store.alerts import AlertRecord
from bot.web.atom import FeedTitles
from bot.web.cap import CapTexts


def N_(message: str) -> str:
    """Mark `message` for `pybabel extract` without translating it here."""
    return message


ALERTS_FEED_TITLE = N_("Warnings about scam-compound recruitment")
CAP_INDEX_TITLE = N_("Warnings about scam-compound recruitment (CAP 1.2)")
FEEDS_LOCALE = "en"


def feed_titles_for(renderer: Renderer, locale: str = FEEDS_LOCALE) -> FeedTitles:
    translate = renderer.translator(locale).gettext
    return FeedTitles(alerts=translate(ALERTS_FEED_TITLE), cap_index=translate(CAP_INDEX_TITLE))


def cap_texts_for(renderer: Renderer, alert: AlertRecord) -> dict[str, CapTexts]:
    """One CapTexts per locale the bot speaks, rendered as that locale's subscribers see it."""
    item, verdict = alert_as_item(alert)
    view = AlertView.from_item(item, verdict, also_reported_by=alert.also_reported_by)
    texts: dict[str, CapTexts] = {}
    for locale in renderer.locales:
        warning = renderer.render_alert(view, locale, citizenship=None, province=None)
        card = renderer.render(
            "hotline_card", locale, citizenship=None, destinations=list(alert.countries)
        )
        event, _, _ = warning.plain.strip().partition("\n")
        places = [country_name(code, locale) for code in alert.countries]
        texts[locale] = CapTexts(
            event=event.strip() or alert.category,
            headline=alert.title,
            description=warning.plain.strip(),
            instruction=card.plain.strip(),
            area_desc=", ".join(places) or alert.lang,
        )
    return texts
