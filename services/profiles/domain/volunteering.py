"""Checks on a volunteer submission that come before eligibility."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from shared.contracts.profiles import MentorVolunteered


def unknown_topic_problem(
    topics: Collection[str], catalogue: Mapping[str, str]
) -> tuple[str, str] | None:
    """A (reason_code, reason) naming topics outside the catalogue, with valid ones."""
    unknown = sorted(set(topics) - set(catalogue))
    if not unknown:
        return None
    return (
        "unknown_topic",
        f"unknown topic areas {', '.join(unknown)}; valid areas are"
        f" {', '.join(sorted(catalogue))}",
    )


def submission_problem(
    submission: MentorVolunteered, *, actor: str | None, catalogue: Mapping[str, str]
) -> tuple[str, str] | None:
    """A (reason_code, reason) when the submission itself is unacceptable."""
    if actor != submission.employee_id:
        return (
            "not_self",
            "a faculty member can volunteer only themselves; the acting faculty"
            " member differs from the volunteer",
        )
    return unknown_topic_problem(submission.topics, catalogue)
