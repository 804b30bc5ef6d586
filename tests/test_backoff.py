"""Retry delays double from the first and stay at the maximum, however long it lasts."""

from __future__ import annotations

from shared.platform.errors import backoff_delay


def test_delays_double_up_to_the_maximum():
    delays = [backoff_delay(n, initial=0.5, maximum=30) for n in range(1, 10)]
    assert delays == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]


def test_an_outage_retried_for_days_keeps_the_maximum_delay():
    # About a thousand failures 30 s apart: eight hours. 2 ** 1100 is no float.
    for attempt in (1_025, 1_100, 100_000):
        assert backoff_delay(attempt, initial=0.5, maximum=30) == 30
