"""Publishing what became of each e-mail, keyed by the message."""

from __future__ import annotations

import uuid

import asyncpg
from pydantic import BaseModel

from shared.contracts.notifications import EmailDeliveryFailed
from shared.contracts.topics import Topics
from shared.envelope import new_event
from shared.platform.db import UnitOfWork

SERVICE = "notifications"


async def emit_outcome(
    uow: UnitOfWork, topics: Topics, message: asyncpg.Record, payload: BaseModel
) -> None:
    """Queue a delivery event in the current transaction."""
    await uow.emit(
        topics.deliveries,
        new_event(
            payload,
            subject=str(message["message_id"]),
            producer=SERVICE,
            correlation_id=uuid.uuid5(message["source_event_id"], "delivery"),
        ),
    )


def delivery_failed(
    message: asyncpg.Record, *, attempts: int, reason: str
) -> EmailDeliveryFailed:
    return EmailDeliveryFailed(
        message_id=message["message_id"],
        recipient_employee_id=message["recipient_employee_id"],
        template=message["template"],
        source_event_id=message["source_event_id"],
        attempts=attempts,
        reason=reason,
    )
