"""Becoming a subscriber, and the messages that go with it: the welcome and the hotline card."""

from __future__ import annotations

from telegram import Chat as TelegramChat
from telegram import ChatFullInfo, Message

from bot.chat.common import Context, chat_title, reply, services
from bot.chat.deeplink import start_link
from bot.models import Hotline
from bot.render.locales import DEFAULT_CITIZENSHIP
from bot.store.chats import Chat

# Where scam compounds are: the hotline card always shows these countries' lines.
COMPOUND_COUNTRIES = ("KH", "MM", "LA")


async def subscribe_chat(
    context: Context,
    chat: TelegramChat | ChatFullInfo,
    locale: str,
    *,
    province: str | None = None,
) -> Chat:
    """Subscribe (or reactivate) a chat, keeping earlier choices.

    A new private chat starts with the citizenship most speakers of its language have, so the
    first warnings already show the right hotlines; /start asks to confirm it.
    """
    svc = services(context)
    now = svc.clock()
    stored = await svc.chats.subscribe(
        chat.id, chat_type=chat.type, locale=locale, title=chat_title(chat), now=now
    )
    changes: dict[str, object] = {}
    if province is not None:
        changes["province"] = province
    if chat.type == TelegramChat.PRIVATE and stored.country is None:
        guess = DEFAULT_CITIZENSHIP.get(stored.locale)
        if guess:
            changes["country"] = guess
    if changes:
        await svc.chats.update(chat.id, now=now, **changes)
        fresh = await svc.chats.get(chat.id)
        assert fresh is not None
        return fresh
    return stored


def hotlines_for(
    context: Context,
    chat: Chat | None,
    destinations: tuple[str, ...] = (),
    *,
    locale: str | None = None,
) -> list[Hotline]:
    """The lines a chat's readers should save: their own country's, then the compounds'.

    Someone who never subscribed gets the lines for the citizenship most speakers of their
    language have.
    """
    return services(context).renderer.hotlines.select(
        citizenship=citizenship_of(chat, locale),
        province=chat.province if chat else None,
        destinations=tuple(dict.fromkeys((*destinations, *COMPOUND_COUNTRIES))),
    )


def citizenship_of(chat: Chat | None, locale: str | None) -> str | None:
    """The chat's citizenship, or the likeliest one for a reader we do not know yet."""
    return chat.country if chat else DEFAULT_CITIZENSHIP.get(locale or "")


def subscribe_link(context: Context, chat: Chat | None = None) -> str | None:
    """The bot's own t.me link, for "get these warnings" lines; None before getMe."""
    try:
        username = context.bot.username
    except RuntimeError:  # the bot has not called getMe yet
        return None
    if not username:
        return None
    return start_link(username, chat.locale if chat else None)


async def send_welcome(context: Context, message: Message, chat: Chat, name: str) -> None:
    """The welcome, with the hotlines this reader should save."""
    rendered = services(context).renderer.render(
        "welcome", chat.locale, name=name, hotlines=hotlines_for(context, chat), tz=chat.timezone
    )
    await reply(message, rendered.html, html=True)
