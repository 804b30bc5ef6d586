"""Who may cancel a mentoring request, and until when."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.domain.requests import Rejection

CANCELLABLE_STATUSES = ("proposed", "waiting", "matched")

MENTEE_CANCELLED = (
    "mentee_cancelled",
    "the mentee cancelled the request",
)
MENTEE_INACTIVE = (
    "mentee_inactive",
    "HR reports the mentee is no longer active (separated or on leave), so the"
    " request was closed",
)
# Worded for the mentee, who is the one told (the mentor had their own letter).
MENTOR_UNAVAILABLE = (
    "mentor_unavailable",
    "your mentor is no longer available to mentor",
)


@dataclass(frozen=True)
class RequestState:
    mentee_employee_id: str
    status: str


def cancellation_problem(
    request: RequestState | None, *, mentee: str, actor: str | None
) -> Rejection | None:
    """A (reason_code, reason) when a cancellation must not take effect."""
    if request is None:
        return ("unknown_request", "no such mentoring request exists")
    if not (actor == mentee == request.mentee_employee_id):
        return (
            "not_mentee",
            "only the mentee who submitted the request can cancel it",
        )
    if request.status not in CANCELLABLE_STATUSES:
        return (
            "request_closed",
            f"the request is already {request.status} and can no longer be cancelled",
        )
    return None
