"""A mentor's own changes: profile updates, pauses, resumptions, withdrawal."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import structlog

from services.profiles.adapters import mentors, repository, timers
from services.profiles.domain.lifecycle import (
    MentorStatus,
    Refusal,
    change_refusal,
    resume_date_refusal,
    resume_due_at,
)
from services.profiles.domain.profile_update import updated_profile
from services.profiles.domain.volunteering import unknown_topic_problem
from services.profiles.mentor_events import emit_about
from services.profiles.settings import ProfilesSettings
from shared.contracts.catalogue import topic_catalogue
from shared.contracts.profiles import (
    MentorChangeRejected,
    MentorPaused,
    MentorPauseRequested,
    MentorProfileChanged,
    MentorProfileUpdated,
    MentorResumed,
    MentorWithdrawn,
    RequestedChange,
    ResumeTrigger,
)
from shared.contracts.topics import Topics
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class MentorLifecycleHandlers:
    def __init__(self, settings: ProfilesSettings, topics: Topics) -> None:
        self.settings = settings
        self.topics = topics
        self.catalogue = topic_catalogue(settings.extra_topic_areas)

    async def update_profile(self, uow: UnitOfWork, message: Inbound) -> None:
        update: MentorProfileUpdated = message.payload
        change = RequestedChange.UPDATE_PROFILE
        mentor = await self._mentor_allowed(uow, message, change)
        if mentor is None:
            return
        problem = unknown_topic_problem(update.topics or (), self.catalogue)
        if problem is not None:
            await self._reject(uow, message, change, Refusal(*problem))
            return
        profile = updated_profile(mentor["profile"], update)
        await mentors.save_profile(
            uow.conn, update.employee_id, profile=profile.model_dump(mode="json")
        )
        status = MentorStatus(mentor["status"])
        changed = MentorProfileChanged(**profile.model_dump(), status=status.listed_as)
        await self._emit(uow, message, changed)
        log.info(
            "mentor_profile_changed",
            employee_id=update.employee_id,
            fields=sorted(update.changes()),
        )

    async def pause(self, uow: UnitOfWork, message: Inbound) -> None:
        request: MentorPauseRequested = message.payload
        change = RequestedChange.PAUSE
        mentor = await self._mentor_allowed(uow, message, change)
        if mentor is None:
            return
        time_zone = mentor["profile"]["availability"]["time_zone"]
        refusal = resume_date_refusal(
            request.resume_on,
            now=datetime.now(UTC),
            time_zone=time_zone,
            max_days=self.settings.mentor_max_pause_days,
        )
        if refusal is not None:
            await self._reject(uow, message, change, refusal)
            return
        await mentors.set_status(
            uow.conn, request.employee_id, status="paused", reason_code="paused"
        )
        if request.resume_on is not None:
            due_at = resume_due_at(request.resume_on, time_zone)
            await timers.schedule_resume(uow.conn, request.employee_id, due_at=due_at)
        paused = MentorPaused(
            employee_id=request.employee_id, resume_on=request.resume_on
        )
        await self._emit(uow, message, paused)
        log.info(
            "mentor_paused",
            employee_id=request.employee_id,
            resume_on=request.resume_on and request.resume_on.isoformat(),
        )

    async def resume(self, uow: UnitOfWork, message: Inbound) -> None:
        employee_id = message.payload.employee_id
        if await self._mentor_allowed(uow, message, RequestedChange.RESUME) is None:
            return
        await mentors.set_status(
            uow.conn, employee_id, status="approved", reason_code="resumed"
        )
        await timers.cancel_resume(uow.conn, employee_id)
        resumed = MentorResumed(
            employee_id=employee_id, resumed_by=ResumeTrigger.MENTOR
        )
        await self._emit(uow, message, resumed)
        log.info("mentor_resumed", employee_id=employee_id, resumed_by="mentor")

    async def withdraw(self, uow: UnitOfWork, message: Inbound) -> None:
        employee_id = message.payload.employee_id
        if await self._mentor_allowed(uow, message, RequestedChange.WITHDRAW) is None:
            return
        await mentors.set_status(
            uow.conn, employee_id, status="withdrawn", reason_code="withdrawn"
        )
        await timers.cancel_resume(uow.conn, employee_id)
        await self._emit(uow, message, MentorWithdrawn(employee_id=employee_id))
        log.info("mentor_withdrawn", employee_id=employee_id)

    async def _mentor_allowed(
        self, uow: UnitOfWork, message: Inbound, change: RequestedChange
    ) -> asyncpg.Record | None:
        """The locked mentor row when ``change`` fits; otherwise reject and None."""
        employee_id = message.payload.employee_id
        mentor = await repository.get_mentor(uow.conn, employee_id)
        refusal = change_refusal(
            change,
            status=MentorStatus(mentor["status"]) if mentor else None,
            actor=message.actor,
            employee_id=employee_id,
        )
        if refusal is None:
            return mentor
        await self._reject(uow, message, change, refusal)
        return None

    async def _reject(
        self,
        uow: UnitOfWork,
        message: Inbound,
        change: RequestedChange,
        refusal: Refusal,
    ) -> None:
        employee_id = message.payload.employee_id
        rejected = MentorChangeRejected(
            employee_id=employee_id,
            requested_change=change,
            reason_code=refusal.reason_code,
            reason=refusal.reason,
        )
        await self._emit(uow, message, rejected)
        log.info(
            "mentor_change_rejected",
            employee_id=employee_id,
            requested_change=change.value,
            reason_code=refusal.reason_code,
        )

    async def _emit(self, uow: UnitOfWork, message: Inbound, payload) -> None:
        await emit_about(
            uow,
            self.topics.mentors,
            payload,
            employee_id=message.payload.employee_id,
            cause=message.envelope,
        )
