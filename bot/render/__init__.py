"""Render stage: alerts and bot replies as safe, localised Telegram HTML.

Renderer.load(templates, hotlines, locales)  → checked, ready renderer
renderer.render_alert(AlertView, locale, …)  → RenderedMessage (html, plain, numbers)
renderer.render(template, locale, **context) → the other templates
renderer.translator(locale)                  → gettext for handler strings (see ui_text)
renderer.hotlines.select(…)                  → the hotlines a reader should see
ReloadingRenderer                            → hot reload for the job queue
check_operator_files / preview               → `alertbot check` / `alertbot preview`
"""

from bot.render import telegram_html, ui_text
from bot.render.check import check_operator_files
from bot.render.hotlines import HotlineDirectory
from bot.render.locales import DEFAULT_TIMEZONE, SUPPORTED_LOCALES, best_locale
from bot.render.preview import load_item, preview
from bot.render.reload import ReloadingRenderer
from bot.render.renderer import TEMPLATE_CONTEXT, TEMPLATE_NAMES, Renderer
from bot.render.views import AlertView, RenderedMessage

__all__ = [
    "DEFAULT_TIMEZONE",
    "SUPPORTED_LOCALES",
    "TEMPLATE_CONTEXT",
    "TEMPLATE_NAMES",
    "AlertView",
    "HotlineDirectory",
    "ReloadingRenderer",
    "RenderedMessage",
    "Renderer",
    "best_locale",
    "check_operator_files",
    "load_item",
    "preview",
    "telegram_html",
    "ui_text",
]
