"""Profiles' reactions to the HR feed and to volunteer submissions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import structlog

from services.profiles.adapters import repository
from services.profiles.domain.eligibility import decide_eligibility
from services.profiles.domain.volunteering import submission_problem
from services.profiles.eligibility_review import review_mentor_after_hr_change
from services.profiles.hr_feed import (
    apply_hr_batch,
)
from services.profiles.settings import ProfilesSettings
from shared.contracts.catalogue import topic_catalogue
from shared.contracts.hr import FacultyRecord
from shared.contracts.profiles import (
    MentorApproved,
    MentorRejected,
    MentorVolunteered,
)
from shared.contracts.topics import Topics
from shared.envelope import Envelope, new_event
from shared.platform.batch import BatchOutcome
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)

SERVICE = "profiles"


class ProfilesHandlers:
    def __init__(self, settings: ProfilesSettings, topics: Topics) -> None:
        self.settings = settings
        self.topics = topics
        self.catalogue = topic_catalogue(settings.extra_topic_areas)

    def today(self) -> date:
        return datetime.now(UTC).date()

    async def apply_faculty_records(
        self, uow: UnitOfWork, messages: list[Inbound]
    ) -> BatchOutcome:
        """The bulk path for the HR feed; refused records are dead-lettered."""
        return await apply_hr_batch(
            uow,
            messages,
            today=self.today(),
            faculty_topic=self.topics.faculty,
            producer=SERVICE,
            recheck_mentor=self._recheck_mentor,
        )

    async def apply_faculty_record(self, uow: UnitOfWork, message: Inbound) -> None:
        """One record at a time (a batch's fallback), by the very same rules."""
        outcome = await self.apply_faculty_records(uow, [message])
        refusal = outcome.refused.get(message.message_id)
        if refusal is not None:
            raise refusal

    async def _recheck_mentor(
        self, uow: UnitOfWork, record: FacultyRecord, correlation: uuid.UUID
    ) -> None:
        await review_mentor_after_hr_change(
            uow,
            self.topics,
            record,
            correlation_id=correlation,
            today=self.today(),
            min_years=self.settings.mentor_min_service_years,
        )

    async def decide_volunteer(self, uow: UnitOfWork, message: Inbound) -> None:
        submission: MentorVolunteered = message.payload
        cause = message.envelope
        problem = submission_problem(
            submission, actor=message.actor, catalogue=self.catalogue
        )
        if problem is not None:
            await self._reject(uow, cause, submission.employee_id, *problem)
            return
        record = await repository.get_faculty(uow.conn, submission.employee_id)
        if record is None:
            await self._reject(
                uow,
                cause,
                submission.employee_id,
                "unknown_faculty",
                "no HR record exists for this employee id",
            )
            return
        decision = decide_eligibility(
            record, today=self.today(), min_years=self.settings.mentor_min_service_years
        )
        if not decision.eligible:
            await self._reject(
                uow,
                cause,
                submission.employee_id,
                decision.reason_code,
                decision.reason,
                decision.eligible_on,
            )
            return
        approved = MentorApproved(
            **submission.model_dump(),
            department=record.department,
            division=record.division,
        )
        await repository.save_mentor(
            uow.conn,
            submission.employee_id,
            status="approved",
            profile=approved.model_dump(mode="json"),
            reason_code="eligible",
        )
        await repository.record_decision(
            uow.conn,
            cause.event_id,
            submission.employee_id,
            approved=True,
            reason_code="eligible",
        )
        await uow.emit(
            self.topics.mentors,
            new_event(
                approved, subject=submission.employee_id, producer=SERVICE, cause=cause
            ),
        )
        log.info(
            "mentor_approved",
            employee_id=submission.employee_id,
            topics=len(submission.topics),
        )

    async def _reject(
        self,
        uow: UnitOfWork,
        cause: Envelope,
        employee_id: str,
        reason_code: str,
        reason: str,
        eligible_on: date | None = None,
    ) -> None:
        await repository.record_decision(
            uow.conn,
            cause.event_id,
            employee_id,
            approved=False,
            reason_code=reason_code,
        )
        await uow.emit(
            self.topics.mentors,
            new_event(
                MentorRejected(
                    employee_id=employee_id,
                    reason_code=reason_code,
                    reason=reason,
                    eligible_on=eligible_on,
                ),
                subject=employee_id,
                producer=SERVICE,
                cause=cause,
            ),
        )
        log.info("mentor_rejected", employee_id=employee_id, reason_code=reason_code)
