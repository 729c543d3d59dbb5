"""A minimal HTTP/1.1 keep-alive server on asyncio protocols, for the fake Bot API only.

Why not uvicorn: a benchmark pushes a thousand requests a second through the fake, and the
fake must be able to do things a real server never does on purpose — hold a request open,
answer late, or cut the connection in the middle of a request. A protocol object per
connection gives all of that with one parse and one write per request: a handler that can
answer at once returns a `Response` and no task is created; one that has to wait returns an
awaitable; returning `DROP` aborts the connection without an answer. When the client goes away,
the waiting handler is cancelled, as a long poll on Telegram's side would be.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Final, TypeAlias
from urllib.parse import unquote

_LOG = logging.getLogger(__name__)
_MAX_HEAD = 64 * 1024


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed request; header names are lower-case."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"


class _Drop:
    """Marker: close the connection without answering."""

    def __repr__(self) -> str:
        return "DROP"


DROP: Final = _Drop()
Outcome: TypeAlias = Response | _Drop
Handler: TypeAlias = Callable[[Request], Outcome | Awaitable[Outcome]]


class _Incomplete(Exception):
    """More bytes are needed before the request can be parsed."""


class _Malformed(Exception):
    """The bytes are not HTTP/1.1 we can serve."""


class HttpServer:
    """Serves `handler` on a TCP port of the running event loop."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Connection(self._handler, self._connections), host, port
        )
        bound = self._server.sockets[0].getsockname()
        return str(bound[0]), int(bound[1])

    async def stop(self) -> None:
        """Stop listening, close every connection and let cancelled handlers finish."""
        if self._server is None:
            return
        self._server.close()
        pending = [task for c in list(self._connections) if (task := c.close()) is not None]
        await asyncio.gather(*pending, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None


class _Connection(asyncio.Protocol):
    def __init__(self, handler: Handler, registry: set[_Connection]) -> None:
        self._handler = handler
        self._registry = registry
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._registry.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._registry.discard(self)
        self._transport = None
        if self._task is not None:
            self._task.cancel()

    def close(self) -> asyncio.Task[None] | None:
        """Close the connection; return the handler task it cancelled, if any."""
        if self._transport is not None:
            self._transport.close()
        task = self._task
        if task is not None:
            task.cancel()
        return task

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._task is None:
            self._serve_buffered()

    def _serve_buffered(self) -> None:
        while self._transport is not None and self._task is None:
            try:
                request, used, keep_alive = _parse(self._buffer)
            except _Incomplete:
                return
            except _Malformed as exc:
                self._send(Response(400, str(exc).encode(), "text/plain"), keep_alive=False)
                return
            del self._buffer[:used]
            outcome = self._call_handler(request)
            if inspect.isawaitable(outcome):
                self._task = asyncio.get_running_loop().create_task(
                    self._finish(outcome, keep_alive)
                )
                return
            self._send(outcome, keep_alive)

    def _call_handler(self, request: Request) -> Outcome | Awaitable[Outcome]:
        try:
            return self._handler(request)
        except Exception:
            _LOG.exception("fake Bot API handler failed")
            return _crash_response()

    async def _finish(self, pending: Awaitable[Outcome], keep_alive: bool) -> None:
        try:
            outcome = await pending
        except asyncio.CancelledError:
            self._task = None
            return
        except Exception:
            _LOG.exception("fake Bot API handler failed")
            outcome = _crash_response()
        self._task = None
        self._send(outcome, keep_alive)
        self._serve_buffered()

    def _send(self, outcome: Outcome, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        if isinstance(outcome, _Drop):
            self._transport = None
            transport.abort()
            return
        reason = HTTPStatus(outcome.status).phrase if outcome.status in _KNOWN else "Unknown"
        head = (
            f"HTTP/1.1 {outcome.status} {reason}\r\n"
            f"Content-Type: {outcome.content_type}\r\n"
            f"Content-Length: {len(outcome.body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
        )
        transport.write(head.encode("latin-1") + outcome.body)
        if not keep_alive:
            self._transport = None
            transport.close()


_KNOWN = frozenset(status.value for status in HTTPStatus)


def _crash_response() -> Response:
    """A 500 that names the bug in the fake, so a failing test shows it instead of a timeout."""
    detail = traceback.format_exc().strip().splitlines()[-1]
    description = f"Internal Server Error (fake Bot API crashed: {detail})"
    body = json.dumps({"ok": False, "error_code": 500, "description": description})
    return Response(500, body.encode("utf-8"))


def _parse(buffer: bytearray) -> tuple[Request, int, bool]:
    """Parse the first request in `buffer`; raise `_Incomplete` until all of it has arrived."""
    head_end = buffer.find(b"\r\n\r\n")
    if head_end < 0:
        if len(buffer) > _MAX_HEAD:
            raise _Malformed("request head too large")
        raise _Incomplete
    lines = bytes(buffer[:head_end]).decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError:
        raise _Malformed("bad request line") from None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    body_start = head_end + 4
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body, end = _dechunk(buffer, body_start)
    else:
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            raise _Malformed("bad Content-Length") from None
        end = body_start + length
        if len(buffer) < end:
            raise _Incomplete
        body = bytes(buffer[body_start:end])
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    path, _, query = target.partition("?")
    return Request(method.upper(), unquote(path), query, headers, body), end, keep_alive


def _dechunk(buffer: bytearray, start: int) -> tuple[bytes, int]:
    body = bytearray()
    pos = start
    while True:
        line_end = buffer.find(b"\r\n", pos)
        if line_end < 0:
            raise _Incomplete
        try:
            size = int(bytes(buffer[pos:line_end]).split(b";", 1)[0], 16)
        except ValueError:
            raise _Malformed("bad chunk size") from None
        pos = line_end + 2
        if size == 0:
            trailer_end = buffer.find(b"\r\n", pos)
            if trailer_end < 0:
                raise _Incomplete
            return bytes(body), trailer_end + 2
        if len(buffer) < pos + size + 2:
            raise _Incomplete
        body += buffer[pos : pos + size]
        pos += size + 2
