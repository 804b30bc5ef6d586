"""Scheduling's reactions to confirmed matches and to meeting reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from services.scheduling.adapters import repository
from services.scheduling.domain.engagements import (
    earliest_start,
    engagement_id_for,
    held_at,
    held_before_booking,
    meeting_format_for,
    no_free_hour_reason,
    report_problem,
    session_id_for,
)
from services.scheduling.domain.slots import candidate_slots, first_free_slot
from services.scheduling.events import emit_about_engagement
from services.scheduling.settings import SchedulingSettings
from shared.contracts.common import WeeklyAvailability
from shared.contracts.matching import MatchConfirmed
from shared.contracts.scheduling import (
    EngagementClosed,
    EngagementOpened,
    SessionCompleted,
    SessionNotBooked,
    SessionReported,
    SessionReportRejected,
    SessionScheduled,
)
from shared.contracts.topics import Topics
from shared.envelope import Envelope
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class SchedulingHandlers:
    def __init__(self, settings: SchedulingSettings, topics: Topics) -> None:
        self.settings = settings
        self.topics = topics

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def open_engagement(self, uow: UnitOfWork, message: Inbound) -> None:
        match: MatchConfirmed = message.payload
        engagement_id = engagement_id_for(match.request_id)
        meeting_format = meeting_format_for(match.meeting_formats)
        opened = await repository.insert_engagement(
            uow.conn, engagement_id, match, meeting_format=meeting_format.value
        )
        if not opened:
            log.info("engagement_already_open", engagement_id=str(engagement_id))
            return
        await self._emit(
            uow,
            message.envelope,
            EngagementOpened(
                engagement_id=engagement_id,
                request_id=match.request_id,
                mentee_employee_id=match.mentee_employee_id,
                mentor_employee_id=match.mentor_employee_id,
                topic=match.topic,
                planned_meetings=match.meetings,
            ),
        )
        log.info(
            "engagement_opened",
            engagement_id=str(engagement_id),
            request_id=str(match.request_id),
            planned_meetings=match.meetings,
        )
        engagement = await repository.get_engagement(uow.conn, engagement_id)
        await self._book_meeting(uow, message.envelope, engagement, 1, after=None)

    async def apply_report(self, uow: UnitOfWork, message: Inbound) -> None:
        report: SessionReported = message.payload
        engagement = await repository.get_engagement(uow.conn, report.engagement_id)
        session = None
        if engagement is not None:
            session = await repository.get_session(
                uow.conn, report.engagement_id, report.session_id
            )
        problem = report_problem(
            actor=message.actor,
            mentor=engagement["mentor_employee_id"] if engagement else None,
            mentee=engagement["mentee_employee_id"] if engagement else None,
            session_status=session["status"] if session else None,
        )
        if problem is not None:
            await self._emit(
                uow,
                message.envelope,
                SessionReportRejected(
                    engagement_id=report.engagement_id,
                    session_id=report.session_id,
                    actor=message.actor,
                    reason_code=problem.reason_code,
                    reason=problem.reason,
                ),
            )
            log.info(
                "session_report_rejected",
                engagement_id=str(report.engagement_id),
                session_id=str(report.session_id),
                reason_code=problem.reason_code,
            )
            return
        await self._complete(uow, message, engagement, session)

    async def _complete(
        self,
        uow: UnitOfWork,
        message: Inbound,
        engagement: asyncpg.Record,
        session: asyncpg.Record,
    ) -> None:
        report: SessionReported = message.payload
        completed_at = self.now()
        booked_start = session["starts_at"]
        await repository.complete_session(
            uow.conn,
            session["session_id"],
            reported_by=message.actor,
            completed_at=completed_at,
            rating=report.rating,
            note=report.note,
        )
        released = held_before_booking(
            booked_start=booked_start, reported_at=completed_at
        )
        if released:
            await repository.lock_calendars(
                uow.conn,
                [engagement["mentor_employee_id"], engagement["mentee_employee_id"]],
            )
            await repository.release_booking(uow.conn, session["session_id"])
        held = await repository.count_held(uow.conn, engagement["engagement_id"])
        await self._emit(
            uow,
            message.envelope,
            SessionCompleted(
                engagement_id=engagement["engagement_id"],
                session_id=session["session_id"],
                sequence=session["sequence"],
                mentee_employee_id=engagement["mentee_employee_id"],
                mentor_employee_id=engagement["mentor_employee_id"],
                topic=engagement["topic"],
                reported_by=message.actor,
                completed_at=completed_at,
            ),
            actor=message.actor,
        )
        log.info(
            "session_completed",
            engagement_id=str(engagement["engagement_id"]),
            session_id=str(session["session_id"]),
            sequence=session["sequence"],
            booking_released=released,
        )
        if engagement["status"] != "open":
            # A meeting held before the engagement was cancelled: recorded, no more.
            return
        if held >= engagement["planned_meetings"]:
            await self._close(uow, message.envelope, engagement, held)
        else:
            held_on = held_at(booked_start=booked_start, reported_at=completed_at)
            await self._book_meeting(
                uow, message.envelope, engagement, held + 1, after=held_on
            )

    async def _close(
        self, uow: UnitOfWork, cause: Envelope, engagement: asyncpg.Record, held: int
    ) -> None:
        await repository.close_engagement(
            uow.conn, engagement["engagement_id"], reason_code="completed"
        )
        await self._emit(
            uow,
            cause,
            EngagementClosed(
                engagement_id=engagement["engagement_id"],
                request_id=engagement["request_id"],
                mentee_employee_id=engagement["mentee_employee_id"],
                mentor_employee_id=engagement["mentor_employee_id"],
                topic=engagement["topic"],
                sessions_held=held,
                reason_code="completed",
            ),
        )
        log.info(
            "engagement_closed",
            engagement_id=str(engagement["engagement_id"]),
            sessions_held=held,
            reason_code="completed",
        )

    async def _book_meeting(
        self,
        uow: UnitOfWork,
        cause: Envelope,
        engagement: asyncpg.Record,
        sequence: int,
        *,
        after: datetime | None,
    ) -> None:
        """Book the earliest hour free for both; the calendar locks decide races."""
        settings = self.settings
        availability = WeeklyAvailability.model_validate(engagement["availability"])
        earliest = earliest_start(
            self.now(),
            lead_time=timedelta(hours=settings.booking_lead_time_hours),
            after=after,
            gap=timedelta(days=settings.days_between_meetings),
        )
        participants = [
            engagement["mentor_employee_id"],
            engagement["mentee_employee_id"],
        ]
        await repository.lock_calendars(uow.conn, participants)
        horizon = earliest + timedelta(weeks=settings.booking_horizon_weeks, days=2)
        busy = await repository.busy_times(
            uow.conn, participants, since=earliest, until=horizon
        )
        slot = first_free_slot(
            candidate_slots(
                availability,
                not_before=earliest,
                weeks=settings.booking_horizon_weeks,
            ),
            busy,
        )
        engagement_id = engagement["engagement_id"]
        if slot is None:
            reason = no_free_hour_reason(
                earliest, availability.time_zone, settings.booking_horizon_weeks
            )
            await repository.mark_unscheduled(uow.conn, engagement_id, reason)
            await self._emit(
                uow,
                cause,
                SessionNotBooked(
                    engagement_id=engagement_id,
                    sequence=sequence,
                    mentee_employee_id=engagement["mentee_employee_id"],
                    mentor_employee_id=engagement["mentor_employee_id"],
                    topic=engagement["topic"],
                    reason_code="no_free_slot",
                    reason=reason,
                ),
            )
            log.warning(
                "meeting_not_booked",
                engagement_id=str(engagement_id),
                sequence=sequence,
                reason_code="no_free_slot",
                reason=reason,
            )
            return
        session_id = session_id_for(engagement_id, sequence)
        await repository.book_session(
            uow.conn,
            session_id=session_id,
            engagement=engagement,
            sequence=sequence,
            slot=slot,
        )
        await self._emit(
            uow,
            cause,
            SessionScheduled(
                engagement_id=engagement_id,
                session_id=session_id,
                sequence=sequence,
                mentee_employee_id=engagement["mentee_employee_id"],
                mentor_employee_id=engagement["mentor_employee_id"],
                topic=engagement["topic"],
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                time_zone=availability.time_zone,
                meeting_format=engagement["meeting_format"],
            ),
        )
        log.info(
            "session_scheduled",
            engagement_id=str(engagement_id),
            session_id=str(session_id),
            sequence=sequence,
            starts_at=slot.starts_at.isoformat(),
        )

    async def _emit(
        self, uow: UnitOfWork, cause: Envelope, payload, actor: str | None = None
    ) -> None:
        await emit_about_engagement(uow, self.topics, payload, cause=cause, actor=actor)
