"""What every handler needs: the reader's language, their words, who may do what, and replies.

Messages are always sent as Telegram HTML. Text from catalogs is escaped as a whole (catalogs
hold no markup, `alertbot check` makes sure), so a value filled into it, such as a channel's
title, can never become markup; richer messages come from the autoescaped templates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from telegram import (
    Chat,
    ChatFullInfo,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.render import SUPPORTED_LOCALES, best_locale, ui_text
from bot.services import Services, services_from

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
ADMIN_STATUSES = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR})
GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})


@dataclass(frozen=True, slots=True)
class Speaker:
    """The catalog words of one locale: `speak(words.X, value=…)` translates, then fills."""

    locale: str
    translations: Any  # gettext.NullTranslations

    def __call__(self, message: str, **values: object) -> str:
        text = str(self.translations.gettext(message))
        return text % values if values else text

    def plural(self, singular: str, plural: str, count: int, **values: object) -> str:
        text = str(self.translations.ngettext(singular, plural, count))
        return text % {"num": count, **values}


def services(context: Context) -> Services:
    return services_from(context.bot_data)


def speaker(context: Context, locale: str) -> Speaker:
    renderer = services(context).renderer
    chosen = renderer.best_locale(locale)
    return Speaker(chosen, renderer.translator(chosen))


def user_locale(user: User | None) -> str:
    """The language a person's Telegram app uses, as one of ours."""
    return best_locale(user.language_code if user else None)


async def chat_locale(context: Context, chat: Chat | None, user: User | None) -> str:
    """The chat's chosen language, else (a chat we do not know yet) the person's app language."""
    if chat is not None:
        stored = await services(context).chats.get(chat.id)
        if stored is not None and stored.locale in SUPPORTED_LOCALES:
            return stored.locale
    return user_locale(user)


def is_operator(context: Context, user: User | None) -> bool:
    return user is not None and user.id in services(context).admin_ids


async def is_chat_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Whether `user_id` administers the chat, asked of Telegram each time (rights change)."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.info("getChatMember failed: %s", exc, extra={"chat_id": chat_id})
        return False
    return member.status in ADMIN_STATUSES


async def may_configure(context: Context, message: Message | None, user: User | None) -> bool:
    """Private chats configure themselves; in a group only its admins may.

    A message an anonymous admin sends shows the group itself as its sender.
    """
    if message is None:
        return False
    chat = message.chat
    if chat.type == ChatType.PRIVATE:
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    return user is not None and await is_chat_admin(context, chat.id, user.id)


async def refuse_unless_configurer(context: Context, message: Message, user: User | None) -> bool:
    """True (after a polite refusal in the person's language) when they may not configure."""
    if await may_configure(context, message, user):
        return False
    await reply(message, speaker(context, user_locale(user))(ui_text.ERROR_ADMIN_ONLY))
    return True


async def message_to_configure(update: Update, context: Context) -> Message | None:
    """The command's message when its sender may change this chat's settings, else None.

    Channels never configure through commands; group members who are not admins are told so.
    """
    message, user = update.effective_message, update.effective_user
    if message is None or message.chat.type == ChatType.CHANNEL:
        return None
    if await refuse_unless_configurer(context, message, user):
        return None
    return message


def plain_html(text: str) -> str:
    """Catalog text as Telegram HTML: escaped whole, so nothing in it is taken for markup."""
    return str(escape(text))


async def reply(
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    html: bool = False,
) -> Message:
    """Answer in the message's chat and topic; `html=True` for rendered templates."""
    return await message.reply_text(
        text if html else plain_html(text),
        parse_mode="HTML",
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
        do_quote=False,
    )


async def edit(
    message: Message | Any, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace a keyboard message's text; an unchanged message is not an error."""
    try:
        await message.edit_text(
            plain_html(text),
            parse_mode="HTML",
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
    except TelegramError as exc:
        if "not modified" not in str(exc).lower():
            raise


def bot_username(context: Context) -> str:
    return context.bot.username or ""


def chat_title(chat: Chat | ChatFullInfo) -> str:
    return chat.title or chat.full_name or chat.username or ""
