"""Keeping count of each mentor's open engagements from scheduling's events."""

from __future__ import annotations

import structlog

from services.profiles.adapters import engagements
from shared.contracts.scheduling import EngagementClosed, EngagementOpened
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


async def count_engagement_opened(uow: UnitOfWork, message: Inbound) -> None:
    """An opened engagement takes one of the mentor's places."""
    opened: EngagementOpened = message.payload
    await engagements.record_opened(
        uow.conn, opened.engagement_id, opened.mentor_employee_id
    )
    log.info(
        "mentor_engagement_opened",
        engagement_id=str(opened.engagement_id),
        employee_id=opened.mentor_employee_id,
    )


async def count_engagement_closed(uow: UnitOfWork, message: Inbound) -> None:
    """A closed engagement frees the mentor's place again."""
    closed: EngagementClosed = message.payload
    await engagements.record_closed(
        uow.conn, closed.engagement_id, closed.mentor_employee_id
    )
    log.info(
        "mentor_engagement_closed",
        engagement_id=str(closed.engagement_id),
        employee_id=closed.mentor_employee_id,
    )
