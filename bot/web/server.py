"""The HTTP server: Telegram webhook, health, readiness, metrics and the public alert feeds.

    POST <webhook_path>        Telegram updates; the secret token header is required
    GET  /healthz              the process answers (liveness)
    GET  /readyz               the bot can work: 503 with the reasons when it cannot
    GET  /metrics              Prometheus text format
    GET  /alerts.atom          alerts in force, for feed readers
    GET  /alerts.cap           Atom index of the alerts' CAP messages
    GET  /alerts/{id}.cap.xml  one alert's current CAP message

`create_web_app` only wires what it is given; `WebServer` runs the app with uvicorn inside the
caller's event loop, next to the Telegram application, for `run --webhook` and `METRICS_PORT`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import socket
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from bot.errors import ConfigError
from bot.metrics import METRICS_CONTENT_TYPE, Metrics
from bot.web.atom import (
    ALERTS_FEED_PATH,
    ATOM_MEDIA_TYPE,
    CAP_INDEX_PATH,
    FeedTitles,
    alerts_feed,
    cap_index_feed,
)
from bot.web.cap import CAP_MEDIA_TYPE, CapPublisher, CapTexts, cap_message, render_cap
from bot.web.issued import IssuedAlerts, PublishedAlert

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as `secret_token` in setWebhook.
SECRET_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}\Z")
# A Telegram update is a few kilobytes; anything far bigger is not from Telegram.
MAX_UPDATE_BYTES = 1 << 20
FEED_LIMIT = 50
# Alert ids are 32-bit integers in the store; a longer number cannot name an alert.
MAX_ALERT_ID = 2**31 - 1
FEED_CACHE = {"Cache-Control": "public, max-age=60"}

AlertT = TypeVar("AlertT", bound=PublishedAlert)
PutUpdate = Callable[[dict[str, Any]], Awaitable[None]]
Readiness = Callable[[], Awaitable[list[str]]]


def create_web_app(
    *,
    webhook_path: str | None,
    webhook_secret: str | None,
    put_update: PutUpdate,
    readiness: Readiness,
    metrics: Metrics,
    alerts: IssuedAlerts[AlertT],
    cap_texts: Callable[[AlertT], Mapping[str, CapTexts]],
    public_base_url: str,
    feed_titles: FeedTitles,
    feed_limit: int = FEED_LIMIT,
) -> Starlette:
    """The web app; raises ConfigError for a base URL or webhook secret that cannot work.

    A webhook needs a secret: without one, anyone who finds the URL could post updates that
    look like they come from an admin.
    """
    try:
        publisher = CapPublisher.from_base_url(public_base_url)
    except ValueError as exc:
        raise ConfigError(f"PUBLIC_BASE_URL: {exc}") from None
    feeds = _AlertFeeds(alerts, cap_texts, publisher, feed_titles, feed_limit)
    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", _readyz(readiness), methods=["GET"]),
        Route("/metrics", _metrics(metrics), methods=["GET"]),
        Route(ALERTS_FEED_PATH, feeds.alerts_atom, methods=["GET"]),
        Route(CAP_INDEX_PATH, feeds.cap_index, methods=["GET"]),
        Route("/alerts/{alert_id:int}.cap.xml", feeds.cap_document, methods=["GET"]),
    ]
    if webhook_path is not None:
        path = "/" + webhook_path.lstrip("/")
        routes.append(Route(path, _webhook(_secret(webhook_secret), put_update), methods=["POST"]))
    return Starlette(routes=routes)


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok\n")


def _secret(webhook_secret: str | None) -> bytes:
    if not webhook_secret:
        raise ConfigError(
            "WEBHOOK_SECRET: required for the webhook; set 1-256 characters from "
            "A-Z, a-z, 0-9, '_' and '-' (Telegram sends it back with every update)"
        )
    if not SECRET_TOKEN_SHAPE.match(webhook_secret):
        raise ConfigError(
            "WEBHOOK_SECRET: Telegram accepts only 1-256 characters from A-Z, a-z, 0-9, '_' and '-'"
        )
    return webhook_secret.encode("ascii")


def _webhook(secret: bytes, put_update: PutUpdate) -> Callable[[Request], Awaitable[Response]]:
    async def webhook(request: Request) -> Response:
        """Queue one Telegram update; refuse anyone who does not know the secret."""
        provided = request.headers.get(SECRET_HEADER)
        # Starlette decodes headers as Latin-1, so this gives back the bytes that were sent.
        if provided is None or not hmac.compare_digest(provided.encode("latin-1"), secret):
            client = request.client.host if request.client else "unknown"
            reason = "no" if provided is None else "a wrong"
            # Never log the header: a near-miss secret is still a secret.
            log.warning("webhook request from %s refused: %s secret token", client, reason)
            return PlainTextResponse("forbidden\n", status_code=403)
        body = await _read_limited(request, MAX_UPDATE_BYTES)
        if body is None:
            return PlainTextResponse("update too large\n", status_code=413)
        try:
            payload = json.loads(body)
        except ValueError:
            return PlainTextResponse("body is not JSON\n", status_code=400)
        if not isinstance(payload, dict):
            return PlainTextResponse("body is not a JSON object\n", status_code=400)
        await put_update(payload)
        return Response(status_code=200)

    return webhook


async def _read_limited(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is longer than `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _readyz(readiness: Readiness) -> Callable[[Request], Awaitable[Response]]:
    async def readyz(request: Request) -> Response:
        """200 when the bot can do its work; 503 listing what stops it."""
        try:
            reasons = await readiness()
        except Exception:
            log.exception("the readiness check itself failed")
            reasons = ["the readiness check failed; see the log"]
        if reasons:
            return PlainTextResponse("".join(f"{r}\n" for r in reasons), status_code=503)
        return PlainTextResponse("ready\n")

    return readyz


def _metrics(metrics: Metrics) -> Callable[[Request], Awaitable[Response]]:
    async def metrics_endpoint(request: Request) -> Response:
        return Response(metrics.render(), media_type=METRICS_CONTENT_TYPE)

    return metrics_endpoint


class _AlertFeeds(Generic[AlertT]):
    """The public alert endpoints, reading only what the store says was issued."""

    def __init__(
        self,
        alerts: IssuedAlerts[AlertT],
        cap_texts: Callable[[AlertT], Mapping[str, CapTexts]],
        publisher: CapPublisher,
        titles: FeedTitles,
        limit: int,
    ) -> None:
        self._alerts = alerts
        self._cap_texts = cap_texts
        self._publisher = publisher
        self._titles = titles
        self._limit = limit

    async def alerts_atom(self, request: Request) -> Response:
        issued = await self._alerts.issued_alerts(self._limit)
        feed = alerts_feed(issued, self._publisher, title=self._titles.alerts)
        return Response(feed, media_type=ATOM_MEDIA_TYPE, headers=FEED_CACHE)

    async def cap_index(self, request: Request) -> Response:
        issued = await self._alerts.issued_alerts(self._limit)
        feed = cap_index_feed(issued, self._publisher, title=self._titles.cap_index)
        return Response(feed, media_type=ATOM_MEDIA_TYPE, headers=FEED_CACHE)

    async def cap_document(self, request: Request) -> Response:
        alert_id: int = request.path_params["alert_id"]
        alert = await self._alerts.issued_alert(alert_id) if alert_id <= MAX_ALERT_ID else None
        if alert is None:
            return PlainTextResponse("no such alert\n", status_code=404)
        followed = None
        if alert.follows_alert_id is not None and alert.retracted_at is None:
            followed = await self._alerts.issued_alert(alert.follows_alert_id)
        message = cap_message(alert, self._cap_texts(alert), self._publisher, followed=followed)
        return Response(render_cap(message), media_type=CAP_MEDIA_TYPE, headers=FEED_CACHE)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn as a guest: it installs no signal handlers and reports when it listens."""

    ready: asyncio.Event | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The host (PTB's run loop) owns SIGINT/SIGTERM and calls `WebServer.stop`.
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and self.ready is not None:
            self.ready.set()


class WebServer:
    """One app served by uvicorn in the current event loop, until `stop()`.

    The socket is bound here, so a port already in use is a ConfigError rather than uvicorn's
    `sys.exit`; uvicorn sets up no logging and writes no access log (webhook paths can be
    secret). Serve once per instance.
    """

    def __init__(self, app: ASGIApp, host: str, port: int, *, graceful_seconds: int = 5) -> None:
        self._host = host
        self._requested_port = port
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            lifespan="off",
            server_header=False,
            timeout_graceful_shutdown=graceful_seconds,
        )
        self._server = _EmbeddedServer(config)
        self._socket: socket.socket | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0), once bound."""
        if self._socket is None:
            return self._requested_port
        return int(self._socket.getsockname()[1])

    async def serve(self, *, ready: asyncio.Event | None = None) -> None:
        """Listen and answer until `stop()`; `ready` is set once connections are accepted."""
        self._socket = _bind(self._host, self._requested_port)
        self._server.ready = ready
        log.info("serving HTTP on %s:%d", self._host, self.port)
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            # Cancelled rather than stopped: uvicorn skipped its shutdown, so stop listening.
            for listener in getattr(self._server, "servers", []):
                listener.close()
            self._socket.close()

    def stop(self) -> None:
        """Ask the server to finish: no new connections, open requests get a grace period."""
        self._server.should_exit = True


async def serve(app: ASGIApp, host: str, port: int, *, ready: asyncio.Event | None = None) -> None:
    """Serve `app` until the calling task is cancelled (use `WebServer` to stop gracefully)."""
    await WebServer(app, host, port).serve(ready=ready)


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc}") from None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as exc:
        listener.close()
        raise ConfigError(
            f"cannot listen on {host}:{port} ({exc.strerror}): choose another port, "
            "or stop the program that uses it"
        ) from None
    return listener
