"""The one state model behind the fake Bot API, whichever way the server is run.

In-process, in a background thread or in a subprocess, the same `BotApiState` holds the
simulated world, the update queue and everything the bot sent. Every access takes `lock`, so a
benchmark may inject and read from its own thread while the server runs in another. Waiting is
loop-agnostic: a waiter registers a predicate from the loop it awaits on, and whoever changes
the state wakes it with `call_soon_threadsafe`, so no one polls or sleeps.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.errors import ApiError
from tests.fakes.flood import FloodLimiter
from tests.fakes.params import Params
from tests.fakes.world import FakeChat, FakeUser

DEFAULT_TOKEN = "123456789:AAFakeBotApiTokenForTests_0123456789"
UPDATE_TYPES_OFF_BY_DEFAULT = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file the bot uploaded or a user sent, downloadable at `file_path`."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str


@dataclass(eq=False, slots=True)
class SentMessage:
    """One message the bot delivered, as the recipient would see it, plus how it was asked for.

    `text` is the plain text after entity parsing (the caption for media); `source_text` is
    exactly what the bot sent. After editMessageText the fields show the latest version and
    `history` the earlier ones.
    """

    chat_id: int
    message_id: int
    method: str
    text: str
    source_text: str | None
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    message_thread_id: int | None
    disable_notification: bool
    protect_content: bool
    allow_paid_broadcast: bool
    link_preview_options: dict[str, Any] | None
    reply_to_message_id: int | None
    date: int
    sent_at: float
    message: dict[str, Any]
    file: StoredFile | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows, or [] when the message has none."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard", [])
        return [list(row) for row in rows]

    @property
    def callback_data(self) -> list[str]:
        """Every button's callback_data, row by row."""
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    def to_json(self) -> dict[str, Any]:
        """A JSON view for the control API (file bytes shown by size only)."""
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "method": self.method,
            "text": self.text,
            "source_text": self.source_text,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "reply_markup": self.reply_markup,
            "message_thread_id": self.message_thread_id,
            "disable_notification": self.disable_notification,
            "protect_content": self.protect_content,
            "allow_paid_broadcast": self.allow_paid_broadcast,
            "link_preview_options": self.link_preview_options,
            "reply_to_message_id": self.reply_to_message_id,
            "date": self.date,
            "sent_at": self.sent_at,
            "file_size": len(self.file.data) if self.file else None,
            "history": self.history,
            "deleted": self.deleted,
        }


@dataclass(eq=False, slots=True)
class RecordedRequest:
    """One request as the fake saw it, and how it answered."""

    method: str
    params: dict[str, Any]
    at: float
    chat_id: int | None
    status: int | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": self.params,
            "at": self.at,
            "chat_id": self.chat_id,
            "status": self.status,
            "description": self.description,
        }


@dataclass(slots=True)
class _Waiter:
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]
    predicate: Callable[[], bool]


