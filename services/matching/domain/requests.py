"""Whether a submitted mentoring request can be taken on at all."""

from __future__ import annotations

from collections.abc import Mapping

from shared.contracts.matching import RequestSubmitted

Rejection = tuple[str, str]

DUPLICATE_TOPIC: Rejection = (
    "duplicate_topic",
    "the mentee already has an open request on this topic",
)


def request_problem(
    request: RequestSubmitted,
    *,
    actor: str | None,
    mentee_status: str | None,
    catalogue: Mapping[str, str],
    open_requests: int,
    max_open_requests: int,
) -> Rejection | None:
    """A (reason_code, reason) when the request must be rejected, in rule order."""
    if actor != request.mentee_employee_id:
        return (
            "not_self",
            "a faculty member can request mentoring only for themselves; the acting"
            " faculty member differs from the mentee",
        )
    if mentee_status is None:
        return ("unknown_mentee", "no faculty record exists for the mentee")
    if mentee_status != "active":
        return (
            "inactive_mentee",
            f"the mentee's employment status is {mentee_status}; only active faculty"
            " can request mentoring",
        )
    if request.topic not in catalogue:
        return (
            "unknown_topic",
            f"unknown topic area {request.topic}; valid areas are"
            f" {', '.join(sorted(catalogue))}",
        )
    if not request.need_statement.strip():
        return ("empty_need", "the request must say what guidance is needed")
    if open_requests >= max_open_requests:
        return (
            "too_many_open_requests",
            f"the mentee already has {open_requests} open requests; at most"
            f" {max_open_requests} may be open at once",
        )
    return None
