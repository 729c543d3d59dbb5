"""Groups, supergroups and channels: joining, leaving, migrating, and linking a channel.

Telegram tells the bot about its own membership with `my_chat_member`. Being added subscribes a
group and introduces the bot with its privacy statement; being removed or banned deactivates
it; a group that becomes a supergroup keeps its subscription under the new id. A channel is
linked by one of its admins from a private chat, and only while the bot may post there.
"""

from __future__ import annotations

import logging

from telegram import Chat as TelegramChat
from telegram import (
    ChatMemberAdministrator,
    InlineKeyboardMarkup,
    Message,
    MessageOriginChannel,
    Update,
    User,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import Forbidden, TelegramError

from bot.chat import keyboards as kb
from bot.chat import words
from bot.chat.common import (
    NO_PREVIEW,
    Context,
    chat_locale,
    edit,
    is_chat_admin,
    plain_html,
    reply,
    services,
    speaker,
    user_locale,
)
from bot.chat.settings import menu_screen, refuse, stale
from bot.chat.subscription import subscribe_chat, subscribe_link
from bot.store.chats import BLOCKED, LEFT

log = logging.getLogger(__name__)

PRESENT = frozenset(
    {
        ChatMemberStatus.OWNER,
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.RESTRICTED,
    }
)
AWAITING = "awaiting"
AWAITING_CHANNEL = "channel"


async def on_my_chat_member(update: Update, context: Context) -> None:
    """The bot was added, removed, banned or promoted somewhere."""
    change = update.my_chat_member
    if change is None:
        return
    chat, by = change.chat, change.from_user
    old, new = change.old_chat_member.status, change.new_chat_member.status
    svc = services(context)
    now = svc.clock()
    if chat.type == ChatType.PRIVATE:
        if new == ChatMemberStatus.BANNED:  # the person blocked the bot
            await svc.chats.set_status(chat.id, BLOCKED, now=now)
        return
    if new not in PRESENT:
        await svc.chats.set_status(chat.id, LEFT, now=now)
        return
    if chat.type == ChatType.CHANNEL:
        if new == ChatMemberStatus.ADMINISTRATOR and old != ChatMemberStatus.ADMINISTRATOR:
            await _offer_channel(context, chat, by)
        elif new != ChatMemberStatus.ADMINISTRATOR:
            await svc.chats.set_status(chat.id, LEFT, now=now)
        return
    if old not in PRESENT:
        await _introduce(context, chat, by)


async def _introduce(context: Context, chat: TelegramChat, by: User) -> None:
    """Subscribe the group in its adder's language and say who the bot is and what it keeps."""
    stored = await subscribe_chat(context, chat, user_locale(by))
    speak = speaker(context, stored.locale)
    rendered = services(context).renderer.render(
        "group_intro",
        stored.locale,
        group_title=chat.title or "",
        subscribe_link=subscribe_link(context, stored),
    )
    await context.bot.send_message(
        chat.id,
        rendered.html,
        parse_mode="HTML",
        reply_markup=kb.open_settings(speak),
        link_preview_options=NO_PREVIEW,
    )


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: the subscription moves to the new id, choices intact."""
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await svc.chats.migrate(old, new, now=svc.clock())


# --- channels ---------------------------------------------------------------------------------


async def channel_command(update: Update, context: Context) -> None:
    """`/channel @name`, or `/channel` and then the name or a forwarded post."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.chat.type != ChatType.PRIVATE:
        return
    if context.args:
        await _link_and_reply(context, message, user, context.args[0])
        return
    if context.chat_data is not None:
        context.chat_data[AWAITING] = AWAITING_CHANNEL
    locale = await chat_locale(context, message.chat, user)
    await reply(message, speaker(context, locale)(words.PROMPT_CHANNEL))


async def take_channel_reference(update: Update, context: Context) -> bool:
    """After /channel, the next name or forwarded channel post links it; True if handled."""
    message, user = update.effective_message, update.effective_user
    data = context.chat_data
    if message is None or user is None or data is None or data.get(AWAITING) != AWAITING_CHANNEL:
        return False
    origin = message.forward_origin
    reference: str | int | None = None
    if isinstance(origin, MessageOriginChannel):
        reference = origin.chat.id
    elif message.text and message.text.strip().startswith(("@", "-100")):
        reference = message.text.strip().split()[0]
    if reference is None:
        return False
    del data[AWAITING]
    await _link_and_reply(context, message, user, reference)
    return True


async def on_link_button(update: Update, context: Context) -> None:
    """The "post warnings there" button sent when someone made the bot a channel admin."""
    query = update.callback_query
    if query is None:
        return
    press = kb.parse(query.data)
    message = query.message if isinstance(query.message, Message) else None
    if press is None or press.channel_id is None or message is None:
        await stale(query, context)
        return
    problem = await _cannot_link(context, press.channel_id, query.from_user)
    if problem is not None:
        await refuse(query, context, problem)
        return
    screen_text, markup = await _link(context, press.channel_id, query.from_user)
    await edit(message, screen_text, markup)
    await query.answer()


async def _link_and_reply(
    context: Context, message: Message, user: User, reference: str | int
) -> None:
    locale = await chat_locale(context, message.chat, user)
    speak = speaker(context, locale)
    try:
        channel = await context.bot.get_chat(reference)
    except TelegramError:
        await reply(message, speak(words.ERROR_CHANNEL_NOT_FOUND))
        return
    if channel.type != ChatType.CHANNEL:
        await reply(message, speak(words.ERROR_CHANNEL_NOT_FOUND))
        return
    problem = await _cannot_link(context, channel.id, user)
    if problem is not None:
        await reply(message, speak(problem))
        return
    text, markup = await _link(context, channel.id, user)
    await reply(message, text, markup)


async def _cannot_link(context: Context, channel_id: int, user: User) -> str | None:
    """Why this person may not link this channel, or None if they may."""
    if not await is_chat_admin(context, channel_id, user.id):
        return words.ERROR_CHANNEL_NOT_ADMIN
    try:
        me = await context.bot.get_chat_member(channel_id, context.bot.id)
    except TelegramError:
        return words.ERROR_CHANNEL_NOT_FOUND
    if not isinstance(me, ChatMemberAdministrator) or not me.can_post_messages:
        return words.ERROR_BOT_NOT_CHANNEL_ADMIN
    return None


async def _link(
    context: Context, channel_id: int, user: User
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Subscribe the channel with its admin's language and province; show its settings."""
    svc = services(context)
    channel = await context.bot.get_chat(channel_id)
    admin_chat = await svc.chats.get(user.id)
    locale = admin_chat.locale if admin_chat else user_locale(user)
    stored = await subscribe_chat(
        context, channel, locale, province=admin_chat.province if admin_chat else None
    )
    speak = speaker(context, locale)
    screen = menu_screen(speaker(context, stored.locale), stored, f"c{channel_id}", None)
    linked = speak(words.CHANNEL_LINKED, channel=channel.title or channel.username or "")
    return f"{linked}\n\n{screen.text}", screen.markup


async def _offer_channel(context: Context, channel: TelegramChat, by: User) -> None:
    """Ask the admin who promoted the bot, in private, whether to post there."""
    locale = await chat_locale(context, None, by)
    stored = await services(context).chats.get(by.id)
    speak = speaker(context, stored.locale if stored else locale)
    markup = InlineKeyboardMarkup(
        [[kb.button(speak(words.BUTTON_LINK_CHANNEL), kb.data(f"c{channel.id}", kb.LINK))]]
    )
    text = speak(words.CHANNEL_OFFER, channel=channel.title or channel.username or "")
    try:
        await context.bot.send_message(
            by.id, plain_html(text), parse_mode="HTML", reply_markup=markup
        )
    except Forbidden:
        log.info("cannot offer channel link: the admin never started the bot")
