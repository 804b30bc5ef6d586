"""How a proposed mentor is explained to people.

The database ranks candidates (``adapters/mentor_load.py``): a mentor the
mentee named comes first, then the highest weighted score. Each factor is a
share between 0 and 1; the score is their weighted mean. This module turns the
factors a candidate scored best on into a sentence a mentee, a mentor or the
office can read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

FACTORS = (
    "relevance",
    "free_capacity",
    "rotation",
    "availability",
    "department",
    "track_record",
)
MAIN_FACTORS_SHOWN = 3


@dataclass(frozen=True)
class Candidate:
    employee_id: str
    reserved: int
    capacity: int
    last_proposed_at: datetime | None
    same_department: bool
    named_by_mentee: bool
    shared_minutes: int
    sessions_completed: int
    shares: Mapping[str, float]
    score: float


def last_asked(last_proposed_at: datetime | None, *, now: datetime) -> str:
    if last_proposed_at is None:
        return "never asked before"
    days = int((now - last_proposed_at).total_seconds() // 86_400)
    if days <= 0:
        return "last asked today"
    return "last asked 1 day ago" if days == 1 else f"last asked {days} days ago"


def describe(factor: str, candidate: Candidate, *, now: datetime) -> str:
    """One factor of ``candidate`` in plain words."""
    if factor == "relevance":
        strength = "closely" if candidate.shares[factor] >= 0.5 else "partly"
        return f"their statement {strength} matches the need"
    if factor == "free_capacity":
        free = candidate.capacity - candidate.reserved
        return f"{free} of {candidate.capacity} mentee places free"
    if factor == "rotation":
        return last_asked(candidate.last_proposed_at, now=now)
    if factor == "availability":
        hours = round(candidate.shared_minutes / 60, 1)
        unit = "hour" if hours == 1 else "hours"
        return f"{hours:g} {unit} a week in common with the mentee's availability"
    if factor == "department":
        # The share is only positive for the department the mentee preferred:
        # their own when they asked for it, otherwise another (a fresh view).
        if candidate.same_department:
            return "in the mentee's own department, as asked"
        return "in another department"
    if factor == "track_record":
        return f"{candidate.sessions_completed} mentoring sessions held"
    raise ValueError(f"unknown ranking factor {factor!r}")


def main_factors(candidate: Candidate, weights: Mapping[str, float]) -> list[str]:
    """The factors that added most to the score, largest first; none that added 0."""
    contributions = {
        factor: weights.get(factor, 0.0) * candidate.shares.get(factor, 0.0)
        for factor in FACTORS
    }
    ranked = sorted(
        (factor for factor in FACTORS if contributions[factor] > 0),
        key=lambda factor: -contributions[factor],
    )
    return ranked[:MAIN_FACTORS_SHOWN]


def rationale(
    candidate: Candidate, weights: Mapping[str, float], *, now: datetime
) -> str:
    """A short sentence a mentee or the office can read: why this mentor."""
    parts = ["named by the mentee"] if candidate.named_by_mentee else []
    factors = main_factors(candidate, weights)
    if factors:
        described = ", ".join(
            describe(factor, candidate, now=now) for factor in factors
        )
        parts.append(f"main factors: {described}")
    else:
        parts.append("offers the topic and has a free place")
    return "; ".join(parts)
