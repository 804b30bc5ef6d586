"""Operator actions on letters, served over the service's own HTTP port."""

from __future__ import annotations

import structlog
from fastapi import APIRouter
from pydantic import BaseModel, Field

from services.notifications.adapters import repository
from shared.contracts.common import EmployeeId
from shared.platform.runtime import ServiceContext

log = structlog.get_logger(__name__)


class ResendFailed(BaseModel):
    recipient_employee_id: EmployeeId | None = Field(
        default=None,
        description="Only this person's failed letters; all when left out.",
    )


class Requeued(BaseModel):
    requeued: int = Field(description="Failed letters put back in the queue.")


def letters_router(ctx: ServiceContext) -> APIRouter:
    router = APIRouter(prefix="/v1/letters", tags=["operations"])

    @router.post(
        "/resend-failed",
        summary="Send failed letters again",
        description=(
            "After the mail relay was out longer than the retries last (about a"
            " day by default), or an address arrived late: every failed letter,"
            " or one person's, goes back in the queue with its full number of"
            " tries. The same Message-ID is used, so mail clients file a copy"
            " that did arrive as the same letter."
        ),
    )
    async def resend_failed(body: ResendFailed | None = None) -> Requeued:
        who = body.recipient_employee_id if body else None
        async with ctx.db.pool.acquire() as conn:
            count = await repository.requeue_failed(
                conn,
                recipient_employee_id=who,
                contact_wait_hours=ctx.settings.contact_wait_hours,
            )
        log.info("failed_letters_requeued", count=count, recipient_employee_id=who)
        return Requeued(requeued=count)

    return router
