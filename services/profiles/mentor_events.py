"""Publishing profiles' decisions about one mentor, keyed by their employee id."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from shared.envelope import Envelope, new_event
from shared.platform.db import UnitOfWork

SERVICE = "profiles"


async def emit_about(
    uow: UnitOfWork,
    topic: str,
    payload: BaseModel,
    *,
    employee_id: str,
    cause: Envelope | None = None,
    correlation_id: uuid.UUID | None = None,
) -> None:
    """Write ``payload`` to the outbox in the caller's transaction."""
    await uow.emit(
        topic,
        new_event(
            payload,
            subject=employee_id,
            producer=SERVICE,
            cause=cause,
            correlation_id=correlation_id,
        ),
    )
