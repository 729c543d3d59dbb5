"""Telegram handlers, one module per feature; each reads the update, calls one service, answers
through a template or the catalog.

  onboarding  /start (deep links), /stop, /forget     settings   /settings, the /start questions
  info        /hotline, /latest, /help, /about          check      the job-offer check
  groups      joining, leaving, migrating, channels     inline     @bot in any chat
  admin       /review, /broadcast, /stats, /feeds, /invite (operators; /invite also group admins)
  guard       throttle, ignored updates, the one error handler
  profile     commands menu and descriptions per language, set at start (`on_startup`)
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.chat import admin, check, groups, guard, info, inline, onboarding, private, settings
from bot.chat.profile import on_startup

__all__ = ["on_startup", "register_handlers"]

COMMANDS = {
    "start": onboarding.start,
    "stop": onboarding.stop,
    "forget": onboarding.forget,
    "settings": settings.settings_command,
    "hotline": info.hotline,
    "hotlines": info.hotline,
    "latest": info.latest,
    "help": info.help_command,
    "about": info.about,
    "check": check.check_command,
    "channel": groups.channel_command,
    "review": admin.review_command,
    "broadcast": admin.broadcast_command,
    "cancel": admin.cancel_command,
    "stats": admin.stats_command,
    "feeds": admin.feeds_command,
    "invite": admin.invite_command,
}


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.bot_data[guard.THROTTLE_KEY] = guard.Throttle()
    application.bot_data[guard.ERRORS_KEY] = guard.ErrorNotices()
    application.add_handler(TypeHandler(Update, guard.guard), group=-1)
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(
        ChatMemberHandler(groups.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.on_migration))
    buttons = (
        (onboarding.on_forget_button, r"^fg:"),
        (groups.on_link_button, r"^c-?\d+:link$"),
        (settings.on_settings_button, r"^(o|s|c-?\d+):"),
        (admin.on_review_button, r"^rv:"),
        (admin.on_broadcast_button, r"^bc:"),
    )
    for callback, pattern in buttons:
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(settings.stale_button))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    in_private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(
        MessageHandler(
            in_private & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
            private.private_message,
        )
    )
    application.add_handler(MessageHandler(in_private & filters.COMMAND, private.unknown_command))
    application.add_handler(
        MessageHandler(in_private & ~filters.StatusUpdate.ALL, check.needs_text)
    )
    application.add_error_handler(guard.on_error)
