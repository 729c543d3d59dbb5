"""A fake Telegram Bot API server on 127.0.0.1 that the real python-telegram-bot cannot tell apart.

Point PTB at it and drive a simulated world from the test::

    async with FakeBotApi() as api:
        lan = api.add_user("Lan", language_code="vi")
        app = (
            Application.builder().token(api.token)
            .base_url(api.base_url).base_file_url(api.base_file_url).build()
        )
        app.add_handler(CommandHandler("start", start))
        async with app:
            await app.updater.start_polling(poll_interval=0)
            await app.start()
            api.send_command(lan, "/start", "vi")
            [reply] = await api.wait_for_messages(lan, 1)
            assert "Xin chào" in reply.text
            await app.updater.stop()
            await app.stop()

Three ways to run it, one state model (`tests.fakes.state.BotApiState`, thread-safe):
  * `async with FakeBotApi() as api:` serves on the test's own event loop;
  * `with FakeBotApi() as api:` (or `start_in_thread()` / `stop_thread()`) serves from a
    background thread with its own loop, so a benchmark's bot and server do not share a loop;
    every method below works the same from the caller's thread and loop;
  * `python -m tests.fakes.bot_api --port 0` prints its root URL on the first line of stdout
    and is driven over HTTP at `POST {root}/_control/{action}` with a JSON object of
    arguments (see `tests.fakes.control`; `FakeBotApiProcess` there wraps it).

FakeBotApi(token=DEFAULT_TOKEN, *, clock=time.monotonic, now=time.time, strict_html=True,
flood_limits=None): `clock` drives flood limits and `sent_at`, `now` the message dates.
Addresses: `root_url`, `base_url` (= root + "/bot") and `base_file_url` (= root + "/file/bot")
for `Bot(token, base_url=…, base_file_url=…)`; `token`; `bot` (the bot's `FakeUser`).

The world (objects or plain ids are accepted wherever a user or chat is expected):
  add_user(first_name, *, language_code="en", username, last_name, user_id, started=True)
  add_group(title, *, members={user: status} or [users], bot_status="member")
  add_supergroup(title, *, forum=False, username, members, bot_status="member")
  add_channel(title, *, username, members, bot_status="administrator")
  create_forum_topic(chat, name) -> message_thread_id;  set_member_status(chat, user, status)
  block_bot(user) / unblock_bot(user)  -> 403 "Forbidden: bot was blocked by the user"
  deactivate_user(user) -> 403 "Forbidden: user is deactivated"
  forget_chat(chat) -> 400 "Bad Request: chat not found"
  add_user(..., started=False) -> 403 "Forbidden: bot can't initiate conversation with a user"
  (until the user writes to the bot); a group or channel the bot is not in, or a channel where
  it is not an administrator, answers as Telegram does.

Updates, built as a Telegram client would send them; each returns the Update dict:
  send_text(user, text, *, chat, message_thread_id, reply_to, entities)
  send_command(user, "/start", payload, *, chat, mention_bot)   (with a bot_command entity)
  forward_text(user, text, *, origin=user|chat|"hidden name", chat)
  edit_text(user, original_update, text)  (edited_message);  send_sticker;  send_photo
  press_button(user, sent_message, callback_data)  (callback_query on a message the bot sent)
  send_inline_query(user, query);  inject_update(raw_update_body)
  add_bot_to_group(user, chat, *, as_admin) / remove_bot(user, chat, *, ban) /
  promote_bot_in_channel(user, channel)   (my_chat_member, plus new_chat_members in groups)
  migrate_group_to_supergroup(group) -> new FakeChat; the old id then answers 400 with
  migrate_to_chat_id, and the migrate_to/from_chat_id service messages are queued.

Faults (the next `count` matching requests; `chat` and `method` narrow the match; with no
`method`, getUpdates is never matched, since the poller's timing is not the test's to control):
  fail_next(count, *, status=500, description, chat, method)
  rate_limit_next(count, *, retry_after=5, chat, method)   -> 429 "Too Many Requests: retry after 5"
  delay_next(seconds, count, *, chat, method)
  drop_next(count, *, chat, method, after_processing=False)  (connection cut, no answer)
  enable_flood_limits(FloodLimits(...)) / disable_flood_limits();  clear_faults()

Records and waits (no sleeping: waiters are woken by the change they wait for):
  requests, requests_for(method), sent(chat=None), last_sent(chat), too_many_requests_count,
  pending_updates, commands(scope, language_code), description(language_code),
  short_description(language_code), webhook, callback_answer(id), inline_answer(id),
  file_bytes(file_id), member_status(chat, user)
  await wait_for_messages(chat=None, count=1, *, timeout=5.0) -> list[SentMessage]
      (`count` counts every delivery to that chat so far, not only new ones)
  await wait_for_request(method, *, since=0, where=None, answered=True, timeout=5.0)
  await wait_for_updates_fetched(*, timeout=5.0)

Where this fake is stricter or simpler than Telegram: a bare "&" in HTML is rejected unless
`strict_html=False`; Markdown parse modes are accepted without validation; the bot reads all
group messages (privacy mode off), and injecting a message into a chat the bot is not in raises
ValueError; webhooks are recorded, not called; http:// webhook URLs are accepted for localhost
only; auto-detected entities (URLs, mentions, hashtags) are not added to sent messages.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeAlias

from tests.fakes.control import handle_control
from tests.fakes.errors import ApiError
from tests.fakes.flood import FloodLimiter, FloodLimits
from tests.fakes.http_server import DROP, HttpServer, Outcome, Request, Response
from tests.fakes.methods import METHODS
from tests.fakes.params import Params, parse_params
from tests.fakes.state import (
    DEFAULT_TOKEN,
    BotApiState,
    RecordedRequest,
    SentMessage,
)
from tests.fakes.world import (
    MEMBER_STATUSES,
    PRESENT_STATUSES,
    FakeChat,
    FakeUser,
    bot_command_entities,
    member_json,
)

__all__ = [
    "DEFAULT_TOKEN",
    "FakeBotApi",
    "FakeChat",
    "FakeUser",
    "FloodLimits",
    "RecordedRequest",
    "SentMessage",
]

UserRef: TypeAlias = FakeUser | int
ChatRef: TypeAlias = FakeChat | FakeUser | int
Update: TypeAlias = dict[str, Any]

_TOKEN_FORMAT = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_TERMINATED = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)


@dataclass(slots=True)
class _Fault:
    kind: str  # "error", "delay", "drop" or "drop_after"
    remaining: int
    chat_id: int | None
    method: str | None
    error: ApiError | None = None
    seconds: float = 0.0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is None and method == "getupdates":
            return False
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass(slots=True)
class _Poll:
    terminated: bool = False


class FakeBotApi:
    """The fake server and its simulated world; see the module docstring for the tour."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
        strict_html: bool = True,
        flood_limits: FloodLimits | None = None,
    ) -> None:
        self._state = BotApiState(token, clock=clock, now=now, strict_html=strict_html)
        if flood_limits is not None:
            self.enable_flood_limits(flood_limits)
        self._faults: list[_Fault] = []
        self._poll: _Poll | None = None
        self._server: HttpServer | None = None
        self._root_url: str | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._shutdown: asyncio.Event | None = None

    # --- addresses ------------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot(self) -> FakeUser:
        return self._state.bot

    @property
    def state(self) -> BotApiState:
        """The shared state, for the control API; tests should prefer the methods here."""
        return self._state

    @property
    def root_url(self) -> str:
        if self._root_url is None:
            raise RuntimeError("the fake Bot API is not running; start it first")
        return self._root_url

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    # --- running --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeBotApi:
        """Serve on the running event loop; port 0 picks a free one."""
        self._shutdown = asyncio.Event()
        self._server = HttpServer(self._route)
        bound_host, bound_port = await self._server.start(host, port)
        self._root_url = f"http://{bound_host}:{bound_port}"
        return self

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
            self._server = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self, host: str = "127.0.0.1", port: int = 0) -> FakeBotApi:
        """Serve from a daemon thread with its own event loop; returns once it listens."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._thread_loop = loop
            try:
                loop.run_until_complete(self.start(host, port))
            except BaseException as exc:  # handed to the starting thread below
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-bot-api", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop_thread(self) -> None:
        if self._thread is None or self._thread_loop is None:
            return
        self._thread_loop.call_soon_threadsafe(self._thread_loop.stop)
        self._thread.join()
        self._thread = None
        self._thread_loop = None

    def __enter__(self) -> FakeBotApi:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_thread()

    async def serve_until_shutdown(self) -> None:
        """Block until `request_shutdown()` (the control API's "shutdown") or a signal."""
        if self._shutdown is None:
            raise RuntimeError("start() the fake Bot API before serving")
        await self._shutdown.wait()

    def request_shutdown(self) -> None:
        if self._shutdown is not None:
            self._shutdown.set()

    # --- HTTP routing ---------------------------------------------------------------------

    def _route(self, request: Request) -> Outcome | Awaitable[Outcome]:
        path = request.path
        if path.startswith("/bot"):
            token, _, method = path[len("/bot") :].partition("/")
            return self._api(token, method, request)
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            return self._download(token, file_path)
        if path.startswith("/_control/"):
            return handle_control(self, path[len("/_control/") :], request)
        return _answer_error(ApiError.not_found())

    def _download(self, token: str, file_path: str) -> Response:
        if token != self.token:
            return _answer_error(ApiError.unauthorized())
        with self._state.lock:
            stored = next((f for f in self._state.files.values() if f.file_path == file_path), None)
        if stored is None:
            return _answer_error(ApiError.not_found())
        return Response(200, stored.data, stored.mime_type or "application/octet-stream")

    def _api(self, token: str, method: str, request: Request) -> Outcome | Awaitable[Outcome]:
        if not _TOKEN_FORMAT.match(token) or not method:
            return _answer_error(ApiError.not_found())
        if token != self.token:
            return _answer_error(ApiError.unauthorized())
        early_error: ApiError | None = None
        try:
            params = parse_params(
                request.headers.get("content-type", ""), request.body, request.query
            )
        except ApiError as exc:
            params, early_error = Params({}), exc
        name = method.lower()
        state = self._state
        with state.lock:
            record = RecordedRequest(
                method, params.to_json(), state.clock(), state.chat_id_of(params)
            )
            state.requests.append(record)
            state.waiters.notify()
            if early_error is not None:
                return self._finish(record, error=early_error)
            fault = self._take_fault(name, record.chat_id)
        if fault is None:
            return self._run(name, params, record)
        if fault.kind == "error":
            assert fault.error is not None
            with state.lock:
                return self._finish(record, error=fault.error)
        if fault.kind == "drop":
            with state.lock:
                record.description = "connection dropped before processing"
                state.waiters.notify()
            return DROP
        if fault.kind == "delay":
            return self._delayed(fault.seconds, name, params, record)
        return self._dropped_after(self._run(name, params, record), record)

    def _run(
        self, name: str, params: Params, record: RecordedRequest
    ) -> Outcome | Awaitable[Outcome]:
        if name == "getupdates":
            return self._get_updates(params, record)
        method = METHODS.get(name)
        with self._state.lock:
            if method is None:
                return self._finish(record, error=ApiError.not_found())
            try:
                result = method(self._state, params)
            except ApiError as exc:
                return self._finish(record, error=exc)
            return self._finish(record, result=result)

    def _finish(
        self, record: RecordedRequest, *, result: Any = None, error: ApiError | None = None
    ) -> Response:
        """Answer a request and record how; the caller holds the lock."""
        if error is not None:
            record.status, record.description = error.status, error.description
            body = error.body()
            status = error.status
        else:
            record.status = 200
            body = json.dumps(
                {"ok": True, "result": result}, ensure_ascii=False, separators=(",", ":")
            ).encode("utf-8")
            status = 200
        self._state.waiters.notify()
        return Response(status, body)

    async def _delayed(
        self, seconds: float, name: str, params: Params, record: RecordedRequest
    ) -> Outcome:
        await asyncio.sleep(seconds)
        outcome = self._run(name, params, record)
        return await outcome if inspect.isawaitable(outcome) else outcome

    async def _dropped_after(
        self, outcome: Outcome | Awaitable[Outcome], record: RecordedRequest
    ) -> Outcome:
        if inspect.isawaitable(outcome):
            await outcome
        with self._state.lock:
            record.description = (
                f"{record.description or 'OK'} (connection dropped after processing)"
            )
        return DROP

    # --- getUpdates -----------------------------------------------------------------------

    def _get_updates(self, params: Params, record: RecordedRequest) -> Outcome | Awaitable[Outcome]:
        state = self._state
        with state.lock:
            if state.webhook is not None:
                return self._finish(record, error=ApiError.conflict(_WEBHOOK_ACTIVE))
            try:
                offset = params.get_int("offset")
                limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
                timeout = max(params.get_int("timeout", 0) or 0, 0)
            except ApiError as exc:
                return self._finish(record, error=exc)
            allowed = params.get_json("allowed_updates")
            if isinstance(allowed, list):
                state.allowed_updates = frozenset(allowed) if allowed else None
            if offset is not None:
                state.confirm_updates(offset)
            if self._poll is not None:
                self._poll.terminated = True
                self._poll = None
                state.waiters.notify()
            ready = state.deliverable_updates()
            if ready or timeout == 0:
                return self._finish(record, result=ready[:limit])
            poll = _Poll()
            self._poll = poll
            woken = state.waiters.add(lambda: poll.terminated or bool(state.deliverable_updates()))
        return self._long_poll(poll, woken, limit, timeout, record)

    async def _long_poll(
        self,
        poll: _Poll,
        woken: asyncio.Future[None],
        limit: int,
        poll_seconds: int,
        record: RecordedRequest,
    ) -> Outcome:
        state = self._state
        try:
            await asyncio.wait_for(woken, poll_seconds)
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            with state.lock:
                record.description = "client closed the connection while polling"
            raise
        finally:
            with state.lock:
                if self._poll is poll:
                    self._poll = None
        with state.lock:
            if poll.terminated:
                return self._finish(record, error=ApiError.conflict(_TERMINATED))
            return self._finish(record, result=state.deliverable_updates()[:limit])

    # --- faults ---------------------------------------------------------------------------

    def _take_fault(self, method: str, chat_id: int | None) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _add_fault(
        self,
        kind: str,
        count: int,
        chat: ChatRef | None,
        method: str | None,
        *,
        error: ApiError | None = None,
        seconds: float = 0.0,
    ) -> None:
        chat_id = None if chat is None else _chat_id(chat)
        name = None if method is None else method.lower()
        with self._state.lock:
            self._faults.append(_Fault(kind, count, chat_id, name, error, seconds))

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 500,
        description: str = "Internal Server Error",
        parameters: dict[str, Any] | None = None,
        chat: ChatRef | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next `count` matching requests with this error instead of serving them."""
        self._add_fault(
            "error", count, chat, method, error=ApiError(status, description, parameters)
        )

    def rate_limit_next(
        self,
        count: int = 1,
        *,
        retry_after: int = 5,
        chat: ChatRef | None = None,
        method: str | None = None,
    ) -> None:
        """Answer 429 "Too Many Requests: retry after N"; the message is not delivered."""
        self._add_fault("error", count, chat, method, error=ApiError.too_many_requests(retry_after))

    def delay_next(
        self,
        seconds: float,
        count: int = 1,
        *,
        chat: ChatRef | None = None,
        method: str | None = None,
    ) -> None:
        """Serve the next `count` matching requests normally, but only after `seconds`."""
        self._add_fault("delay", count, chat, method, seconds=seconds)

    def drop_next(
        self,
        count: int = 1,
        *,
        chat: ChatRef | None = None,
        method: str | None = None,
        after_processing: bool = False,
    ) -> None:
        """Cut the connection without answering; after_processing=True delivers first.

        The second form is the dangerous one for a sender: the message arrived, but the bot
        cannot know, and a retry sends it twice.
        """
        kind = "drop_after" if after_processing else "drop"
        self._add_fault(kind, count, chat, method)

    def clear_faults(self) -> None:
        with self._state.lock:
            self._faults.clear()

    def enable_flood_limits(self, limits: FloodLimits | None = None) -> None:
        """Turn on Telegram-like flood limits (429 with retry_after, message not delivered)."""
        with self._state.lock:
            self._state.flood = FloodLimiter(limits or FloodLimits(), self._state.clock)

    def disable_flood_limits(self) -> None:
        with self._state.lock:
            self._state.flood = None

    # --- the world ------------------------------------------------------------------------

    def add_user(
        self,
        first_name: str = "Test User",
        *,
        language_code: str | None = "en",
        username: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
        started: bool = True,
        is_premium: bool = False,
        is_bot: bool = False,
    ) -> FakeUser:
        """A user and their private chat with the bot (chat id = user id)."""
        state = self._state
        with state.lock:
            uid = user_id if user_id is not None else state.new_user_id()
            user = FakeUser(
                id=uid,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
                is_premium=is_premium,
                is_bot=is_bot,
                started=started,
            )
            state.users[uid] = user
            state.chats[uid] = FakeChat(
                id=uid,
                type="private",
                first_name=first_name,
                last_name=last_name,
                username=username,
            )
            return user

    def add_group(
        self,
        title: str = "Test group",
        *,
        members: Mapping[UserRef, str] | Iterable[UserRef] = (),
        bot_status: str = "member",
    ) -> FakeChat:
        """A basic group; `members` maps users to statuses (a plain list means "member")."""
        with self._state.lock:
            chat = FakeChat(self._state.new_group_id(), "group", title=title)
            return self._register_chat(chat, members, bot_status)

    def add_supergroup(
        self,
        title: str = "Test supergroup",
        *,
        forum: bool = False,
        username: str | None = None,
        members: Mapping[UserRef, str] | Iterable[UserRef] = (),
        bot_status: str = "member",
    ) -> FakeChat:
        with self._state.lock:
            chat = FakeChat(
                self._state.new_supergroup_id(),
                "supergroup",
                title=title,
                username=username,
                is_forum=forum,
            )
            return self._register_chat(chat, members, bot_status)

    def add_channel(
        self,
        title: str = "Test channel",
        *,
        username: str | None = None,
        members: Mapping[UserRef, str] | Iterable[UserRef] = (),
        bot_status: str = "administrator",
    ) -> FakeChat:
        with self._state.lock:
            chat = FakeChat(
                self._state.new_supergroup_id(), "channel", title=title, username=username
            )
            return self._register_chat(chat, members, bot_status)

    def _register_chat(
        self,
        chat: FakeChat,
        members: Mapping[UserRef, str] | Iterable[UserRef],
        bot_status: str,
    ) -> FakeChat:
        _check_status(bot_status)
        chat.bot_status = bot_status
        pairs = (
            members.items() if isinstance(members, Mapping) else ((m, "member") for m in members)
        )
        for user, status in pairs:
            _check_status(status)
            chat.members[self._state.user(user).id] = status
        self._state.chats[chat.id] = chat
        return chat

    def set_member_status(self, chat: ChatRef, user: UserRef, status: str) -> None:
        """Change what getChatMember answers for `user`, without sending any update."""
        _check_status(status)
        with self._state.lock:
            self._state.chat(chat).members[self._state.user(user).id] = status

    def member_status(self, chat: ChatRef, user: UserRef) -> str:
        with self._state.lock:
            target = self._state.chat(chat)
            user_id = _user_id(user)
            if user_id == self.bot.id:
                return target.bot_status
            return target.members.get(user_id, "left")

    def create_forum_topic(self, chat: ChatRef, name: str, *, by: UserRef | None = None) -> int:
        """Open a topic in a forum supergroup; returns its message_thread_id."""
        state = self._state
        with state.lock:
            forum = state.chat(chat)
            if not forum.is_forum:
                raise ValueError(f"chat {forum.id} is not a forum supergroup")
            author = state.user(by) if by is not None else self._someone_in(forum)
            message = self._message_from(author, forum, {})
            thread_id = int(message["message_id"])
            forum.topics[thread_id] = name
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
            message["forum_topic_created"] = {"name": name, "icon_color": 7322096}
            state.enqueue({"message": message})
            return thread_id

    def block_bot(self, user: UserRef, *, notify: bool = True) -> Update | None:
        """The user blocks the bot: sends get 403, and the bot gets a my_chat_member update."""
        with self._state.lock:
            person = self._state.user(user)
            person.blocked_bot = True
            if not notify:
                return None
            return self._bot_membership(person, self._state.chat(person.id), "member", "kicked")

    def unblock_bot(self, user: UserRef, *, notify: bool = True) -> Update | None:
        with self._state.lock:
            person = self._state.user(user)
            person.blocked_bot = False
            person.started = True
            if not notify:
                return None
            return self._bot_membership(person, self._state.chat(person.id), "kicked", "member")

    def deactivate_user(self, user: UserRef) -> None:
        """The account is deleted: sends get 403 "Forbidden: user is deactivated"."""
        with self._state.lock:
            self._state.user(user).deactivated = True

    def forget_chat(self, chat: ChatRef) -> None:
        """Telegram no longer knows the chat: requests get 400 "Bad Request: chat not found"."""
        with self._state.lock:
            self._state.chat(chat).known = False

    # --- updates from users ---------------------------------------------------------------

    def _someone_in(self, chat: FakeChat) -> FakeUser:
        for wanted in ("creator", "administrator", "member"):
            for user_id, status in chat.members.items():
                if status == wanted and user_id in self._state.users:
                    return self._state.users[user_id]
        owner = self.add_user("Group Owner")
        chat.members[owner.id] = "creator"
        return owner

    def _message_from(
        self,
        user: FakeUser,
        chat: FakeChat,
        content: Mapping[str, Any],
        *,
        message_thread_id: int | None = None,
        reply_to: SentMessage | Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A Message from `user` in `chat`, numbered in that chat; the caller holds the lock."""
        if not chat.is_private and chat.bot_status not in PRESENT_STATUSES:
            raise ValueError(
                f"the bot is not in chat {chat.id}, so Telegram would not deliver this update"
            )
        message: dict[str, Any] = {
            "message_id": self._state.next_message_id(chat.id),
            "from": user.to_json(),
            "chat": chat.to_json(),
            "date": int(self._state.now()),
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            if chat.is_forum:
                message["is_topic_message"] = True
        if reply_to is not None:
            original = reply_to.message if isinstance(reply_to, SentMessage) else reply_to
            message["reply_to_message"] = dict(original.get("message", original))
        message.update(content)
        return message

    def _send(
        self,
        user: UserRef,
        chat: ChatRef | None,
        content: Mapping[str, Any],
        **placement: Any,
    ) -> Update:
        state = self._state
        with state.lock:
            person = state.user(user)
            target = state.chat(chat if chat is not None else person.id)
            if target.is_private:
                person.started = True
            message = self._message_from(person, target, content, **placement)
            return state.enqueue({"message": message})

    def send_text(
        self,
        user: UserRef,
        text: str,
        *,
        chat: ChatRef | None = None,
        message_thread_id: int | None = None,
        reply_to: SentMessage | Mapping[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> Update:
        """A text message from `user`, in their private chat unless `chat` is given."""
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._send(
            user, chat, content, message_thread_id=message_thread_id, reply_to=reply_to
        )

    def send_command(
        self,
        user: UserRef,
        command: str,
        payload: str | None = None,
        *,
        chat: ChatRef | None = None,
        mention_bot: bool = False,
        message_thread_id: int | None = None,
    ) -> Update:
        """`/command [payload]` with the bot_command entity a client adds (deep links too)."""
        text = command if command.startswith("/") else f"/{command}"
        if mention_bot:
            text += f"@{self.bot.username}"
        if payload:
            text += f" {payload}"
        return self.send_text(
            user,
            text,
            chat=chat,
            message_thread_id=message_thread_id,
            entities=bot_command_entities(text),
        )

    def forward_text(
        self,
        user: UserRef,
        text: str,
        *,
        origin: FakeUser | FakeChat | str | None = None,
        origin_message_id: int = 1,
        chat: ChatRef | None = None,
    ) -> Update:
        """A message the user forwards; `origin` is a user, a chat/channel or a hidden name."""
        date = int(self._state.now()) - 3600
        forward_origin: dict[str, Any]
        if isinstance(origin, FakeUser):
            forward_origin = {"type": "user", "date": date, "sender_user": origin.to_json()}
        elif isinstance(origin, FakeChat) and origin.type == "channel":
            forward_origin = {
                "type": "channel",
                "date": date,
                "chat": origin.to_json(),
                "message_id": origin_message_id,
            }
        elif isinstance(origin, FakeChat):
            forward_origin = {"type": "chat", "date": date, "sender_chat": origin.to_json()}
        else:
            name = origin or "Hidden Sender"
            forward_origin = {"type": "hidden_user", "date": date, "sender_user_name": name}
        return self._send(user, chat, {"text": text, "forward_origin": forward_origin})

    def edit_text(self, user: UserRef, original: Mapping[str, Any], text: str) -> Update:
        """The user edits a message they sent (`original`: its update or message dict)."""
        state = self._state
        with state.lock:
            state.user(user)
            message = dict(original.get("message", original))
            message.pop("entities", None)
            message["text"] = text
            message["edit_date"] = int(state.now())
            return state.enqueue({"edited_message": message})

    def send_sticker(
        self, user: UserRef, emoji: str = "👍", *, chat: ChatRef | None = None
    ) -> Update:
        with self._state.lock:
            number = self._state.next_update_id
        sticker = {
            "file_id": f"fake-sticker-{number}",
            "file_unique_id": f"fake-sticker-u-{number}",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
            "emoji": emoji,
        }
        return self._send(user, chat, {"sticker": sticker})

    def send_photo(
        self,
        user: UserRef,
        data: bytes = b"\x89PNG\r\n\x1a\nfake photo bytes",
        *,
        caption: str | None = None,
        chat: ChatRef | None = None,
    ) -> Update:
        """A photo from the user; the bytes are downloadable through getFile like Telegram's."""
        with self._state.lock:
            stored = self._state.store_file(
                data, file_name="photo.jpg", mime_type="image/jpeg", folder="photos"
            )
        content: dict[str, Any] = {
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": 1280,
                    "height": 853,
                    "file_size": len(data),
                }
            ]
        }
        if caption:
            content["caption"] = caption
        return self._send(user, chat, content)

    def press_button(self, user: UserRef, message: SentMessage, callback_data: str) -> Update:
        """The user taps an inline button of a message the bot sent."""
        state = self._state
        with state.lock:
            person = state.user(user)
            if message.deleted:
                raise ValueError(f"message {message.message_id} was deleted; nothing to press")
            if callback_data not in message.callback_data:
                raise ValueError(
                    f"message {message.message_id} has no button with callback_data "
                    f"{callback_data!r}; it has {message.callback_data}"
                )
            query_id = state.new_query_id()
            query = {
                "id": query_id,
                "from": person.to_json(),
                "message": json.loads(json.dumps(message.message)),
                "chat_instance": str(abs(message.chat_id) * 7919 % 10**12),
                "data": callback_data,
            }
            state.callback_queries[query_id] = {"query": query, "answer": None}
            return state.enqueue({"callback_query": query})

    def send_inline_query(
        self, user: UserRef, query: str, *, offset: str = "", chat_type: str = "sender"
    ) -> Update:
        """The user types `@bot query` in some chat."""
        state = self._state
        with state.lock:
            person = state.user(user)
            query_id = state.new_query_id()
            inline = {
                "id": query_id,
                "from": person.to_json(),
                "query": query,
                "offset": offset,
                "chat_type": chat_type,
            }
            state.inline_queries[query_id] = {"query": inline, "answer": None}
            return state.enqueue({"inline_query": inline})

    def inject_update(self, body: Mapping[str, Any]) -> Update:
        """Queue any update body (without update_id) for anything the helpers do not build."""
        with self._state.lock:
            return self._state.enqueue(dict(body))

    def _bot_membership(self, user: FakeUser, chat: FakeChat, old: str, new: str) -> Update:
        bot = self._state.bot_json()
        change = {
            "chat": chat.to_json(),
            "from": user.to_json(),
            "date": int(self._state.now()),
            "old_chat_member": member_json(bot, old, chat.type),
            "new_chat_member": member_json(bot, new, chat.type),
        }
        return self._state.enqueue({"my_chat_member": change})

    def add_bot_to_group(self, user: UserRef, chat: ChatRef, *, as_admin: bool = False) -> Update:
        """`user` adds the bot: my_chat_member, then the new_chat_members service message."""
        state = self._state
        with state.lock:
            person, target = state.user(user), state.chat(chat)
            old, target.bot_status = target.bot_status, "administrator" if as_admin else "member"
            if target.members.get(person.id, "left") not in PRESENT_STATUSES:
                target.members[person.id] = "member"
            update = self._bot_membership(person, target, old, target.bot_status)
            if target.type in ("group", "supergroup"):
                joined = {"new_chat_members": [state.bot_json()]}
                state.enqueue({"message": self._message_from(person, target, joined)})
            return update

    def remove_bot(self, user: UserRef, chat: ChatRef, *, ban: bool = False) -> Update:
        """`user` removes the bot (status "left", or "kicked" with ban=True)."""
        state = self._state
        with state.lock:
            person, target = state.user(user), state.chat(chat)
            old, target.bot_status = target.bot_status, "kicked" if ban else "left"
            return self._bot_membership(person, target, old, target.bot_status)

    def promote_bot_in_channel(self, user: UserRef, chat: ChatRef) -> Update:
        """`user` makes the bot an administrator (how a bot joins a channel)."""
        state = self._state
        with state.lock:
            person, target = state.user(user), state.chat(chat)
            old, target.bot_status = target.bot_status, "administrator"
            if target.members.get(person.id) not in ("creator", "administrator"):
                target.members[person.id] = "creator"
            return self._bot_membership(person, target, old, "administrator")

    def migrate_group_to_supergroup(self, chat: ChatRef, *, by: UserRef | None = None) -> FakeChat:
        """Upgrade a basic group; the old id then answers 400 with migrate_to_chat_id."""
        state = self._state
        with state.lock:
            old = state.chat(chat)
            if old.type != "group":
                raise ValueError(f"chat {old.id} is a {old.type}, not a basic group")
            author = state.user(by) if by is not None else self._someone_in(old)
            new = FakeChat(
                state.new_supergroup_id(),
                "supergroup",
                title=old.title,
                members=dict(old.members),
                bot_status=old.bot_status,
                migrated_from=old.id,
            )
            state.chats[new.id] = new
            bot_present = old.bot_status in PRESENT_STATUSES
            if bot_present:
                moved = self._message_from(author, old, {"migrate_to_chat_id": new.id})
                state.enqueue({"message": moved})
            old.migrated_to = new.id
            if bot_present:
                arrived = self._message_from(author, new, {"migrate_from_chat_id": old.id})
                state.enqueue({"message": arrived})
            return new

    # --- records --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def requests_for(self, method: str) -> list[RecordedRequest]:
        name = method.lower()
        with self._state.lock:
            return [r for r in self._state.requests if r.method.lower() == name]

    def sent(self, chat: ChatRef | None = None) -> list[SentMessage]:
        """Messages delivered (to one chat, or to all in delivery order), deleted ones included."""
        with self._state.lock:
            if chat is None:
                return list(self._state.sent)
            return list(self._state.sent_by_chat.get(_chat_id(chat), []))

    def last_sent(self, chat: ChatRef) -> SentMessage:
        messages = self.sent(chat)
        if not messages:
            raise LookupError(f"nothing was sent to chat {_chat_id(chat)}")
        return messages[-1]

    @property
    def too_many_requests_count(self) -> int:
        """How many requests were answered 429, by flood limits or by `rate_limit_next`."""
        with self._state.lock:
            return sum(1 for r in self._state.requests if r.status == 429)

    @property
    def pending_updates(self) -> list[Update]:
        with self._state.lock:
            return list(self._state.deliverable_updates())

    def commands(
        self, *, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        key = json.dumps(dict(scope or {"type": "default"}), sort_keys=True)
        with self._state.lock:
            return list(self._state.commands.get((key, language_code), []))

    def description(self, language_code: str = "") -> str | None:
        with self._state.lock:
            return self._state.descriptions.get(language_code)

    def short_description(self, language_code: str = "") -> str | None:
        with self._state.lock:
            return self._state.short_descriptions.get(language_code)

    @property
    def webhook(self) -> dict[str, Any] | None:
        """url, secret_token, max_connections, allowed_updates… as set, or None."""
        with self._state.lock:
            return None if self._state.webhook is None else dict(self._state.webhook)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        with self._state.lock:
            query = self._state.callback_queries.get(query_id)
            return None if query is None else query["answer"]

    def inline_answer(self, query_id: str) -> dict[str, Any] | None:
        with self._state.lock:
            query = self._state.inline_queries.get(query_id)
            return None if query is None else query["answer"]

    def file_bytes(self, file_id: str) -> bytes:
        with self._state.lock:
            return self._state.files[file_id].data

    # --- waiting --------------------------------------------------------------------------

    async def _wait(
        self, predicate: Callable[[], bool], seconds: float, describe: Callable[[], str]
    ) -> None:
        with self._state.lock:
            woken = self._state.waiters.add(predicate)
        try:
            await asyncio.wait_for(woken, seconds)
        except TimeoutError:
            with self._state.lock:
                reason = describe()
            raise TimeoutError(reason) from None

    async def wait_for_messages(
        self,
        chat: ChatRef | None = None,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """Wait until `count` messages were delivered to `chat` (or in all), and return them."""
        state = self._state
        chat_id = None if chat is None else _chat_id(chat)

        def delivered() -> list[SentMessage]:
            return state.sent if chat_id is None else state.sent_by_chat.get(chat_id, [])

        def describe() -> str:
            got = [m.text[:60] for m in delivered()]
            where = "in all" if chat_id is None else f"to chat {chat_id}"
            recent = [f"{r.method}->{r.status}" for r in state.requests[-8:]]
            return (
                f"waited {timeout}s for {count} message(s) {where}, got {len(got)}: {got}; "
                f"last requests: {recent}"
            )

        await self._wait(lambda: len(delivered()) >= count, timeout, describe)
        with state.lock:
            return list(delivered())

    async def wait_for_request(
        self,
        method: str,
        *,
        since: int = 0,
        where: Callable[[RecordedRequest], bool] | None = None,
        answered: bool = True,
        timeout: float = 5.0,  # noqa: ASYNC109 - the brief's API; callers need not nest timeouts
    ) -> RecordedRequest:
        """The first request to `method` at index >= `since` (a past len(api.requests)).

        By default only once it has been answered (so its effect on the state is visible);
        `answered=False` returns it on arrival, e.g. to know a long poll is parked.
        """
        state = self._state
        name = method.lower()

        def find() -> RecordedRequest | None:
            for record in state.requests[since:]:
                done = record.status is not None or record.description is not None
                if record.method.lower() != name or (answered and not done):
                    continue
                if where is None or where(record):
                    return record
            return None

        def describe() -> str:
            seen = sorted({r.method for r in state.requests[since:]})
            return f"waited {timeout}s for a {method} request; saw {seen}"

        await self._wait(lambda: find() is not None, timeout, describe)
        with state.lock:
            found = find()
        assert found is not None
        return found

    async def wait_for_updates_fetched(self, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has confirmed every queued update (polled past them)."""
        state = self._state
        await self._wait(
            lambda: not state.deliverable_updates(),
            timeout,
            lambda: f"waited {timeout}s; {len(state.updates)} update(s) still queued",
        )


def _answer_error(error: ApiError) -> Response:
    return Response(error.status, error.body())


def _chat_id(chat: ChatRef) -> int:
    return chat.id if isinstance(chat, FakeChat | FakeUser) else int(chat)


def _user_id(user: UserRef) -> int:
    return user.id if isinstance(user, FakeUser) else int(user)


def _check_status(status: str) -> None:
    if status not in MEMBER_STATUSES:
        raise ValueError(f"unknown member status {status!r}; use one of {sorted(MEMBER_STATUSES)}")


# --- subprocess mode ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.fakes.bot_api --port 0`: serve, print the root URL, run until told."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server for tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--flood-limits", action="store_true", help="turn on flood limits")
    parser.add_argument(
        "--lenient-html", action="store_true", help="accept a bare '&' as Telegram does"
    )
    args = parser.parse_args(argv)
    api = FakeBotApi(
        args.token,
        strict_html=not args.lenient_html,
        flood_limits=FloodLimits() if args.flood_limits else None,
    )
    asyncio.run(_serve(api, args.host, args.port))
    return 0


async def _serve(api: FakeBotApi, host: str, port: int) -> None:
    await api.start(host, port)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, api.request_shutdown)
    print(api.root_url, flush=True)
    try:
        await api.serve_until_shutdown()
    finally:
        await api.stop()


if __name__ == "__main__":
    sys.exit(main())
