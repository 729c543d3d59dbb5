"""The control API: drive a fake Bot API that runs in another process, over plain HTTP.

A test that runs the bot as a subprocess (to kill it mid-send, say) cannot call `FakeBotApi`
methods directly, so the server also answers `POST {root}/_control/{action}` with a JSON object
of arguments. Actions are the `FakeBotApi` methods of the same name; users and chats are given
by id as `user_id` / `chat_id` (`origin_user_id`, `origin_chat_id`, `origin_name` for
forward_text; `data_base64` for send_photo; `members` as {"<user id>": "status"}).
Answers are `{"ok": true, "result": …}`; a bad call is 400 and a wait that times out is 408,
both with `{"ok": false, "error": "…"}`. Besides the methods there are `info` (token and URLs)
and `shutdown`.

`FakeBotApiProcess` starts `python -m tests.fakes.bot_api --port 0`, reads the root URL from
its first line of output and wraps the control API as `call(action, **args)` (or `await
acall(...)`)::

    with FakeBotApiProcess() as fake:
        user = fake.call("add_user", first_name="Lan", language_code="vi")
        bot = start_bot_process(fake.base_url, fake.token)   # the test's own helper
        fake.call("send_command", user_id=user["id"], command="/start")
        [reply] = fake.call("wait_for_messages", chat_id=user["id"], count=1, timeout=10)
"""

from __future__ import annotations

import base64
import contextlib
import inspect
import json
import select
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import fields
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from tests.fakes.flood import FloodLimits
from tests.fakes.http_server import Outcome, Request, Response
from tests.fakes.state import DEFAULT_TOKEN, RecordedRequest, SentMessage
from tests.fakes.world import FakeChat, FakeUser

if TYPE_CHECKING:
    from tests.fakes.bot_api import FakeBotApi

_REPO_ROOT = Path(__file__).resolve().parents[2]

# Actions passed straight to the FakeBotApi method of the same name, after renaming ids.
_DIRECT = frozenset(
    {
        "add_user",
        "create_forum_topic",
        "set_member_status",
        "member_status",
        "block_bot",
        "unblock_bot",
        "deactivate_user",
        "forget_chat",
        "send_text",
        "send_command",
        "edit_text",
        "send_sticker",
        "send_inline_query",
        "inject_update",
        "add_bot_to_group",
        "remove_bot",
        "promote_bot_in_channel",
        "migrate_group_to_supergroup",
        "delay_next",
        "drop_next",
        "fail_next",
        "rate_limit_next",
        "clear_faults",
        "disable_flood_limits",
        "sent",
        "requests_for",
        "commands",
        "description",
        "short_description",
        "callback_answer",
        "inline_answer",
        "wait_for_messages",
        "wait_for_request",
        "wait_for_updates_fetched",
    }
)
_PROPERTIES = frozenset({"requests", "pending_updates", "too_many_requests_count", "webhook"})


class ControlError(RuntimeError):
    """The control API refused a call; the message says why."""


def handle_control(api: FakeBotApi, action: str, request: Request) -> Outcome | Awaitable[Outcome]:
    """Serve one control call on the server's loop."""
    try:
        args = json.loads(request.body) if request.body.strip() else {}
        if not isinstance(args, dict):
            raise ValueError("the body must be a JSON object of arguments")
        result = _dispatch(api, action, args)
    except (ValueError, KeyError, TypeError, LookupError) as exc:
        return _failure(400, exc)
    if inspect.isawaitable(result):
        return _finish_later(result)
    return _success(result)


async def _finish_later(pending: Awaitable[Any]) -> Outcome:
    try:
        return _success(await pending)
    except TimeoutError as exc:
        return _failure(408, exc)
    except (ValueError, KeyError, TypeError, LookupError) as exc:
        return _failure(400, exc)


def _dispatch(api: FakeBotApi, action: str, args: dict[str, Any]) -> Any:
    args = _rename_ids(args)
    special = _SPECIAL.get(action)
    if special is not None:
        return special(api, args)
    if action in _PROPERTIES:
        return getattr(api, action)
    if action in _DIRECT:
        return getattr(api, action)(**args)
    raise ValueError(f"unknown control action {action!r}")


def _rename_ids(args: dict[str, Any]) -> dict[str, Any]:
    renamed = dict(args)
    for old, new in (("user_id", "user"), ("chat_id", "chat"), ("by_user_id", "by")):
        if old in renamed:
            renamed[new] = renamed.pop(old)
    return renamed


def _add_chat(kind: str) -> Callable[[FakeBotApi, dict[str, Any]], Any]:
    def add(api: FakeBotApi, args: dict[str, Any]) -> Any:
        members = args.pop("members", {})
        if isinstance(members, dict):
            args["members"] = {int(user): status for user, status in members.items()}
        else:
            args["members"] = [int(user) for user in members]
        return getattr(api, f"add_{kind}")(**args)

    return add


def _forward_text(api: FakeBotApi, args: dict[str, Any]) -> Any:
    with api.state.lock:
        if "origin_user_id" in args:
            args["origin"] = api.state.user(args.pop("origin_user_id"))
        elif "origin_chat_id" in args:
            args["origin"] = api.state.chat(args.pop("origin_chat_id"))
        elif "origin_name" in args:
            args["origin"] = args.pop("origin_name")
    return api.forward_text(**args)


