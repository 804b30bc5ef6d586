"""Prometheus metrics every service exports on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_CONSUMED = Counter(
    "micromentor_events_consumed_total",
    "Messages taken from Kafka, by outcome (applied, duplicate, ignored).",
    ["service", "topic", "event_type", "outcome"],
)
EVENTS_PUBLISHED = Counter(
    "micromentor_events_published_total",
    "Events the outbox relay published and the broker confirmed.",
    ["service", "topic", "event_type"],
)
EVENTS_DEAD_LETTERED = Counter(
    "micromentor_events_dead_lettered_total",
    "Messages sent to a dead-letter topic, by error class.",
    ["service", "topic", "event_type", "error_class"],
)
HANDLER_RETRIES = Counter(
    "micromentor_handler_retries_total",
    "Failed attempts that will be retried, by failure kind.",
    ["service", "topic", "kind"],
)
HANDLER_LATENCY = Histogram(
    "micromentor_handler_duration_seconds",
    "Time from taking a message to committing its effect.",
    ["service", "event_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10),
)
OUTBOX_BACKLOG = Gauge(
    "micromentor_outbox_backlog",
    "Outbox rows committed but not yet confirmed by the broker.",
    ["service"],
)
POLL_FAILURES = Counter(
    "micromentor_poll_failures_total",
    "Failed passes of a background poller (expiries, resumptions, e-mail), by task.",
    ["task"],
)


def observe_many(histogram: Histogram, amount: float, count: int) -> None:
    """``histogram.observe(amount)`` ``count`` times over, in one step.

    A bulk batch times a thousand messages alike; observing each one costs
    more than applying it. prometheus_client has no call for this, so the
    sum and the one bucket ``amount`` falls in are increased directly (tests
    compare the result with repeated ``observe``); should its internals ever
    change shape, this falls back to observing one by one.
    """
    try:
        total, bounds, buckets = (
            histogram._sum,
            histogram._upper_bounds,
            histogram._buckets,
        )
    except AttributeError:
        for _ in range(count):
            histogram.observe(amount)
        return
    total.inc(amount * count)
    for bound, bucket in zip(bounds, buckets, strict=True):
        if amount <= bound:
            bucket.inc(count)
            break
