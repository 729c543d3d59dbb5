"""Metrics: one registry per `Metrics`, rendered in the Prometheus text format."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics
from bot.models import Category, Decision


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the rendered text, keyed by name and sorted labels."""
    text = metrics.render().decode("utf-8")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_every_pipeline_stage_is_rendered_with_what_it_recorded() -> None:
    metrics = Metrics()

    metrics.count_items_fetched(12)
    metrics.count_feed_error("timeout")
    metrics.count_feed_error("timeout")
    metrics.count_verdict("recruitment_lure", "alert")
    metrics.count_alert("issued")
    metrics.count_delivery("sent")
    metrics.count_delivery("blocked")
    metrics.set_outbox_depth(340)
    metrics.count_rate_limited()
    metrics.observe_send_latency(0.2)
    metrics.observe_poll_cycle(42.0)

    seen = samples(metrics)
    assert seen[("alertbot_items_fetched_total", ())] == 12
    assert seen[("alertbot_feed_errors_total", (("kind", "timeout"),))] == 2
    verdict = (("category", "recruitment_lure"), ("decision", "alert"))
    assert seen[("alertbot_verdicts_total", verdict)] == 1
    assert seen[("alertbot_alerts_total", (("state", "issued"),))] == 1
    assert seen[("alertbot_deliveries_total", (("outcome", "sent"),))] == 1
    assert seen[("alertbot_deliveries_total", (("outcome", "blocked"),))] == 1
    assert seen[("alertbot_outbox_depth", ())] == 340
    assert seen[("alertbot_telegram_rate_limited_total", ())] == 1
    assert seen[("alertbot_send_latency_seconds_count", ())] == 1
    assert seen[("alertbot_send_latency_seconds_bucket", (("le", "0.25"),))] == 1
    assert seen[("alertbot_send_latency_seconds_bucket", (("le", "0.1"),))] == 0
    assert seen[("alertbot_poll_cycle_duration_seconds_sum", ())] == 42.0


def test_two_metrics_objects_never_share_numbers_or_clash_on_names() -> None:
    first, second = Metrics(), Metrics()

    first.count_items_fetched(5)

    assert samples(first)[("alertbot_items_fetched_total", ())] == 5
    assert samples(second)[("alertbot_items_fetched_total", ())] == 0


def test_every_category_and_decision_is_a_zero_series_before_any_verdict() -> None:
    seen = samples(Metrics())

    verdicts = {labels for (name, labels) in seen if name == "alertbot_verdicts_total"}
    assert (("category", "not_relevant"), ("decision", "drop")) in verdicts
    assert (("category", "crackdown"), ("decision", "review")) in verdicts
    assert len(verdicts) == len(Category) * len(Decision)
