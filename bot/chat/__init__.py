"""Telegram handlers, one module per feature; each reads the update, calls one service, answers
through a template."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CommandHandler

from bot.chat import onboarding


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("start", onboarding.start))
