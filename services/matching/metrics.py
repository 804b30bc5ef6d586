"""Prometheus metrics of matching's own work, beside the platform's."""

from __future__ import annotations

from prometheus_client import Counter

EXPIRY_POLL_FAILURES = Counter(
    "micromentor_matching_expiry_poll_failures_total",
    "Failed attempts of the proposal-expiry poller (it retries after each).",
)
