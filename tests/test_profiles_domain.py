"""Profiles' pure rules: which mentor changes fit which state, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.profiles.domain.eligibility import decide_eligibility
from services.profiles.domain.hr_review import HrReview, review_mentor
from services.profiles.domain.lifecycle import (
    MentorStatus,
    change_refusal,
    resume_date_refusal,
    resume_due_at,
)
from shared.contracts.hr import AppointmentType, EmploymentStatus, FacultyRecord
from shared.contracts.profiles import RequestedChange, erased_identity
from tests.factories import hr_record


def _refusal_code(change, status, actor="E1"):
    refusal = change_refusal(change, status=status, actor=actor, employee_id="E1")
    return refusal.reason_code if refusal else None


def test_only_an_active_mentor_can_pause_and_only_a_paused_one_resume():
    assert _refusal_code(RequestedChange.PAUSE, MentorStatus.APPROVED) is None
    assert _refusal_code(RequestedChange.PAUSE, MentorStatus.PAUSED) == "not_active"
    assert _refusal_code(RequestedChange.RESUME, MentorStatus.PAUSED) is None
    assert _refusal_code(RequestedChange.RESUME, MentorStatus.APPROVED) == "not_paused"


def test_someone_else_or_a_non_mentor_cannot_change_a_mentorship():
    assert (
        _refusal_code(RequestedChange.WITHDRAW, MentorStatus.APPROVED, actor="E2")
        == "not_self"
    )
    assert _refusal_code(RequestedChange.UPDATE_PROFILE, None) == "not_a_mentor"
    assert (
        _refusal_code(RequestedChange.WITHDRAW, MentorStatus.WITHDRAWN)
        == "not_a_mentor"
    )


def test_a_resume_date_must_be_after_today_where_the_mentor_is():
    # 03:00 UTC on 5 December is still 4 December in New York.
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    check = {"now": now, "time_zone": "America/New_York", "max_days": 365}
    assert resume_date_refusal(date(2026, 12, 5), **check) is None
    assert (
        resume_date_refusal(date(2026, 12, 4), **check).reason_code
        == "resume_date_not_future"
    )
    assert (
        resume_date_refusal(date(2028, 1, 1), **check).reason_code
        == "resume_date_too_far"
    )


def test_a_pause_ends_at_midnight_in_the_mentors_time_zone():
    due = resume_due_at(date(2027, 1, 4), "America/New_York")
    assert due.astimezone(UTC) == datetime(2027, 1, 4, 5, 0, tzinfo=UTC)


def test_hr_deactivates_an_ineligible_mentor_and_restores_only_hr_deactivations():
    review = review_mentor
    assert (
        review(MentorStatus.PAUSED, eligible=False, placement_changed=False)
        is HrReview.DEACTIVATE
    )
    assert (
        review(MentorStatus.DEACTIVATED, eligible=True, placement_changed=False)
        is HrReview.RESTORE
    )
    assert (
        review(MentorStatus.WITHDRAWN, eligible=True, placement_changed=True)
        is HrReview.UNCHANGED
    )
    assert (
        review(MentorStatus.APPROVED, eligible=True, placement_changed=True)
        is HrReview.REFRESH_PROFILE
    )


def test_erased_identities_are_distinct_even_for_ids_that_differ_in_case():
    first, second = erased_identity("X100"), erased_identity("x100")
    assert first["family_name"] == "X100"
    assert first["email"].lower() != second["email"].lower()
    assert first["email"].endswith("@erased.invalid")


def _eligibility(**record):
    faculty = FacultyRecord.model_validate(hr_record("E1", **record))
    return decide_eligibility(faculty, today=date(2026, 12, 4), min_years=5)


def test_an_ineligible_volunteer_is_told_why_in_words_not_field_values():
    on_leave = _eligibility(employment_status="on_leave")
    term = _eligibility(appointment_type="full_time_term")
    junior = _eligibility(service_start_date="2024-07-01")

    assert (on_leave.reason_code, on_leave.reason) == (
        "not_active",
        "you are currently on leave; mentors must be actively employed",
    )
    assert (term.reason_code, term.reason) == (
        "not_full_time_regular",
        "your appointment is a full-time term appointment; mentors hold full-time"
        " regular appointments",
    )
    assert (junior.reason_code, junior.reason) == (
        "insufficient_service",
        "mentors need at least 5 years of service; you become eligible on 1 July 2029",
    )
    assert junior.eligible_on == date(2029, 7, 1)
    assert _eligibility().eligible


def test_every_appointment_and_status_has_a_reason_without_raw_values():
    reasons = [
        _eligibility(appointment_type=kind.value).reason for kind in AppointmentType
    ] + [_eligibility(employment_status=s.value).reason for s in EmploymentStatus]

    assert all("_" not in reason for reason in reasons)
