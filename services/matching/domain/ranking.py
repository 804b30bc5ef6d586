"""How a candidate mentor is scored and explained to people.

The database orders candidates (fewer reserved slots, then longest since last
proposed, then the department preference); the score summarises the same
three factors as one number between 0 and 1 so reports can compare proposals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ROTATION_HORIZON_DAYS = 30


@dataclass(frozen=True)
class Candidate:
    employee_id: str
    reserved: int
    capacity: int
    last_proposed_at: datetime | None
    same_department: bool
    department_preferred: bool
    named_by_mentee: bool


def rotation_share(last_proposed_at: datetime | None, *, now: datetime) -> float:
    """1 for a mentor never proposed, rising to 1 over the rotation horizon."""
    if last_proposed_at is None:
        return 1.0
    days = (now - last_proposed_at).total_seconds() / 86_400
    return max(0.0, min(days / ROTATION_HORIZON_DAYS, 1.0))


def score(candidate: Candidate, *, now: datetime) -> float:
    free_share = (candidate.capacity - candidate.reserved) / candidate.capacity
    preference = 1.0 if candidate.department_preferred else 0.0
    value = (
        0.6 * free_share
        + 0.3 * rotation_share(candidate.last_proposed_at, now=now)
        + 0.1 * preference
    )
    return round(value, 3)


def last_matched(last_proposed_at: datetime | None, *, now: datetime) -> str:
    if last_proposed_at is None:
        return "never"
    days = int((now - last_proposed_at).total_seconds() // 86_400)
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def rationale(candidate: Candidate, *, now: datetime) -> str:
    """A short sentence a mentee or the office can read: why this mentor."""
    parts = ["named by the mentee"] if candidate.named_by_mentee else []
    parts += [
        "same topic",
        f"{candidate.reserved} of {candidate.capacity} slots used",
        f"last matched {last_matched(candidate.last_proposed_at, now=now)}",
        "same department" if candidate.same_department else "other department",
    ]
    return "; ".join(parts)
