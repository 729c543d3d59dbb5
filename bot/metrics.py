"""Prometheus metrics for the whole pipeline: fetch, judge, alert, deliver.

Each `Metrics` holds its own `CollectorRegistry` instead of prometheus-client's global one, so
two apps in one process, or two tests, never see each other's numbers or clash on names.
Stages record through the named methods below and never touch prometheus-client themselves.

Label values must come from small fixed sets (error kinds, categories, states, outcomes),
never from feed text, URLs or chat ids: every distinct value is a new time series.
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from bot.models import Category, Decision

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
# Telegram answers a send in tens to hundreds of milliseconds; retries stretch the tail.
SEND_LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A cycle polls every due feed; slow or dead sites can hold it up to the fetch timeouts.
POLL_CYCLE_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


class Metrics:
    """The bot's counters, gauges and histograms, in a registry of their own."""

    def __init__(self, namespace: str = "alertbot") -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self._items_fetched = Counter(
            "items_fetched",
            "Feed items fetched and parsed.",
            namespace=namespace,
            registry=registry,
        )
        self._feed_errors = Counter(
            "feed_errors",
            "Feed fetches or parses that failed, by kind of error.",
            ["kind"],
            namespace=namespace,
            registry=registry,
        )
        self._verdicts = Counter(
            "verdicts",
            "Items judged by the classifier, by category and decision.",
            ["category", "decision"],
            namespace=namespace,
            registry=registry,
        )
        self._alerts = Counter(
            "alerts",
            "Alerts that entered a state (issued, retracted, ...).",
            ["state"],
            namespace=namespace,
            registry=registry,
        )
        self._deliveries = Counter(
            "deliveries",
            "Delivery attempts, by outcome.",
            ["outcome"],
            namespace=namespace,
            registry=registry,
        )
        self._outbox_depth = Gauge(
            "outbox_depth",
            "Deliveries waiting to be sent.",
            namespace=namespace,
            registry=registry,
        )
        self._rate_limited = Counter(
            "telegram_rate_limited",
            "Telegram answers 429 Too Many Requests.",
            namespace=namespace,
            registry=registry,
        )
        self._send_latency = Histogram(
            "send_latency_seconds",
            "Time Telegram took to answer one send.",
            namespace=namespace,
            registry=registry,
            buckets=SEND_LATENCY_BUCKETS,
        )
        self._poll_cycle = Histogram(
            "poll_cycle_duration_seconds",
            "Time one poll cycle took, fetch to queued alerts.",
            namespace=namespace,
            registry=registry,
            buckets=POLL_CYCLE_BUCKETS,
        )
        for category in Category:
            for decision in Decision:
                # Zero series exist from the start, so rate() and alerts see them at once.
                self._verdicts.labels(category=category.value, decision=decision.value)

    def count_items_fetched(self, count: int = 1) -> None:
        self._items_fetched.inc(count)

    def count_feed_error(self, kind: str) -> None:
        self._feed_errors.labels(kind=kind).inc()

    def count_verdict(self, category: str, decision: str) -> None:
        self._verdicts.labels(category=category, decision=decision).inc()

    def count_alert(self, state: str) -> None:
        self._alerts.labels(state=state).inc()

    def count_delivery(self, outcome: str) -> None:
        self._deliveries.labels(outcome=outcome).inc()

    def set_outbox_depth(self, depth: int) -> None:
        self._outbox_depth.set(depth)

    def count_rate_limited(self) -> None:
        self._rate_limited.inc()

    def observe_send_latency(self, seconds: float) -> None:
        self._send_latency.observe(seconds)

    def observe_poll_cycle(self, seconds: float) -> None:
        self._poll_cycle.observe(seconds)

    def render(self) -> bytes:
        """Everything in the Prometheus text format, served as `METRICS_CONTENT_TYPE`."""
        return generate_latest(self.registry)
