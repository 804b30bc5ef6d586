"""Profiles' reactions to the HR feed and to volunteer submissions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import structlog
from pydantic import ValidationError

from services.profiles.adapters import repository
from services.profiles.domain.eligibility import decide_eligibility
from services.profiles.domain.volunteering import submission_problem
from services.profiles.settings import ProfilesSettings
from shared.contracts.catalogue import topic_catalogue
from shared.contracts.hr import FacultyRecord
from shared.contracts.profiles import (
    FacultyProfileChanged,
    MentorApproved,
    MentorDeactivated,
    MentorRejected,
    MentorVolunteered,
)
from shared.contracts.topics import Topics
from shared.envelope import Envelope, new_event
from shared.platform.db import UnitOfWork
from shared.platform.errors import PermanentMessageError
from shared.platform.inbound import Inbound, parse_json, schema_error

log = structlog.get_logger(__name__)

SERVICE = "profiles"
HR_NAMESPACE = uuid.UUID("6f1c1c8e-8f0e-4a53-9d7e-2f4b8e1e6a10")


def decode_hr_record(raw: bytes | None) -> Inbound:
    """HR records are plain JSON; (employee id, version) identifies each one."""
    document = parse_json(raw)
    try:
        record = FacultyRecord.model_validate(document)
    except ValidationError as error:
        raise schema_error(error, "faculty record") from error
    message_id = f"{record.employee_id}:{record.record_version}"
    return Inbound(
        message_id=message_id,
        event_type="FacultyRecord",
        correlation_id=str(uuid.uuid5(HR_NAMESPACE, message_id)),
        payload=record,
    )


class ProfilesHandlers:
    def __init__(self, settings: ProfilesSettings, topics: Topics) -> None:
        self.settings = settings
        self.topics = topics
        self.catalogue = topic_catalogue(settings.extra_topic_areas)

    def today(self) -> date:
        return datetime.now(UTC).date()

    async def apply_faculty_record(self, uow: UnitOfWork, message: Inbound) -> None:
        record: FacultyRecord = message.payload
        if record.service_start_date > self.today():
            raise PermanentMessageError(
                f"service start date {record.service_start_date} is in the future",
                error_class="StartDateInFuture",
            )
        owner = await repository.email_owner(uow.conn, str(record.email))
        if owner is not None and owner != record.employee_id:
            raise PermanentMessageError(
                f"e-mail address already belongs to employee {owner}",
                error_class="DuplicateEmail",
            )
        if not await repository.store_if_newer(uow.conn, record):
            log.info(
                "faculty_record_stale_ignored",
                employee_id=record.employee_id,
                record_version=record.record_version,
            )
            return
        correlation = uuid.UUID(message.correlation_id)
        await uow.emit(
            self.topics.faculty,
            new_event(
                FacultyProfileChanged.model_validate(record.model_dump()),
                subject=record.employee_id,
                producer=SERVICE,
                correlation_id=correlation,
            ),
        )
        await self._recheck_mentor(uow, record, correlation)
        log.info(
            "faculty_record_applied",
            employee_id=record.employee_id,
            record_version=record.record_version,
        )

    async def _recheck_mentor(
        self, uow: UnitOfWork, record: FacultyRecord, correlation: uuid.UUID
    ) -> None:
        mentor = await repository.get_mentor(uow.conn, record.employee_id)
        if mentor is None or mentor["status"] != "approved":
            return
        decision = decide_eligibility(
            record, today=self.today(), min_years=self.settings.mentor_min_service_years
        )
        if decision.eligible:
            return
        await repository.set_mentor_status(
            uow.conn,
            record.employee_id,
            status="deactivated",
            reason_code=decision.reason_code,
        )
        await uow.emit(
            self.topics.mentors,
            new_event(
                MentorDeactivated(
                    employee_id=record.employee_id,
                    reason_code=decision.reason_code,
                    reason=decision.reason,
                ),
                subject=record.employee_id,
                producer=SERVICE,
                correlation_id=correlation,
            ),
        )
        log.info(
            "mentor_deactivated",
            employee_id=record.employee_id,
            reason_code=decision.reason_code,
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
