"""Matching's pure rules: which requests are refused, how proposals are explained."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.matching.domain.ranking import Candidate, rationale, score
from services.matching.domain.requests import request_problem
from services.matching.domain.responses import ProposalState, response_problem
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


def candidate(**overrides) -> Candidate:
    fields = {
        "employee_id": "T1",
        "reserved": 0,
        "capacity": 2,
        "last_proposed_at": None,
        "same_department": False,
        "department_preferred": True,
        "named_by_mentee": False,
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


def test_the_rationale_names_slots_rotation_and_department():
    recently = candidate(
        reserved=1,
        capacity=3,
        last_proposed_at=NOW - timedelta(days=4),
        same_department=True,
        named_by_mentee=True,
    )
    assert rationale(recently, now=NOW) == (
        "named by the mentee; same topic; 1 of 3 slots used; last matched 4 days ago;"
        " same department"
    )


def test_a_free_mentor_never_asked_scores_higher_than_a_busy_recent_one():
    free = score(candidate(), now=NOW)
    busy = score(
        candidate(reserved=1, last_proposed_at=NOW - timedelta(hours=2)), now=NOW
    )
    assert free == 1.0
    assert 0 < busy < free


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
