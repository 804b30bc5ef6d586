"""Re-deciding a mentor's place in the program whenever their HR record changes."""

from __future__ import annotations

import uuid
from datetime import date

import structlog

from services.profiles.adapters import mentors, repository, timers
from services.profiles.domain.eligibility import decide_eligibility
from services.profiles.domain.hr_review import HrReview, review_mentor
from services.profiles.domain.lifecycle import MentorStatus
from services.profiles.mentor_events import emit_about
from shared.contracts.hr import FacultyRecord
from shared.contracts.profiles import (
    MentorApproved,
    MentorDeactivated,
    MentorProfileChanged,
    MentorRestored,
)
from shared.contracts.topics import Topics
from shared.platform.db import UnitOfWork

log = structlog.get_logger(__name__)

_LOG_EVENTS = {
    HrReview.DEACTIVATE: "mentor_deactivated",
    HrReview.RESTORE: "mentor_restored",
    HrReview.REFRESH_PROFILE: "mentor_placement_changed",
}


async def review_mentor_after_hr_change(
    uow: UnitOfWork,
    topics: Topics,
    record: FacultyRecord,
    *,
    correlation_id: uuid.UUID,
    today: date,
    min_years: int,
) -> None:
    """Deactivate, restore or refresh the mentor ``record`` describes, if any."""
    mentor = await repository.get_mentor(uow.conn, record.employee_id)
    if mentor is None:
        return
    status = MentorStatus(mentor["status"])
    decision = decide_eligibility(record, today=today, min_years=min_years)
    placement = {"department": record.department, "division": record.division}
    profile = {**mentor["profile"], **placement}
    review = review_mentor(
        status,
        eligible=decision.eligible,
        placement_changed=profile != mentor["profile"],
    )
    employee_id = record.employee_id
    if review is HrReview.DEACTIVATE:
        await mentors.set_status(
            uow.conn,
            employee_id,
            status="deactivated",
            reason_code=decision.reason_code,
        )
        await timers.cancel_resume(uow.conn, employee_id)
        event = MentorDeactivated(
            employee_id=employee_id,
            reason_code=decision.reason_code,
            reason=decision.reason,
        )
    elif review is HrReview.RESTORE:
        await mentors.set_status(
            uow.conn,
            employee_id,
            status="approved",
            reason_code="restored",
            profile=profile,
        )
        event = MentorRestored.model_validate(profile)
    elif review is HrReview.REFRESH_PROFILE:
        await mentors.save_profile(uow.conn, employee_id, profile=profile)
        current = MentorApproved.model_validate(profile)
        event = MentorProfileChanged(**current.model_dump(), status=status.listed_as)
    else:
        return
    await emit_about(
        uow,
        topics.mentors,
        event,
        employee_id=employee_id,
        correlation_id=correlation_id,
    )
    log.info(
        _LOG_EVENTS[review], employee_id=employee_id, reason_code=decision.reason_code
    )
