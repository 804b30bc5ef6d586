"""What a cancelled request does to its engagement: which meetings are called off."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

CANCELLED = "cancelled"

Session = Mapping[str, Any]


def sessions_to_call_off(
    sessions: Iterable[Session], *, now: datetime
) -> list[Session]:
    """Booked meetings that have not started yet, in the order they were booked.

    A meeting already under way or past stays as it is: it may have been held,
    and either person can still report it.
    """
    return sorted(
        (s for s in sessions if s["status"] == "scheduled" and s["starts_at"] > now),
        key=lambda session: session["sequence"],
    )
