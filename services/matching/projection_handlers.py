"""Keeping matching's copy of faculty and mentors current, and acting on changes."""

from __future__ import annotations

import structlog

from services.matching.adapters import mentor_load, projections, requests
from services.matching.proposing import Matchmaker
from shared.contracts.profiles import (
    FacultyProfileChanged,
    MentorApproved,
    MentorDeactivated,
)
from shared.contracts.scheduling import EngagementClosed
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class ProjectionHandlers:
    def __init__(self, matchmaker: Matchmaker) -> None:
        self.matchmaker = matchmaker

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

    async def apply_mentor_approved(self, uow: UnitOfWork, message: Inbound) -> None:
        mentor: MentorApproved = message.payload
        await projections.store_approved_mentor(uow.conn, mentor)
        log.info(
            "mentor_available",
            employee_id=mentor.employee_id,
            topics=len(mentor.topics),
            max_mentees=mentor.max_mentees,
        )
        await self.matchmaker.retry_waiting(
            uow, list(mentor.topics), cause=message.envelope
        )

    async def apply_mentor_deactivated(self, uow: UnitOfWork, message: Inbound) -> None:
        deactivated: MentorDeactivated = message.payload
        if not await projections.deactivate_mentor(uow.conn, deactivated.employee_id):
            return
        log.info(
            "mentor_unavailable",
            employee_id=deactivated.employee_id,
            reason_code=deactivated.reason_code,
        )
        # Mentees waiting on this mentor's answer are moved on to someone else.
        for proposal_id in await requests.open_proposals_of(
            uow.conn, deactivated.employee_id
        ):
            proposal = await requests.lock_proposal(uow.conn, proposal_id)
            if proposal["status"] == "open":
                await self.matchmaker.withdraw_unanswered(
                    uow, proposal, "withdrawn", cause=message.envelope
                )

    async def free_engagement_slot(self, uow: UnitOfWork, message: Inbound) -> None:
        closed: EngagementClosed = message.payload
        request = await requests.get_request(uow.conn, closed.request_id, lock=True)
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
