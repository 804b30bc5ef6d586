"""Erasing notifications' copy of a person once profiles erased their data."""

from __future__ import annotations

import structlog

from services.notifications.adapters import repository
from services.notifications.domain.erasure import (
    ERASED_REASON,
    without_authored_text,
)
from services.notifications.outcomes import delivery_failed, emit_outcome
from shared.contracts.profiles import FacultyDataErased, erased_identity
from shared.contracts.topics import Topics
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class ContactEraser:
    def __init__(self, topics: Topics) -> None:
        self.topics = topics

    async def erase_person(self, uow: UnitOfWork, message: Inbound) -> None:
        """Placeholders for name and address, their words blanked, no more letters."""
        erased: FacultyDataErased = message.payload
        employee_id = erased.employee_id
        await repository.erase_contact(
            uow.conn, employee_id, erased_identity(employee_id)
        )
        stored = await repository.messages_mentioning(uow.conn, employee_id)
        for row in stored:
            await repository.replace_facts(
                uow.conn, row["message_id"], without_authored_text(row["facts"])
            )
        await repository.blank_errors_to(uow.conn, employee_id)
        given_up = await repository.fail_pending_to(
            uow.conn, employee_id, error=ERASED_REASON
        )
        for pending in given_up:
            await emit_outcome(
                uow,
                self.topics,
                pending,
                delivery_failed(
                    pending, attempts=pending["attempts"], reason=ERASED_REASON
                ),
            )
        log.info(
            "contact_erased",
            employee_id=employee_id,
            messages_redacted=len(stored),
            pending_given_up=len(given_up),
        )
