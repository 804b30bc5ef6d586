"""Erasing separated faculty's personal data once the retention period ends."""

from __future__ import annotations

import structlog

from services.profiles.adapters import erasure
from services.profiles.mentor_events import emit_about
from services.profiles.settings import ProfilesSettings
from shared.contracts.profiles import FacultyDataErased, erased_identity
from shared.platform.polling import poll_forever
from shared.platform.runtime import ServiceContext

log = structlog.get_logger(__name__)


async def erase_expired_people(ctx: ServiceContext) -> int:
    """Erase one batch of people kept past retention; returns how many."""
    settings: ProfilesSettings = ctx.settings
    async with ctx.db.unit_of_work() as uow:
        expired = await erasure.claim_expired(
            uow.conn,
            retention_days=settings.separated_retention_days,
            limit=settings.poll_batch_size,
        )
        for row in expired:
            employee_id = row["employee_id"]
            await erasure.erase(
                uow.conn,
                employee_id,
                record_version=row["record_version"],
                identity=erased_identity(employee_id),
            )
            await emit_about(
                uow,
                ctx.topics.faculty,
                FacultyDataErased(employee_id=employee_id),
                employee_id=employee_id,
            )
            log.info("faculty_data_erased", employee_id=employee_id)
    return len(expired)


async def erase_expired_faculty_data(ctx: ServiceContext) -> None:
    """Background task: erase personal data past retention until the service stops."""
    settings: ProfilesSettings = ctx.settings
    await poll_forever(
        lambda: erase_expired_people(ctx),
        task="erase_expired_faculty_data",
        interval_s=settings.erasure_poll_interval_s,
        batch_size=settings.poll_batch_size,
        initial_backoff_s=settings.retry_initial_backoff_s,
        max_backoff_s=settings.retry_max_backoff_s,
        stopping=ctx.stopping,
    )
