"""The web app over HTTP: webhook secret, health, readiness, metrics and the alert feeds."""

from __future__ import annotations

import asyncio
import logging
import socket
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from typing import Any

import feedparser
import httpx
import pytest
from starlette.applications import Starlette

from bot.errors import ConfigError
from bot.metrics import Metrics
from bot.web.atom import FeedTitles
from bot.web.cap import CAP_NAMESPACE
from bot.web.server import SECRET_HEADER, WebServer, create_web_app
from tests.web.conftest import CapSchema
from tests.web.samples import LURE_EN, LURE_VI, FakeIssuedAlerts, at, follow_up_of, texts_for

SECRET = "s3cret_Token-for-tests"
WEBHOOK = "/telegram/webhook"
UPDATE = {"update_id": 1001, "message": {"message_id": 5, "text": "/start", "chat": {"id": 42}}}
NS = {"cap": CAP_NAMESPACE}


@dataclass
class Bot:
    """What the app is wired to: a recording update queue and a settable readiness answer."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    not_ready_because: list[str] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)
    alerts: FakeIssuedAlerts = field(default_factory=FakeIssuedAlerts)

    async def put_update(self, payload: dict[str, Any]) -> None:
        self.updates.append(payload)

    async def readiness(self) -> list[str]:
        return list(self.not_ready_because)


def build_app(bot: Bot, **overrides: Any) -> Starlette:
    options: dict[str, Any] = {
        "webhook_path": WEBHOOK,
        "webhook_secret": SECRET,
        "put_update": bot.put_update,
        "readiness": bot.readiness,
        "metrics": bot.metrics,
        "alerts": bot.alerts,
        "cap_texts": texts_for,
        "public_base_url": "https://alerts.example.org",
        "feed_titles": FeedTitles(alerts="Cảnh báo việc làm", cap_index="CAP"),
    }
    options.update(overrides)
    return create_web_app(**options)


@pytest.fixture
def bot() -> Bot:
    return Bot(alerts=FakeIssuedAlerts([LURE_VI, LURE_EN]))


@pytest.fixture
async def client(bot: Bot) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(bot))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


# --- webhook ----------------------------------------------------------------------------------


async def test_update_with_the_right_secret_is_queued_and_answered_200(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    response = await client.post(WEBHOOK, json=UPDATE, headers={SECRET_HEADER: SECRET})

    assert response.status_code == 200
    assert bot.updates == [UPDATE]


async def test_update_without_the_secret_header_is_refused_and_not_queued(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    response = await client.post(WEBHOOK, json=UPDATE)

    assert response.status_code == 403
    assert bot.updates == []


async def test_wrong_secret_is_refused_and_the_log_never_shows_what_was_sent(
    bot: Bot, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    near_miss = SECRET[:-1] + "X"
    caplog.set_level(logging.DEBUG)

    response = await client.post(WEBHOOK, json=UPDATE, headers={SECRET_HEADER: near_miss})

    assert response.status_code == 403
    assert bot.updates == []
    assert "refused" in caplog.text
    assert near_miss not in caplog.text
    assert SECRET not in caplog.text


async def test_a_secret_header_that_is_not_ascii_is_refused_without_error(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    headers = [(SECRET_HEADER.encode(), "sécret".encode("latin-1"))]

    response = await client.post(WEBHOOK, json=UPDATE, headers=headers)

    assert response.status_code == 403
    assert bot.updates == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"text"'])
async def test_body_that_is_not_a_json_object_is_a_400(
    bot: Bot, client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post(WEBHOOK, content=body, headers={SECRET_HEADER: SECRET})

    assert response.status_code == 400
    assert bot.updates == []


async def test_an_oversized_body_is_refused_before_it_is_parsed(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    body = b'{"padding": "' + b"x" * (2 << 20) + b'"}'

    response = await client.post(WEBHOOK, content=body, headers={SECRET_HEADER: SECRET})

    assert response.status_code == 413
    assert bot.updates == []


async def test_webhook_answers_only_post(client: httpx.AsyncClient) -> None:
    response = await client.get(WEBHOOK, headers={SECRET_HEADER: SECRET})

    assert response.status_code == 405


async def test_without_a_webhook_path_there_is_no_webhook_route(bot: Bot) -> None:
    app = build_app(bot, webhook_path=None, webhook_secret=None)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post(WEBHOOK, json=UPDATE, headers={SECRET_HEADER: SECRET})

    assert response.status_code == 404
    assert bot.updates == []


@pytest.mark.parametrize("secret", [None, "", "has space", "x" * 257, "ünïcode"])
def test_a_webhook_needs_a_secret_telegram_accepts(bot: Bot, secret: str | None) -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        build_app(bot, webhook_secret=secret)


def test_a_public_base_url_that_cannot_name_alerts_is_a_config_error(bot: Bot) -> None:
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        build_app(bot, public_base_url="alerts.example.org")


# --- health, readiness, metrics ---------------------------------------------------------------


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert (response.status_code, response.text) == (200, "ok\n")


async def test_readyz_is_200_when_nothing_stops_the_bot(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200


async def test_readyz_is_503_with_every_reason(bot: Bot, client: httpx.AsyncClient) -> None:
    bot.not_ready_because[:] = ["database unreachable", "no feed polled for 2 hours"]

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.text.splitlines() == ["database unreachable", "no feed polled for 2 hours"]


async def test_readyz_is_503_when_the_check_itself_fails(bot: Bot) -> None:
    async def broken() -> list[str]:
        raise RuntimeError("pool closed")

    app = build_app(bot, readiness=broken)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert "readiness check failed" in response.text


async def test_metrics_are_served_in_prometheus_text_format(
    bot: Bot, client: httpx.AsyncClient
) -> None:
    bot.metrics.count_delivery("sent")

    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'alertbot_deliveries_total{outcome="sent"} 1.0' in response.text


# --- public alert feeds -----------------------------------------------------------------------


async def test_alerts_atom_is_an_atom_feed_of_the_issued_alerts(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/alerts.atom")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert parsed.feed.title == "Cảnh báo việc làm"
    assert [e.link for e in parsed.entries] == [LURE_EN.url, LURE_VI.url]


async def test_cap_index_links_each_alert_cap_document_that_the_app_serves(
    client: httpx.AsyncClient, cap_schema: CapSchema
) -> None:
    index = feedparser.parse((await client.get("/alerts.cap")).content)
    assert not index.bozo

    hrefs = [
        link.href for e in index.entries for link in e.links if link.type == "application/cap+xml"
    ]
    assert hrefs == [
        "https://alerts.example.org/alerts/18.cap.xml",
        "https://alerts.example.org/alerts/17.cap.xml",
    ]
    for href in hrefs:
        response = await client.get(href.removeprefix("https://alerts.example.org"))
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/cap+xml"
        assert cap_schema.errors(response.content) == []


async def test_follow_up_document_references_the_earlier_alert(
    bot: Bot, client: httpx.AsyncClient, cap_schema: CapSchema
) -> None:
    bot.alerts.alerts.append(follow_up_of(LURE_VI, 30, at(23, 6)))

    response = await client.get("/alerts/30.cap.xml")

    assert cap_schema.errors(response.content) == []
    root = ET.fromstring(response.content)
    assert root.findtext("cap:msgType", namespaces=NS) == "Update"
    assert "https://alerts.example.org/alerts/17," in (
        root.findtext("cap:references", namespaces=NS) or ""
    )


async def test_retracted_alert_document_is_its_cancel(
    bot: Bot, client: httpx.AsyncClient, cap_schema: CapSchema
) -> None:
    bot.alerts.alerts[0] = replace(LURE_VI, retracted_at=at(22, 12))

    response = await client.get("/alerts/17.cap.xml")

    assert cap_schema.errors(response.content) == []
    assert ET.fromstring(response.content).findtext("cap:msgType", namespaces=NS) == "Cancel"


@pytest.mark.parametrize(
    "path",
    [
        "/alerts/99.cap.xml",
        "/alerts/99999999999999999999.cap.xml",
        "/alerts/abc.cap.xml",
        "/alerts/-1.cap.xml",
    ],
)
async def test_an_unknown_alert_is_a_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert response.status_code == 404


# --- a real server on the loopback ------------------------------------------------------------


async def test_webhook_through_a_real_uvicorn_server_on_the_loopback(bot: Bot) -> None:
    server = WebServer(build_app(bot), "127.0.0.1", 0)
    ready = asyncio.Event()
    serving = asyncio.create_task(server.serve(ready=ready))
    await ready.wait()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            refused = await client.post(WEBHOOK, json=UPDATE, headers={SECRET_HEADER: "guess"})
            accepted = await client.post(WEBHOOK, json=UPDATE, headers={SECRET_HEADER: SECRET})
            health = await client.get("/healthz")
    finally:
        server.stop()
        await serving

    assert (refused.status_code, accepted.status_code, health.status_code) == (403, 200, 200)
    assert bot.updates == [UPDATE]


async def test_a_stopped_server_no_longer_accepts_connections(bot: Bot) -> None:
    server = WebServer(build_app(bot), "127.0.0.1", 0)
    ready = asyncio.Event()
    serving = asyncio.create_task(server.serve(ready=ready))
    await ready.wait()
    port = server.port

    server.stop()
    await serving

    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/healthz")


async def test_a_port_in_use_is_a_config_error_not_an_exit(bot: Bot) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = WebServer(build_app(bot), "127.0.0.1", taken.getsockname()[1])

        with pytest.raises(ConfigError, match="cannot listen"):
            await server.serve()
