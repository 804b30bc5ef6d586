"""Why the mentor a mentee named may not be asked, in the words they will read."""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.domain.requests import Rejection


@dataclass(frozen=True)
class PreferredMentorFacts:
    """How the named mentor fares against each hard rule (from the database)."""

    active: bool
    has_free_slot: bool
    offers_topic: bool
    mentor_scope_ok: bool
    mentee_scope_ok: bool


def preferred_mentor_problem(
    preferred: str,
    facts: PreferredMentorFacts | None,
    *,
    mentee: str,
    supervisor: str | None,
) -> Rejection | None:
    """A (reason_code, reason) when the named mentor cannot be asked, in rule order."""
    if preferred == mentee:
        return ("self", "a mentee cannot be their own mentor")
    if facts is None:
        return ("not_a_mentor", "the faculty member named is not an approved mentor")
    if not facts.active:
        return (
            "not_available",
            "the mentor named is not taking new mentees at the moment",
        )
    if not facts.offers_topic:
        return ("topic_not_offered", "the mentor named does not mentor on this topic")
    if preferred == supervisor:
        return (
            "own_supervisor",
            "a mentee's own supervisor cannot be their micro-mentor",
        )
    if not facts.mentor_scope_ok:
        return (
            "scope",
            "the mentor named does not mentor faculty of the mentee's department",
        )
    if not facts.mentee_scope_ok:
        return (
            "outside_requested_scope",
            "the mentor named is outside the department scope the request requires",
        )
    if not facts.has_free_slot:
        return (
            "at_capacity",
            "the mentor named already has as many mentees as they can take",
        )
    return None
