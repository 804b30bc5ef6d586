"""Publishing scheduling's events, keyed by engagement, through the outbox."""

from __future__ import annotations

from pydantic import BaseModel

from shared.contracts.topics import Topics
from shared.envelope import Envelope, new_event
from shared.platform.db import UnitOfWork

SERVICE = "scheduling"


async def emit_about_engagement(
    uow: UnitOfWork,
    topics: Topics,
    payload: BaseModel,
    *,
    cause: Envelope | None,
    actor: str | None = None,
) -> None:
    """Queue an engagement event in the current transaction."""
    await uow.emit(
        topics.engagements,
        new_event(
            payload,
            subject=str(payload.engagement_id),
            producer=SERVICE,
            cause=cause,
            actor=actor,
        ),
    )
