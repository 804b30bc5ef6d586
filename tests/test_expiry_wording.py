"""How long a mentor had to answer, written as a person would say it."""

from __future__ import annotations

import pytest

from services.matching.expiry import time_allowed


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        (72, "72 hours"),
        (1, "1 hour"),
        (1.5, "90 minutes"),
        (0.5, "30 minutes"),
        (0.01, "36 seconds"),
        (1 / 3600, "1 second"),
        (0.1234, "7 minutes"),
        (100.25, "100.2 hours"),
        (2.5, "2.5 hours"),
    ],
)
def test_the_time_allowed_reads_naturally(hours, said):
    assert time_allowed(hours) == said
