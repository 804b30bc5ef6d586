"""Notifications' reactions: keep contacts current, record the letters to send."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog

from services.notifications.adapters import repository
from services.notifications.domain.recipients import addressees
from services.notifications.settings import NotificationsSettings
from shared.contracts.profiles import FacultyProfileChanged
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class NotificationsHandlers:
    def __init__(self, settings: NotificationsSettings) -> None:
        self.settings = settings

    async def update_contact(self, uow: UnitOfWork, message: Inbound) -> None:
        profile: FacultyProfileChanged = message.payload
        if not await repository.store_contact_if_newer(uow.conn, profile):
            log.info(
                "contact_stale_ignored",
                employee_id=profile.employee_id,
                record_version=profile.record_version,
            )
            return
        log.info(
            "contact_updated",
            employee_id=profile.employee_id,
            record_version=profile.record_version,
        )

    async def record_letters(self, uow: UnitOfWork, message: Inbound) -> None:
        """One pending message per person the event concerns, sent by the dispatcher."""
        event_id = uuid.UUID(message.message_id)
        facts = message.payload.model_dump(mode="json")
        deadline = datetime.now(UTC) + timedelta(hours=self.settings.contact_wait_hours)
        recorded = 0
        for letter in addressees(event_id, message.event_type, facts):
            recorded += await repository.record_message(
                uow.conn,
                letter,
                source_event_id=event_id,
                source_event_type=message.event_type,
                facts=facts,
                contact_deadline_at=deadline,
            )
        log.info("emails_queued", source_event_type=message.event_type, count=recorded)
