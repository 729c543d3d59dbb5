"""/start, /stop and /forget: becoming a subscriber, pausing, and leaving without a trace."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.chat import keyboards as kb
from bot.chat import words
from bot.chat.common import (
    GROUP_TYPES,
    Context,
    edit,
    is_chat_admin,
    message_to_configure,
    refuse_unless_configurer,
    reply,
    services,
    speaker,
    user_locale,
)
from bot.chat.deeplink import parse_payload
from bot.chat.settings import language_screen, refuse, stale
from bot.chat.subscription import subscribe_chat
from bot.render import ui_text
from bot.store.chats import ACTIVE, STOPPED

FORGET_YES, FORGET_NO = "fg:yes", "fg:no"


async def start(update: Update, context: Context) -> None:
    """Subscribe, then ask to confirm the language preselected from the app or the link."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.chat.type == ChatType.CHANNEL:
        return
    if message.chat.type in GROUP_TYPES:
        await _start_group(update, context)
        return
    svc = services(context)
    # A deep link's payload is one word; anything else someone typed after /start is no link.
    choice = parse_payload(" ".join(context.args) if context.args else None)
    known = await svc.chats.get(message.chat.id)
    locale = choice.locale if choice else (known.locale if known else user_locale(user))
    chat = await subscribe_chat(
        context, message.chat, locale, province=choice.province if choice else None
    )
    if choice and chat.locale != choice.locale:
        await svc.chats.update(chat.chat_id, locale=choice.locale, now=svc.clock())
    speak = speaker(context, locale)
    screen = language_screen(speak, "o", locale)
    await reply(message, screen.text, screen.markup)


async def _start_group(update: Update, context: Context) -> None:
    """In a group, /start (re)subscribes it; only its admins may."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    if await refuse_unless_configurer(context, message, user):
        return
    chat = await subscribe_chat(context, message.chat, user_locale(user))
    speak = speaker(context, chat.locale)
    await reply(message, speak(words.GROUP_SUBSCRIBED), kb.open_settings(speak))


async def stop(update: Update, context: Context) -> None:
    """No more warnings; the settings are kept, so /start brings them back as they were."""
    message, user = await message_to_configure(update, context), update.effective_user
    if message is None:
        return
    svc = services(context)
    chat = await svc.chats.get(message.chat.id)
    speak = speaker(context, chat.locale if chat else user_locale(user))
    if chat is None or chat.status != ACTIVE:
        await reply(message, speak(words.ALREADY_STOPPED))
        return
    await svc.chats.set_status(chat.chat_id, STOPPED, now=svc.clock())
    private = message.chat.type == ChatType.PRIVATE
    await reply(message, speak(ui_text.CONFIRM_UNSUBSCRIBED if private else words.GROUP_STOPPED))


async def forget(update: Update, context: Context) -> None:
    """Ask before deleting: it cannot be undone."""
    message, user = await message_to_configure(update, context), update.effective_user
    if message is None:
        return
    chat = await services(context).chats.get(message.chat.id)
    speak = speaker(context, chat.locale if chat else user_locale(user))
    markup = InlineKeyboardMarkup(
        [
            [
                kb.button(speak(ui_text.BUTTON_YES), FORGET_YES),
                kb.button(speak(ui_text.BUTTON_NO), FORGET_NO),
            ]
        ]
    )
    await reply(message, speak(words.PROMPT_CONFIRM_FORGET), markup)


async def on_forget_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    message = query.message
    if message is None or not hasattr(message, "edit_text"):
        await stale(query, context)
        return
    chat_id = message.chat.id
    if message.chat.type in GROUP_TYPES and not await is_chat_admin(
        context, chat_id, query.from_user.id
    ):
        await refuse(query, context, ui_text.ERROR_ADMIN_ONLY)
        return
    svc = services(context)
    chat = await svc.chats.get(chat_id)
    speak = speaker(context, chat.locale if chat else user_locale(query.from_user))
    if query.data == FORGET_YES:
        await svc.chats.forget(chat_id)
        await edit(message, speak(words.CONFIRM_FORGOTTEN))
    else:
        await edit(message, speak(words.FORGET_KEPT))
    await query.answer()
