"""/start: a person becomes a subscriber, in the language their Telegram app uses."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.render import best_locale
from bot.services import services_from


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe the chat and answer with the welcome and the hotline card."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    services = services_from(context.bot_data)
    user = update.effective_user
    locale = best_locale(user.language_code if user else None)
    subscriber = await services.chats.subscribe(
        chat.id,
        chat_type=chat.type,
        locale=locale,
        title=chat.title or chat.full_name or "",
        now=services.clock(),
    )
    welcome = services.renderer.render(
        "welcome",
        subscriber.locale,
        name=user.first_name if user else "",
        hotlines=services.renderer.hotlines.select(
            citizenship=subscriber.country, province=subscriber.province, destinations=()
        ),
    )
    await message.reply_html(welcome.html, disable_web_page_preview=True)
