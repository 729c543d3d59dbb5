"""The bot's profile in every language: the commands menu and the descriptions, set at start.

Telegram shows each person the commands and description of their app's language
(`language_code`), falling back to the ones set without a language, which are English here.
Operators get their commands added in their own chats only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.chat import words
from bot.chat.common import Speaker
from bot.render import SUPPORTED_LOCALES
from bot.services import services_from

PRIVATE_COMMANDS = (
    ("start", words.COMMAND_START),
    ("check", words.COMMAND_CHECK),
    ("hotline", words.COMMAND_HOTLINE),
    ("latest", words.COMMAND_LATEST),
    ("settings", words.COMMAND_SETTINGS),
    ("channel", words.COMMAND_CHANNEL),
    ("help", words.COMMAND_HELP),
    ("about", words.COMMAND_ABOUT),
    ("stop", words.COMMAND_STOP),
    ("forget", words.COMMAND_FORGET),
)
GROUP_COMMANDS = (
    ("hotline", words.COMMAND_HOTLINE),
    ("latest", words.COMMAND_LATEST),
    ("check", words.COMMAND_CHECK),
    ("settings", words.COMMAND_SETTINGS),
    ("invite", words.COMMAND_INVITE),
    ("help", words.COMMAND_HELP),
    ("about", words.COMMAND_ABOUT),
    ("stop", words.COMMAND_STOP),
)
OPERATOR_COMMANDS = (
    ("review", words.COMMAND_REVIEW),
    ("broadcast", words.COMMAND_BROADCAST),
    ("stats", words.COMMAND_STATS),
    ("feeds", words.COMMAND_FEEDS),
    ("invite", words.COMMAND_INVITE),
)

log = logging.getLogger(__name__)


def commands(speak: Speaker, menu: Sequence[tuple[str, str]]) -> list[BotCommand]:
    return [BotCommand(name, speak(description)) for name, description in menu]


async def on_startup(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Set commands and descriptions per language; a failure is logged, never fatal."""
    services = services_from(application.bot_data)
    renderer = services.renderer
    bot = application.bot
    calls: list[Awaitable[bool]] = []
    for locale in (*SUPPORTED_LOCALES, ""):
        speak = Speaker(locale or "en", renderer.translator(locale or "en"))
        calls += [
            bot.set_my_commands(commands(speak, PRIVATE_COMMANDS), language_code=locale or None),
            bot.set_my_commands(
                commands(speak, GROUP_COMMANDS),
                scope=BotCommandScopeAllGroupChats(),
                language_code=locale or None,
            ),
            bot.set_my_description(speak(words.BOT_DESCRIPTION), language_code=locale or None),
            bot.set_my_short_description(
                speak(words.BOT_SHORT_DESCRIPTION), language_code=locale or None
            ),
        ]
    for admin_id in sorted(services.admin_ids):
        stored = await services.chats.get(admin_id)
        locale = stored.locale if stored else "en"
        speak = Speaker(locale, renderer.translator(locale))
        menu = commands(speak, (*PRIVATE_COMMANDS, *OPERATOR_COMMANDS))
        calls.append(bot.set_my_commands(menu, scope=BotCommandScopeChat(admin_id)))
    results = await asyncio.gather(*calls, return_exceptions=True)
    failures = [r for r in results if isinstance(r, TelegramError)]
    if failures:
        log.warning(
            "could not set the bot's profile: %s of %s calls failed, first: %s",
            len(failures),
            len(results),
            failures[0],
        )
    for result in results:
        if isinstance(result, BaseException) and not isinstance(result, TelegramError):
            raise result
