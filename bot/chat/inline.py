"""Inline mode: `@bot` in any chat offers the latest warnings and the hotlines, ready to share.

Each result is the full warning, rendered in the sharer's language with the hotlines and a
link to the bot, so the message stands on its own wherever it is posted.
"""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update

from bot.chat.common import NO_PREVIEW, Context, chat_locale, services, speaker
from bot.chat.subscription import (
    COMPOUND_COUNTRIES,
    citizenship_of,
    hotlines_for,
    subscribe_link,
)
from bot.chat.views import news_views
from bot.render import ui_text

INLINE_RESULTS = 10
CACHE_SECONDS = 60


async def on_inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    svc = services(context)
    chat = await svc.chats.get(query.from_user.id)
    locale = await chat_locale(context, None, query.from_user)
    if chat is not None:
        locale = chat.locale
    link = subscribe_link(context)
    wanted = query.query.strip().lower()
    views = news_views(await svc.alerts.latest_alerts(INLINE_RESULTS * 3), locale, INLINE_RESULTS)
    if wanted:
        matching = [v for v in views if wanted in f"{v.title} {v.summary}".lower()]
        views = matching or views
    results = []
    for view in views:
        rendered = svc.renderer.render_alert(
            view,
            locale,
            citizenship=citizenship_of(chat, locale),
            province=chat.province if chat else None,
            subscribe_link=link,
        )
        results.append(
            InlineQueryResultArticle(
                id=f"alert-{view.item_id}",
                title=view.title[:120],
                description=f"{view.source} · {view.published:%Y-%m-%d}",
                input_message_content=InputTextMessageContent(
                    rendered.html, parse_mode="HTML", link_preview_options=NO_PREVIEW
                ),
            )
        )
    speak = speaker(context, locale)
    card = svc.renderer.render(
        "hotline_card",
        locale,
        citizenship=citizenship_of(chat, locale),
        destinations=COMPOUND_COUNTRIES,
        hotlines=hotlines_for(context, chat, locale=locale),
        subscribe_link=link,
    )
    results.append(
        InlineQueryResultArticle(
            id="hotlines",
            title=speak(ui_text.INLINE_HOTLINES_TITLE),
            description=speak(ui_text.INLINE_HOTLINES_DESCRIPTION),
            input_message_content=InputTextMessageContent(
                card.html, parse_mode="HTML", link_preview_options=NO_PREVIEW
            ),
        )
    )
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)