def _press_button(api: FakeBotApi, args: dict[str, Any]) -> Any:
    with api.state.lock:
        message = api.state.find_sent(int(args["chat"]), int(args["message_id"]))
    if message is None:
        raise LookupError(f"the bot sent no message {args['message_id']} to chat {args['chat']}")
    return api.press_button(args["user"], message, args["callback_data"])


def _send_photo(api: FakeBotApi, args: dict[str, Any]) -> Any:
    if "data_base64" in args:
        args["data"] = base64.b64decode(args.pop("data_base64"))
    return api.send_photo(**args)


def _enable_flood_limits(api: FakeBotApi, args: dict[str, Any]) -> Any:
    known = {f.name for f in fields(FloodLimits)}
    unknown = set(args) - known
    if unknown:
        raise ValueError(f"unknown flood limit settings {sorted(unknown)}; use {sorted(known)}")
    api.enable_flood_limits(FloodLimits(**args))
    return True


def _info(api: FakeBotApi, args: dict[str, Any]) -> Any:
    return {
        "token": api.token,
        "root_url": api.root_url,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "bot": api.bot.to_json(),
    }


def _shutdown(api: FakeBotApi, args: dict[str, Any]) -> Any:
    api.request_shutdown()
    return True


_SPECIAL: dict[str, Callable[[FakeBotApi, dict[str, Any]], Any]] = {
    "add_group": _add_chat("group"),
    "add_supergroup": _add_chat("supergroup"),
    "add_channel": _add_chat("channel"),
    "forward_text": _forward_text,
    "press_button": _press_button,
    "send_photo": _send_photo,
    "enable_flood_limits": _enable_flood_limits,
    "info": _info,
    "shutdown": _shutdown,
}


def _jsonable(value: Any) -> Any:
    if isinstance(value, FakeUser | FakeChat | SentMessage | RecordedRequest):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _success(result: Any) -> Response:
    body = json.dumps({"ok": True, "result": _jsonable(result)}, ensure_ascii=False)
    return Response(200, body.encode("utf-8"))


def _failure(status: int, exc: BaseException) -> Response:
    message = str(exc) or type(exc).__name__
    body = json.dumps({"ok": False, "error": f"{type(exc).__name__}: {message}"})
    return Response(status, body.encode("utf-8"))


class FakeBotApiProcess:
    """`python -m tests.fakes.bot_api` as a child process, driven through the control API."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        flood_limits: bool = False,
        lenient_html: bool = False,
        python: str = sys.executable,
    ) -> None:
        self.token = token
        self._command = [python, "-m", "tests.fakes.bot_api", "--port", "0", "--token", token]
        if flood_limits:
            self._command.append("--flood-limits")
        if lenient_html:
            self._command.append("--lenient-html")
        self._process: subprocess.Popen[str] | None = None
        self._root_url: str | None = None

    @property
    def root_url(self) -> str:
        if self._root_url is None:
            raise RuntimeError("the fake Bot API process is not running; start() it first")
        return self._root_url

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the fake Bot API process is not running")
        return self._process.pid

    def start(self, timeout: float = 10.0) -> FakeBotApiProcess:
        """Start the server and wait for the root URL it prints."""
        process = subprocess.Popen(
            self._command,
            cwd=_REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._process = process
        assert process.stdout is not None
        readable, _, _ = select.select([process.stdout], [], [], timeout)
        line = process.stdout.readline().strip() if readable else ""
        if not line.startswith("http://"):
            self.stop()
            raise RuntimeError(f"fake Bot API process did not print its URL (got {line!r})")
        self._root_url = line
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the server to shut down; terminate it if it does not."""
        process = self._process
        if process is None:
            return
        if process.poll() is None and self._root_url is not None:
            with contextlib.suppress(httpx.HTTPError, ControlError):
                self.call("shutdown")
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(timeout)
        if process.stdout is not None:
            process.stdout.close()
        self._process = None

    def __enter__(self) -> FakeBotApiProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def call(self, action: str, **args: Any) -> Any:
        """Run one control action and return its result (blocking)."""
        response = httpx.post(
            f"{self.root_url}/_control/{action}", json=args, timeout=_http_timeout(args)
        )
        return _result(response)

    async def acall(self, action: str, **args: Any) -> Any:
        """`call` for async tests, so a long wait does not block the test's event loop."""
        async with httpx.AsyncClient(timeout=_http_timeout(args)) as client:
            response = await client.post(f"{self.root_url}/_control/{action}", json=args)
        return _result(response)


def _http_timeout(args: dict[str, Any]) -> float:
    return float(args.get("timeout", 5.0)) + 5.0


def _result(response: httpx.Response) -> Any:
    answer = response.json()
    if answer.get("ok"):
        return answer["result"]
    if response.status_code == 408:
        raise TimeoutError(answer.get("error", "timed out"))
    raise ControlError(answer.get("error", f"HTTP {response.status_code}"))
