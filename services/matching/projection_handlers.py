"""Keeping matching's copy of faculty and mentors current, and acting on changes."""

from __future__ import annotations

import structlog

from services.matching.adapters import mentor_load, projections, requests, track_record
from services.matching.cancelling import RequestCloser
from services.matching.domain.cancellation import MENTEE_INACTIVE, MENTOR_UNAVAILABLE
from services.matching.proposing import Matchmaker
from shared.contracts.hr import EmploymentStatus
from shared.contracts.profiles import (
    FacultyProfileChanged,
    MentorApproved,
    MentorProfileChanged,
    MentorStatus,
)
from shared.contracts.scheduling import EngagementClosed, SessionCompleted
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class ProjectionHandlers:
    def __init__(self, matchmaker: Matchmaker) -> None:
        self.matchmaker = matchmaker
        self.closer = RequestCloser(matchmaker)

    async def apply_faculty_change(self, uow: UnitOfWork, message: Inbound) -> None:
        change: FacultyProfileChanged = message.payload
        if not await projections.store_faculty_if_newer(uow.conn, change):
            log.info(
                "faculty_change_stale_ignored",
                employee_id=change.employee_id,
                record_version=change.record_version,
            )
            return
        log.info(
            "faculty_change_applied",
            employee_id=change.employee_id,
            record_version=change.record_version,
        )
        if change.employment_status is not EmploymentStatus.ACTIVE:
            await self.close_requests_of_inactive_mentee(uow, change, message)

    async def close_requests_of_inactive_mentee(
        self, uow: UnitOfWork, change: FacultyProfileChanged, message: Inbound
    ) -> None:
        """Separated or on leave: every open request of theirs is cancelled."""
        freed: list[str] = []
        for request_id in await requests.open_requests_of(uow.conn, change.employee_id):
            freed += (
                await self.closer.cancel(
                    uow, request_id, MENTEE_INACTIVE, cause=message.envelope
                )
                or []
            )
        await self.matchmaker.retry_waiting(uow, freed, cause=message.envelope)

    async def count_completed_session(self, uow: UnitOfWork, message: Inbound) -> None:
        """A session held adds to the mentor's track record, once per session."""
        completed: SessionCompleted = message.payload
        sessions = await track_record.count_completed_session(
            uow.conn,
            session_id=completed.session_id,
            mentor=completed.mentor_employee_id,
            completed_at=completed.completed_at,
        )
        if sessions is not None:
            log.info(
                "mentor_session_counted",
                mentor_employee_id=completed.mentor_employee_id,
                session_id=str(completed.session_id),
                sessions_completed=sessions,
            )

    async def apply_mentor_profile(self, uow: UnitOfWork, message: Inbound) -> None:
        """An approval, a restoration or a changed profile: store what is offered."""
        mentor: MentorApproved = message.payload
        active = not (
            isinstance(mentor, MentorProfileChanged)
            and mentor.status is MentorStatus.PAUSED
        )
        await projections.store_mentor_profile(uow.conn, mentor, active=active)
        log.info(
            "mentor_profile_stored",
            employee_id=mentor.employee_id,
            event_type=message.event_type,
            active=active,
            topics=len(mentor.topics),
            max_mentees=mentor.max_mentees,
        )
        if active:
            await self.matchmaker.retry_waiting(
                uow, list(mentor.topics), cause=message.envelope
            )

    async def pause_mentor(self, uow: UnitOfWork, message: Inbound) -> None:
        """No new proposals; proposals already made stay answerable."""
        employee_id = message.payload.employee_id
        if await projections.set_mentor_active(uow.conn, employee_id, active=False):
            log.info("mentor_paused", employee_id=employee_id)

    async def resume_mentor(self, uow: UnitOfWork, message: Inbound) -> None:
        employee_id = message.payload.employee_id
        topics = await projections.set_mentor_active(uow.conn, employee_id, active=True)
        if topics is None:
            return
        log.info("mentor_resumed", employee_id=employee_id)
        await self.matchmaker.retry_waiting(uow, topics, cause=message.envelope)

    async def retire_mentor(self, uow: UnitOfWork, message: Inbound) -> None:
        """Deactivated by HR or withdrawn: proposals move on, matches are called off."""
        employee_id = message.payload.employee_id
        await projections.set_mentor_active(uow.conn, employee_id, active=False)
        open_proposals = await requests.open_proposals_of(uow.conn, employee_id)
        matched = await requests.matched_requests_of_mentor(uow.conn, employee_id)
        log.info(
            "mentor_retired",
            employee_id=employee_id,
            event_type=message.event_type,
            open_proposals=len(open_proposals),
            matched_requests=len(matched),
        )
        for proposal_id in open_proposals:
            proposal = await requests.lock_proposal(uow.conn, proposal_id)
            if proposal["status"] == "open":
                await self.matchmaker.withdraw_unanswered(
                    uow, proposal, "withdrawn", cause=message.envelope
                )
        for request_id in matched:
            # The slots freed are the retired mentor's own, so no waiting
            # request can use them: there is nothing to retry.
            await self.closer.cancel(
                uow, request_id, MENTOR_UNAVAILABLE, cause=message.envelope
            )

    async def free_engagement_slot(self, uow: UnitOfWork, message: Inbound) -> None:
        closed: EngagementClosed = message.payload
        request = await requests.get_request(uow.conn, closed.request_id, lock=True)
        if request is not None and request["status"] == "cancelled":
            # The slot was released when the request was cancelled.
            log.info(
                "engagement_closed_after_cancel", request_id=str(closed.request_id)
            )
            return
        if request is None or request["status"] != "matched":
            # Closing twice, or an engagement matching never made: nothing to free.
            log.warning(
                "engagement_close_ignored",
                request_id=str(closed.request_id),
                status=request["status"] if request else None,
            )
            return
        mentor = await requests.accepted_mentor(uow.conn, closed.request_id)
        await requests.set_request_status(uow.conn, closed.request_id, "completed")
        freed_topics = await mentor_load.release_slot(uow.conn, mentor)
        log.info(
            "engagement_slot_freed",
            request_id=str(closed.request_id),
            mentor_employee_id=mentor,
            sessions_held=closed.sessions_held,
        )
        await self.matchmaker.retry_waiting(uow, freed_topics, cause=message.envelope)
