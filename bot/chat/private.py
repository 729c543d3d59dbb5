"""What a private chat's plain messages mean: the answer to a question the bot asked, else a
job offer to check."""

from __future__ import annotations

from telegram import Update

from bot.chat import admin, check, groups, words
from bot.chat.common import Context, chat_locale, reply, speaker


async def private_message(update: Update, context: Context) -> None:
    if await groups.take_channel_reference(update, context):
        return
    if await admin.take_broadcast_text(update, context):
        return
    await check.check_private_text(update, context)


async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    locale = await chat_locale(context, message.chat, update.effective_user)
    await reply(message, speaker(context, locale)(words.UNKNOWN_COMMAND))