class Waiters:
    """Futures waiting for a condition on the state, each woken on its own event loop."""

    def __init__(self) -> None:
        self._pending: list[_Waiter] = []

    def add(self, predicate: Callable[[], bool]) -> asyncio.Future[None]:
        """Register from a running loop; the caller holds the state lock."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        if predicate():
            future.set_result(None)
        else:
            self._pending.append(_Waiter(loop, future, predicate))
        return future

    def notify(self) -> None:
        """Wake every waiter whose condition now holds; the caller holds the state lock."""
        if not self._pending:
            return
        still_waiting = []
        for waiter in self._pending:
            if waiter.future.done():
                continue
            if not waiter.predicate():
                still_waiting.append(waiter)
                continue
            # RuntimeError: that loop is closed, so nobody is waiting any more.
            with contextlib.suppress(RuntimeError):
                waiter.loop.call_soon_threadsafe(_settle, waiter.future)
        self._pending = still_waiting


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class BotApiState:
    """The simulated world and the records of everything that happened in it."""

    def __init__(
        self,
        token: str,
        *,
        clock: Callable[[], float],
        now: Callable[[], float],
        strict_html: bool,
    ) -> None:
        self.lock = threading.RLock()
        self.token = token
        self.clock = clock
        self.now = now
        self.strict_html = strict_html
        self.bot = FakeUser(
            id=int(token.split(":", 1)[0]),
            first_name="Alert Bot",
            username="fake_alert_bot",
            is_bot=True,
        )
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 100_000
        self.allowed_updates: frozenset[str] | None = None
        self.last_message_id: dict[int, int] = {}
        self.deleted_ids: set[tuple[int, int]] = set()
        self.sent: list[SentMessage] = []
        self.sent_by_chat: dict[int, list[SentMessage]] = {}
        self.requests: list[RecordedRequest] = []
        self.files: dict[str, StoredFile] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.webhook: dict[str, Any] | None = None
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.inline_queries: dict[str, dict[str, Any]] = {}
        self.flood: FloodLimiter | None = None
        self.waiters = Waiters()
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(400_000_001)
        self._channel_ids = itertools.count(1_002_000_000_001)
        self._query_ids = itertools.count(5_000_000_000_001)
        self._file_ids = itertools.count(1)

    # --- identities -------------------------------------------------------------------

    def new_user_id(self) -> int:
        return next(self._user_ids)

    def new_group_id(self) -> int:
        return -next(self._group_ids)

    def new_supergroup_id(self) -> int:
        return -next(self._channel_ids)

    def new_query_id(self) -> str:
        return str(next(self._query_ids))

    def next_message_id(self, chat_id: int) -> int:
        message_id = self.last_message_id.get(chat_id, 0) + 1
        self.last_message_id[chat_id] = message_id
        return message_id

    def bot_json(self) -> dict[str, Any]:
        return self.bot.to_json()

    # --- lookups ----------------------------------------------------------------------

    def user(self, ref: FakeUser | int) -> FakeUser:
        user_id = ref.id if isinstance(ref, FakeUser) else int(ref)
        try:
            return self.users[user_id]
        except KeyError:
            raise KeyError(f"no user {user_id} in the fake world; add_user() first") from None

    def chat(self, ref: FakeChat | FakeUser | int) -> FakeChat:
        chat_id = ref.id if isinstance(ref, FakeChat | FakeUser) else int(ref)
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"no chat {chat_id} in the fake world") from None

    def chat_for_request(self, params: Params, name: str = "chat_id") -> FakeChat:
        """The chat a request names, or Telegram's error for an unknown or migrated one."""
        raw = params.values.get(name)
        if raw is None or raw == "":
            raise ApiError.bad_request(f"{name} is empty")
        chat: FakeChat | None
        if isinstance(raw, str) and raw.startswith("@"):
            username = raw[1:].lower()
            chat = next(
                (c for c in self.chats.values() if (c.username or "").lower() == username), None
            )
        else:
            try:
                chat = self.chats.get(int(raw))
            except (TypeError, ValueError):
                chat = None
        if chat is None or not chat.known:
            raise ApiError.chat_not_found()
        if chat.migrated_to is not None:
            raise ApiError.migrated(chat.migrated_to)
        return chat

    def chat_id_of(self, params: Params) -> int | None:
        """The numeric chat a request is about, for fault matching; None if it names none."""
        raw = params.values.get("chat_id")
        if raw is None:
            return None
        if isinstance(raw, str) and raw.startswith("@"):
            username = raw[1:].lower()
            for chat in self.chats.values():
                if (chat.username or "").lower() == username:
                    return chat.id
            return None
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in reversed(self.sent_by_chat.get(chat_id, [])):
            if message.message_id == message_id:
                return message
        return None

    # --- updates ----------------------------------------------------------------------

    def enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Append an update (without update_id) to the queue and wake long polls."""
        update = {"update_id": self.next_update_id, **body}
        self.next_update_id += 1
        self.updates.append(update)
        self.waiters.notify()
        return update

    def deliverable_updates(self) -> list[dict[str, Any]]:
        """Queued updates of types the bot asked for (Telegram drops the others)."""
        allowed = self.allowed_updates
        kept = [u for u in self.updates if _update_allowed(u, allowed)]
        if len(kept) != len(self.updates):
            self.updates = kept
        return kept

    def confirm_updates(self, offset: int) -> None:
        """Forget updates below `offset`, or all but the last -offset when it is negative."""
        if offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]

    # --- delivery ---------------------------------------------------------------------

    def take_flood_token(self, chat: FakeChat) -> None:
        if self.flood is None:
            return
        retry_after = self.flood.try_send(chat.id, chat.is_private)
        if retry_after is not None:
            raise ApiError.too_many_requests(retry_after)

    def store_file(
        self, data: bytes, *, file_name: str | None, mime_type: str | None, folder: str
    ) -> StoredFile:
        number = next(self._file_ids)
        extension = file_name.rpartition(".")[2] if file_name and "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"fake-file-{number:06d}",
            file_unique_id=f"fake-unique-{number:06d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            file_path=f"{folder}/file_{number}.{extension}",
        )
        self.files[stored.file_id] = stored
        return stored

    def record_delivery(self, message: SentMessage) -> None:
        self.sent.append(message)
        self.sent_by_chat.setdefault(message.chat_id, []).append(message)


def _update_allowed(update: dict[str, Any], allowed: frozenset[str] | None) -> bool:
    kind = update_type(update)
    if allowed is None:
        return kind not in UPDATE_TYPES_OFF_BY_DEFAULT
    return kind in allowed


def update_type(update: dict[str, Any]) -> str:
    """The name of the one optional field an update carries ("message", "callback_query", …)."""
    return next((key for key in update if key != "update_id"), "")


def snapshot(items: Iterable[Any]) -> list[Any]:
    """A list copy, so callers can iterate while the server keeps appending."""
    return list(items)
