"""Listing paused mentors again on the day they chose to resume."""

from __future__ import annotations

import structlog

from services.profiles.adapters import mentors, repository, timers
from services.profiles.domain.lifecycle import MentorStatus
from services.profiles.mentor_events import emit_about
from services.profiles.settings import ProfilesSettings
from shared.contracts.profiles import MentorResumed, ResumeTrigger
from shared.platform.polling import poll_forever
from shared.platform.runtime import ServiceContext

log = structlog.get_logger(__name__)


async def resume_due_mentors(ctx: ServiceContext) -> int:
    """Resume every mentor whose pause has ended; returns how many timers fired."""
    settings: ProfilesSettings = ctx.settings
    async with ctx.db.unit_of_work() as uow:
        due = await timers.claim_due_resumes(uow.conn, limit=settings.poll_batch_size)
        for employee_id in due:
            mentor = await repository.get_mentor(uow.conn, employee_id)
            # A mentor who resumed, withdrew or was deactivated meanwhile stays so.
            if mentor is None or mentor["status"] != MentorStatus.PAUSED:
                continue
            await mentors.set_status(
                uow.conn, employee_id, status="approved", reason_code="resumed"
            )
            resumed = MentorResumed(
                employee_id=employee_id, resumed_by=ResumeTrigger.SCHEDULE
            )
            await emit_about(uow, ctx.topics.mentors, resumed, employee_id=employee_id)
            log.info("mentor_resumed", employee_id=employee_id, resumed_by="schedule")
    return len(due)


async def resume_paused_mentors(ctx: ServiceContext) -> None:
    """Background task: fire due resume timers until the service stops."""
    settings: ProfilesSettings = ctx.settings
    await poll_forever(
        lambda: resume_due_mentors(ctx),
        task="resume_paused_mentors",
        interval_s=settings.resume_poll_interval_s,
        batch_size=settings.poll_batch_size,
        initial_backoff_s=settings.retry_initial_backoff_s,
        max_backoff_s=settings.retry_max_backoff_s,
        stopping=ctx.stopping,
    )
