"""A local feed server on 127.0.0.1 that can misbehave on purpose, for tests and benchmarks.

Each path is given a `Reply`: a feed with ETag / Last-Modified (answered with 304 when the
client sends them back), Cache-Control and Retry-After, a delay, gzip, a body that trickles
out a byte at a time, a huge body generated on the fly (never held in memory), redirects,
or a connection closed without an answer. Every request is recorded for assertions.

Written on asyncio streams rather than a framework because a framework will not trickle,
lie about lengths or hang up on purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import random
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Self

_MAX_HEAD = 64 * 1024
_CHUNK = 64 * 1024


@dataclass(slots=True)
class Reply:
    """How the server answers one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float | tuple[float, float] = 0.0  # seconds before answering; a range is drawn from
    gzip: bool = False  # compress when the client accepts gzip
    trickle: float | None = None  # seconds between single bytes of the body
    generated_size: int | None = None  # send this many filler bytes after `body`
    send_length: bool = True  # False: no Content-Length, the body ends when the server closes
    hang_up: bool = False  # close the connection without answering


@dataclass(frozen=True, slots=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    connection: int  # which TCP connection carried it (keep-alive shows as reuse)


class FeedServer:
    """`async with FeedServer() as server: server.route("/a", Reply(...)); server.url("/a")`."""

    def __init__(self, *, seed: int = 0) -> None:
        self.routes: dict[str, Reply] = {}
        self.requests: list[SeenRequest] = []
        self._rng = random.Random(seed)
        self._server: asyncio.Server | None = None
        self._connections = 0
        self._in_flight = 0
        self.max_in_flight = 0  # most requests answered at once, to check concurrency limits
        self._handlers: set[asyncio.Task[None]] = set()
        self.port = 0

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", port, backlog=2048)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 1)
        self._server = None

    def route(self, path: str, reply: Reply) -> str:
        """Serve `reply` at `path`; returns its full URL."""
        self.routes[path] = reply
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_for(self, path: str) -> list[SeenRequest]:
        return [request for request in self.requests if request.path == path]

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections += 1
        connection = self._connections
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while await self._one_request(reader, writer, connection):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # the server is closing; ending quietly keeps asyncio from logging an error
        finally:
            self._handlers.discard(task)
            writer.close()

    async def _one_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: int
    ) -> bool:
        """Answer one request; False when the connection is to be closed."""
        first = await reader.readexactly(1)
        if first == b"\x16":  # a TLS handshake sent to this plain-HTTP server, as nginx answers
            writer.write(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return False
        head = first + await reader.readuntil(b"\r\n\r\n")
        if len(head) > _MAX_HEAD:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        self.requests.append(SeenRequest(method, path, headers, connection))
        reply = self.routes.get(path) or Reply(
            status=404, body=b"not here", content_type="text/plain"
        )
        self._in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            delay = (
                reply.delay
                if isinstance(reply.delay, float | int)
                else self._rng.uniform(*reply.delay)
            )
            if delay:
                await asyncio.sleep(delay)
            if reply.hang_up:
                return False
            keep_alive = headers.get("connection", "").lower() != "close" and reply.send_length
            await self._answer(writer, method, headers, reply, keep_alive)
            return keep_alive
        finally:
            self._in_flight -= 1

    async def _answer(
        self,
        writer: asyncio.StreamWriter,
        method: str,
        request_headers: dict[str, str],
        reply: Reply,
        keep_alive: bool,
    ) -> None:
        status, body = reply.status, reply.body
        headers = {"Content-Type": reply.content_type, **reply.headers}
        if reply.etag:
            headers["ETag"] = reply.etag
        if reply.last_modified:
            headers["Last-Modified"] = reply.last_modified
        if _not_modified(request_headers, reply):
            status, body = 304, b""
            headers.pop("Content-Type")
        elif reply.gzip and "gzip" in request_headers.get("accept-encoding", ""):
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
        length = len(body) + (reply.generated_size or 0)
        if reply.send_length or status == 304:
            headers["Content-Length"] = str(length)
        headers["Connection"] = "keep-alive" if keep_alive else "close"
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "X"
        head = (
            f"HTTP/1.1 {status} {phrase}\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            + "\r\n"
        )
        if method == "HEAD" or status == 304:
            body = b""
        if reply.trickle is None and not reply.generated_size:
            writer.write(head.encode("latin-1") + body)  # one segment, as real servers send
            await writer.drain()
            return
        writer.write(head.encode("latin-1"))
        await self._body(writer, body, reply)

    async def _body(self, writer: asyncio.StreamWriter, body: bytes, reply: Reply) -> None:
        """A body that trickles, or one followed by generated filler (never held in memory)."""
        if reply.trickle is not None:
            for index in range(len(body)):
                writer.write(body[index : index + 1])
                await writer.drain()
                await asyncio.sleep(reply.trickle)
            return
        writer.write(body)
        remaining = reply.generated_size or 0
        filler = b"x" * _CHUNK
        while remaining > 0:
            writer.write(filler[: min(remaining, _CHUNK)])
            remaining -= _CHUNK
            await writer.drain()
        await writer.drain()


def _not_modified(request_headers: dict[str, str], reply: Reply) -> bool:
    if reply.status != 200:
        return False
    if reply.etag and request_headers.get("if-none-match") == reply.etag:
        return True
    return bool(
        reply.last_modified and request_headers.get("if-modified-since") == reply.last_modified
    )
