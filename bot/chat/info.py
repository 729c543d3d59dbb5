"""/hotline, /latest, /help and /about: answers that read nothing but the chat's settings."""

from __future__ import annotations

from telegram import Message, Update

from bot.chat import words
from bot.chat.common import Context, chat_locale, reply, services, speaker
from bot.chat.subscription import (
    COMPOUND_COUNTRIES,
    citizenship_of,
    hotlines_for,
    subscribe_link,
)
from bot.chat.views import news_views
from bot.store.chats import Chat

LATEST_COUNT = 5


async def hotline(update: Update, context: Context) -> None:
    """The numbers for the chat's citizenship and province, and for the compounds' countries."""
    asked = await _asking_chat(update, context)
    if asked is None:
        return
    message, chat, locale = asked
    rendered = services(context).renderer.render(
        "hotline_card",
        locale,
        citizenship=citizenship_of(chat, locale),
        destinations=COMPOUND_COUNTRIES,
        hotlines=hotlines_for(context, chat, locale=locale),
    )
    await reply(message, rendered.html, html=True)


async def latest(update: Update, context: Context) -> None:
    """The last five warnings, newest first, as one digest."""
    asked = await _asking_chat(update, context)
    if asked is None:
        return
    message, chat, locale = asked
    svc = services(context)
    views = news_views(await svc.alerts.latest_alerts(LATEST_COUNT * 4), locale, LATEST_COUNT)
    if not views:
        await reply(message, speaker(context, locale)(words.NO_ALERTS_YET))
        return
    rendered = svc.renderer.render(
        "digest",
        locale,
        alerts=views,
        period_start=min(v.published for v in views),
        period_end=max(v.published for v in views),
        hotlines=hotlines_for(context, chat, locale=locale),
        subscribe_link=subscribe_link(context, chat),
        tz=chat.timezone if chat else None,
    )
    await reply(message, rendered.html, html=True)


async def _asking_chat(update: Update, context: Context) -> tuple[Message, Chat | None, str] | None:
    """The message that asked, the chat's settings (None before /start), and its language."""
    message = update.effective_message
    if message is None:
        return None
    chat = await services(context).chats.get(message.chat.id)
    return message, chat, await chat_locale(context, message.chat, update.effective_user)


async def help_command(update: Update, context: Context) -> None:
    await _static(update, context, "help")


async def about(update: Update, context: Context) -> None:
    await _static(update, context, "about")


async def _static(update: Update, context: Context, template: str) -> None:
    message = update.effective_message
    if message is None:
        return
    locale = await chat_locale(context, message.chat, update.effective_user)
    rendered = services(context).renderer.render(
        template, locale, subscribe_link=subscribe_link(context)
    )
    await reply(message, rendered.html, html=True)
