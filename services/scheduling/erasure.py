"""Erasing what a person wrote once profiles erased their personal data."""

from __future__ import annotations

import structlog

from services.scheduling.adapters import repository
from shared.contracts.profiles import FacultyDataErased
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


async def erase_notes_of_person(uow: UnitOfWork, message: Inbound) -> None:
    """Blank the person's feedback notes; scheduling keeps only employee ids else."""
    erased: FacultyDataErased = message.payload
    blanked = await repository.erase_notes_by(uow.conn, erased.employee_id)
    log.info("feedback_notes_erased", employee_id=erased.employee_id, notes=blanked)
