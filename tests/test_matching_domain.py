"""Matching's pure rules: refusals, cancellations, named mentors, explanations."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.matching.domain.cancellation import RequestState, cancellation_problem
from services.matching.domain.preferred_mentor import (
    PreferredMentorFacts,
    preferred_mentor_problem,
)
from services.matching.domain.ranking import Candidate, main_factors, rationale
from services.matching.domain.requests import request_problem
from services.matching.domain.responses import ProposalState, response_problem
from services.matching.settings import MatchingSettings
from shared.contracts.catalogue import topic_catalogue
from shared.contracts.matching import RequestSubmitted

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)


def submitted(**overrides) -> RequestSubmitted:
    fields = {
        "request_id": uuid.uuid4(),
        "mentee_employee_id": "M1",
        "topic": "academic-promotion",
        "need_statement": "How do I prepare my promotion dossier?",
        "meetings": 1,
    }
    return RequestSubmitted(**{**fields, **overrides})


def problem(request: RequestSubmitted, **overrides):
    context = {
        "actor": "M1",
        "mentee_status": "active",
        "catalogue": topic_catalogue(),
        "open_requests": 0,
        "max_open_requests": 3,
    }
    return request_problem(request, **{**context, **overrides})


WEIGHTS = MatchingSettings().score_weights()
SHARES = {factor: 0.0 for factor in WEIGHTS}
FACTS = PreferredMentorFacts(
    active=True,
    has_free_slot=True,
    offers_topic=True,
    mentor_scope_ok=True,
    mentee_scope_ok=True,
)


def candidate(**overrides) -> Candidate:
    fields = {
        "employee_id": "T1",
        "reserved": 1,
        "capacity": 2,
        "last_proposed_at": None,
        "same_department": False,
        "named_by_mentee": False,
        "shared_minutes": 0,
        "sessions_completed": 0,
        "shares": SHARES,
        "score": 0.5,
    }
    return Candidate(**{**fields, **overrides})


def test_a_sound_request_has_no_problem():
    assert problem(submitted()) is None


def test_acting_for_someone_else_is_refused_before_anything_else():
    code, _ = problem(submitted(topic="astrology"), actor="X9", mentee_status=None)
    assert code == "not_self"


def test_a_fourth_open_request_is_refused_with_the_limit_in_the_reason():
    code, reason = problem(submitted(), open_requests=3)
    assert code == "too_many_open_requests"
    assert "at most 3" in reason


def test_a_mentee_on_leave_is_told_their_status():
    code, reason = problem(submitted(), mentee_status="on_leave")
    assert code == "inactive_mentee"
    assert "on_leave" in reason


def test_the_rationale_names_the_three_strongest_factors_in_plain_words():
    recently = candidate(
        reserved=1,
        capacity=3,
        last_proposed_at=NOW - timedelta(days=4),
        same_department=True,
        named_by_mentee=True,
        shared_minutes=90,
        shares={
            **SHARES,
            "relevance": 0.9,
            "free_capacity": 2 / 3,
            "availability": 1.0,
            "rotation": 0.1,
        },
    )
    assert rationale(recently, WEIGHTS, now=NOW) == (
        "named by the mentee; main factors: their statement closely matches the"
        " need, 2 of 3 mentee places free, 1.5 hours a week in common with the"
        " mentee's availability"
    )


def test_factors_that_added_nothing_are_never_given_as_reasons():
    unrelated = candidate(
        shares={**SHARES, "relevance": 0.0, "free_capacity": 0.5, "rotation": 0.2},
    )
    reasons = rationale(unrelated, WEIGHTS, now=NOW)
    assert "statement" not in reasons
    assert "availability" not in reasons
    assert reasons.startswith("main factors: 1 of 2 mentee places free")


def test_a_factor_weighted_zero_is_not_a_main_factor():
    shares = {**SHARES, "track_record": 1.0, "department": 1.0}
    assert main_factors(candidate(shares=shares), {**WEIGHTS, "track_record": 0}) == [
        "department"
    ]


def test_only_the_mentee_may_cancel_and_only_while_the_request_is_open():
    open_request = RequestState("M1", "matched")
    assert cancellation_problem(open_request, mentee="M1", actor="M1") is None
    assert cancellation_problem(None, mentee="M1", actor="M1")[0] == "unknown_request"
    assert cancellation_problem(open_request, mentee="M1", actor="T1")[0] == (
        "not_mentee"
    )
    assert cancellation_problem(open_request, mentee="M2", actor="M2")[0] == (
        "not_mentee"
    )
    for closed in ("completed", "cancelled", "rejected"):
        code, reason = cancellation_problem(
            RequestState("M1", closed), mentee="M1", actor="M1"
        )
        assert code == "request_closed"
        assert closed in reason


def test_a_preferred_mentor_is_checked_against_every_hard_rule_in_order():
    def check(facts=FACTS, **overrides):
        context = {"mentee": "M1", "supervisor": "S1", **overrides}
        found = preferred_mentor_problem(
            context.pop("preferred", "T1"), facts, **context
        )
        return found[0] if found else None

    assert check() is None
    assert check(preferred="M1") == "self"
    assert check(facts=None) == "not_a_mentor"
    assert check(facts=replace(FACTS, active=False)) == "not_available"
    assert check(facts=replace(FACTS, offers_topic=False)) == "topic_not_offered"
    assert check(preferred="S1") == "own_supervisor"
    assert check(facts=replace(FACTS, mentor_scope_ok=False)) == "scope"
    assert check(facts=replace(FACTS, mentee_scope_ok=False)) == (
        "outside_requested_scope"
    )
    assert check(facts=replace(FACTS, has_free_slot=False)) == "at_capacity"


def test_a_spoofed_actor_cannot_answer_for_the_proposed_mentor():
    request_id = uuid.uuid4()
    proposal = ProposalState(request_id, "T1", "open")
    code, _ = response_problem(
        proposal, request_id=request_id, answering_mentor="T1", actor="T2"
    )
    assert code == "not_proposed_mentor"


def test_a_proposal_for_another_request_is_unknown():
    proposal = ProposalState(uuid.uuid4(), "T1", "open")
    code, _ = response_problem(
        proposal, request_id=uuid.uuid4(), answering_mentor="T1", actor="T1"
    )
    assert code == "unknown_proposal"
