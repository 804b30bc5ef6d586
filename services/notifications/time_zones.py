"""Keeping each mentor's time zone, from the profile events that carry it."""

from __future__ import annotations

import structlog

from services.notifications.adapters import time_zones
from shared.contracts.profiles import MentorApproved
from shared.platform.consumer import Handler
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)

# Each carries the mentor's whole profile, availability included.
MENTOR_PROFILE_EVENTS = ("MentorApproved", "MentorProfileChanged", "MentorRestored")


async def remember_time_zone(uow: UnitOfWork, message: Inbound) -> None:
    """Store the time zone of the mentor's availability."""
    profile: MentorApproved = message.payload
    await time_zones.store_time_zone(
        uow.conn, profile.employee_id, profile.availability.time_zone
    )
    log.info("mentor_time_zone_stored", employee_id=profile.employee_id)


def also_remembering_time_zone(handler: Handler | None) -> Handler:
    """``handler`` (if any), after the mentor's time zone is stored in the same step."""

    async def both(uow: UnitOfWork, message: Inbound) -> None:
        await remember_time_zone(uow, message)
        if handler is not None:
            await handler(uow, message)

    return both
