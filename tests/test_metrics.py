"""Observing a whole batch's latency at once reads like observing each message."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Histogram

from shared.platform.metrics import observe_many


def _histogram(registry: CollectorRegistry) -> Histogram:
    return Histogram(
        "batch_seconds",
        "test",
        ["service"],
        buckets=(0.001, 0.01, 0.1, 1),
        registry=registry,
    )


def _samples(registry: CollectorRegistry) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in registry.collect()
        for sample in metric.samples
        if not sample.name.endswith("_created")
    }


def test_observe_many_equals_observing_one_by_one():
    one_by_one, at_once = CollectorRegistry(), CollectorRegistry()
    each, many = _histogram(one_by_one), _histogram(at_once)
    # On a bound, between bounds, past the last one (+Inf), and zero times.
    for amount, count in [(0.01, 3), (0.05, 1000), (7.5, 2), (0.0005, 0), (1, 1)]:
        for _ in range(count):
            each.labels("profiles").observe(amount)
        observe_many(many.labels("profiles"), amount, count)
    assert _samples(at_once) == pytest.approx(_samples(one_by_one))
    assert (
        _samples(at_once)[("batch_seconds_count", (("service", "profiles"),))] == 1006
    )
