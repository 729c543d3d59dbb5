"""Before and after every handler: floods, edits and channel chatter, and the unexpected.

`guard` runs first (handler group -1): it drops updates the bot never answers (edited
messages, channel posts) and throttles each chat, answering a flood once and then ignoring it.
`on_error` is the one error handler: it logs the failure with the update id, tells the person
something went wrong, and tells the operators, at most once a minute.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.chat import words
from bot.chat.common import Context, reply, services, speaker, user_locale
from bot.render import ui_text

log = logging.getLogger(__name__)

THROTTLE_KEY = "chat-throttle"
ERRORS_KEY = "error-notices"
# A person taps and types at most a few times a second; a script, far more.
FLOOD_LIMIT = 20
FLOOD_WINDOW_SECONDS = 60.0
ADMIN_NOTICE_INTERVAL_SECONDS = 60.0
Clock = Callable[[], float]


@dataclass(slots=True)
class Throttle:
    """At most `limit` updates per chat in any `window` seconds."""

    limit: int = FLOOD_LIMIT
    window: float = FLOOD_WINDOW_SECONDS
    clock: Clock = time.monotonic
    _seen: dict[int, deque[float]] = field(default_factory=dict)
    _warned: dict[int, float] = field(default_factory=dict)

    def allow(self, chat_id: int) -> bool:
        now = self.clock()
        seen = self._seen.setdefault(chat_id, deque())
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(self._seen) > 10_000:
            self._forget_idle(now)
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True

    def first_refusal(self, chat_id: int) -> bool:
        """Whether to tell the chat it is too fast: once per window, not once per message."""
        now = self.clock()
        last = self._warned.get(chat_id)
        if last is not None and now - last < self.window:
            return False
        self._warned[chat_id] = now
        return True

    def _forget_idle(self, now: float) -> None:
        for chat_id in [c for c, s in self._seen.items() if not s or s[-1] <= now - self.window]:
            del self._seen[chat_id]
            self._warned.pop(chat_id, None)


@dataclass(slots=True)
class ErrorNotices:
    """When operators were last told about an error."""

    interval: float = ADMIN_NOTICE_INTERVAL_SECONDS
    clock: Clock = time.monotonic
    last: float | None = None

    def due(self) -> bool:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            return False
        self.last = now
        return True


async def guard(update: Update, context: Context) -> None:
    """Drop what the bot never answers; stop a chat that floods it."""
    if (
        update.edited_message is not None
        or update.edited_channel_post is not None
        or update.channel_post is not None
    ):
        raise ApplicationHandlerStop
    chat_id = _counted_chat(update)
    if chat_id is None:
        return
    throttle = context.bot_data.get(THROTTLE_KEY)
    if not isinstance(throttle, Throttle) or throttle.allow(chat_id):
        return
    log.info("throttled a flood of updates", extra={"chat_id": chat_id})
    if throttle.first_refusal(chat_id):
        text = speaker(context, user_locale(update.effective_user))(words.ERROR_SLOW_DOWN_ALL)
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message is not None:
            await reply(update.effective_message, text)
    elif update.callback_query is not None:
        await update.callback_query.answer()
    raise ApplicationHandlerStop


def _counted_chat(update: Update) -> int | None:
    """The chat an update costs: private messages, commands in groups, buttons, inline."""
    if update.inline_query is not None:
        return update.inline_query.from_user.id
    if update.callback_query is not None:
        message = update.callback_query.message
        return message.chat.id if message is not None else update.callback_query.from_user.id
    message = update.message
    if message is None:
        return None
    if message.chat.type == ChatType.PRIVATE:
        return message.chat.id
    text = message.text or ""
    return message.chat.id if text.startswith("/") else None


async def on_error(update: object, context: Context) -> None:
    """Log with the update id, apologise to the person, notify operators (once a minute)."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "handling update %s failed",
        update_id,
        exc_info=context.error,
        extra={"update_id": update_id},
    )
    if isinstance(update, Update):
        await _apologise(update, context)
    notices = context.bot_data.get(ERRORS_KEY)
    if isinstance(notices, ErrorNotices) and notices.due():
        await _notify_operators(context, update_id)


async def _apologise(update: Update, context: Context) -> None:
    text = speaker(context, user_locale(update.effective_user))(ui_text.ERROR_GENERIC)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif (
            update.effective_message is not None
            and update.effective_message.chat.type == ChatType.PRIVATE
        ):
            await reply(update.effective_message, text)
    except TelegramError:
        log.info("could not tell the person about the error", extra={"update_id": update.update_id})


async def _notify_operators(context: Context, update_id: int | None) -> None:
    try:
        admin_ids = services(context).admin_ids
    except (KeyError, AssertionError):
        return
    error = context.error
    described = f"{type(error).__name__}: {error}"[:300] if error else "unknown"
    for admin_id in sorted(admin_ids):
        stored = await services(context).chats.get(admin_id)
        speak = speaker(context, stored.locale if stored else "en")
        text = speak(words.ADMIN_ERROR_NOTICE, update=update_id, error=described)
        try:
            await context.bot.send_message(admin_id, text)
        except TelegramError:
            log.info("could not notify an operator", extra={"chat_id": admin_id})
