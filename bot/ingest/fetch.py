"""HTTP for feeds: one shared `httpx.AsyncClient`, bounded in time, size and concurrency.

Every failure leaves here as a `FetchFailed` (a `FeedError`) whose message is what an operator
reads in feed health: "timed out after 20 s", "gave up after 5 MB", "HTTP 500 ...".
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

import httpx

from bot.errors import FeedError

MB = 1024 * 1024
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Limits for fetching feeds; the defaults suit a few hundred feeds on a small server.

    `contact_url` goes into the User-Agent so a site owner can find out who polls them.
    """

    contact_url: str = ""
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # per feed, whatever the server does (a trickle never ends alone)
    max_bytes: int = 5 * MB
    max_redirects: int = 5
    concurrency: int = 32
    per_host_concurrency: int = 2  # host:port; news sites host several feeds each

    @property
    def user_agent(self) -> str:
        try:
            release = version("alertbot")
        except PackageNotFoundError:
            release = "dev"
        about = f"+{self.contact_url}; " if self.contact_url else ""
        return f"alertbot/{release} ({about}scam-recruitment news alerts)"


@dataclass(frozen=True, slots=True)
class Fetched:
    """A feed response: 200 with a body, or 304 (nothing changed, nothing to parse)."""

    status: int
    url: str
    body: bytes
    headers: Mapping[str, str]  # names lower-cased
    max_age: float | None = None
    retry_after: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == HTTPStatus.NOT_MODIFIED

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class FetchFailed(FeedError):
    """A feed could not be fetched; `retry_after` carries the server's wish, if it said one."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Fetcher:
    """Fetches feeds over one connection pool; use as `async with Fetcher(config) as f:`."""

    def __init__(self, config: FetchConfig) -> None:
        self._config = config
        self._client: httpx.AsyncClient | None = None
        self._all = asyncio.Semaphore(config.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Self:
        config = self._config
        self._client = httpx.AsyncClient(
            headers={"User-Agent": config.user_agent, "Accept": _ACCEPT},
            timeout=httpx.Timeout(
                connect=config.connect_timeout,
                read=config.read_timeout,
                write=config.read_timeout,
                pool=config.deadline,
            ),
            transport=_PoolPerHost(config.per_host_concurrency),
            follow_redirects=True,
            max_redirects=config.max_redirects,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET `url` conditionally; raises `FetchFailed` in plain words, never anything else."""
        if self._client is None:
            raise RuntimeError("use the Fetcher as `async with Fetcher(config) as fetcher:`")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # The host's slot first: feeds queued for a busy host must not hold slots others could use.
        async with self._host_slot(url), self._all:
            try:
                async with asyncio.timeout(self._config.deadline):
                    return await self._get(self._client, url, headers)
            except TimeoutError as exc:
                raise FetchFailed(f"timed out after {self._config.deadline:g} s") from exc
            except httpx.HTTPError as exc:
                raise FetchFailed(self._explain(exc)) from exc

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self._config.per_host_concurrency)
        return slot

    async def _get(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> Fetched:
        async with client.stream("GET", url, headers=headers) as response:
            found = {name.lower(): value for name, value in response.headers.items()}
            retry_after = _retry_after(found)
            status = response.status_code
            if status == HTTPStatus.NOT_MODIFIED:
                await response.aread()  # reach the end of the message, or the connection closes
                return Fetched(status, str(response.url), b"", found, _max_age(found), retry_after)
            if not 200 <= status < 300:
                raise FetchFailed(_status_words(status, retry_after), retry_after=retry_after)
            body = await self._read_capped(response)
            return Fetched(200, str(response.url), body, found, _max_age(found), retry_after)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """The body, abandoned as soon as it passes the cap (after decompression, too)."""
        cap = self._config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchFailed(
                f"gave up: the feed is {int(declared) / MB:.1f} MB, over the {cap / MB:g} MB limit"
            )
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > cap:
                raise FetchFailed(
                    f"gave up after {cap / MB:g} MB: the feed is larger than the limit"
                )
        return bytes(body)

    def _explain(self, exc: httpx.HTTPError) -> str:
        config = self._config
        if isinstance(exc, httpx.TooManyRedirects):
            return (
                f"too many redirects (more than {config.max_redirects}): the feed URL "
                "probably redirects in a loop"
            )
        if isinstance(exc, httpx.ConnectTimeout):
            return f"could not connect within {config.connect_timeout:g} s"
        if isinstance(exc, httpx.ReadTimeout):
            return f"the server stopped sending for {config.read_timeout:g} s"
        if isinstance(exc, httpx.TimeoutException):
            return f"timed out ({type(exc).__name__})"
        if isinstance(exc, httpx.ConnectError):
            return _connect_words(exc)
        if isinstance(exc, httpx.RemoteProtocolError):
            return f"the server broke the HTTP protocol ({exc or 'connection closed early'})"
        if isinstance(exc, httpx.DecodingError):
            return "the response could not be decompressed (corrupt gzip or deflate)"
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return f"the URL cannot be fetched ({exc})"
        return f"network error: {type(exc).__name__} {exc}".strip()


class _PoolPerHost(httpx.AsyncBaseTransport):
    """Keep-alive connections pooled per host, under the one client.

    httpcore's pool scans every connection it holds each time a request starts or ends, so
    one pool for a few hundred connections spends more CPU on bookkeeping than on the
    requests. A pool per host holds at most `per_host` connections, and a scan stays short.
    """

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._ssl = httpx.create_ssl_context()  # loading CA certificates once, not per host
        self._pools: dict[tuple[str, str, int | None], httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.get(origin)
        if pool is None:
            limits = httpx.Limits(
                max_connections=self._per_host,
                max_keepalive_connections=self._per_host,
                keepalive_expiry=60,
            )
            pool = self._pools[origin] = httpx.AsyncHTTPTransport(verify=self._ssl, limits=limits)
        return await pool.handle_async_request(request)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()


def _connect_words(exc: httpx.ConnectError) -> str:
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            return f"secure connection (TLS) failed: {cause.reason or cause}"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused: nothing is listening at that address"
        if isinstance(cause, socket.gaierror):
            return "the host name could not be looked up (no internet here, or a typo in the URL)"
    return f"could not connect: {exc or type(exc).__name__}"


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what caused it, innermost last (httpx wraps the OS error)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        if isinstance(current, BaseExceptionGroup):
            chain.extend(current.exceptions)
        current = current.__cause__ or current.__context__
    return chain


def _status_words(status: int, retry_after: float | None) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    meaning = {
        401: "the site wants a login",
        403: "the site refuses the bot",
        404: "the feed is not there; check its URL",
        410: "the feed was removed; take it out of the feed file",
        429: "the site asks us to poll less often",
    }.get(status, "the site has a problem on its side" if status >= 500 else "unexpected answer")
    wait = f"; asked to wait {retry_after:g} s" if retry_after else ""
    return f"HTTP {status} {phrase}: {meaning}{wait}"


def _max_age(headers: Mapping[str, str]) -> float | None:
    cache_control = headers.get("cache-control", "")
    if "no-cache" in cache_control.lower() or "no-store" in cache_control.lower():
        return None
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from a `Retry-After` in seconds or as an HTTP date (relative to `Date`)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        until = parsedate_to_datetime(value)
        date = headers.get("date")
        now = parsedate_to_datetime(date) if date else datetime.now(UTC)
        seconds = (until - now).total_seconds()
    except (TypeError, ValueError, IndexError):
        return None
    return seconds if seconds > 0 else None
