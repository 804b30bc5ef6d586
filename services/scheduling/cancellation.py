"""Closing an engagement whose request was cancelled: meetings off, hours freed."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import structlog

from services.scheduling.adapters import repository
from services.scheduling.domain.cancellation import CANCELLED, sessions_to_call_off
from services.scheduling.domain.engagements import engagement_id_for
from services.scheduling.events import emit_about_engagement
from shared.contracts.common import WeeklyAvailability
from shared.contracts.matching import RequestCancelled
from shared.contracts.scheduling import EngagementClosed, SessionCancelled
from shared.contracts.topics import Topics
from shared.envelope import Envelope
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class EngagementCanceller:
    def __init__(self, topics: Topics) -> None:
        self.topics = topics

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def close_cancelled_engagement(
        self, uow: UnitOfWork, message: Inbound
    ) -> None:
        """Call off the engagement's future meetings and close it as cancelled."""
        cancelled: RequestCancelled = message.payload
        engagement_id = engagement_id_for(cancelled.request_id)
        engagement = await repository.get_engagement(uow.conn, engagement_id)
        if engagement is None or engagement["status"] != "open":
            log.info(
                "cancellation_without_open_engagement",
                request_id=str(cancelled.request_id),
                engagement_status=engagement["status"] if engagement else None,
            )
            return
        await repository.lock_calendars(
            uow.conn,
            [engagement["mentor_employee_id"], engagement["mentee_employee_id"]],
        )
        sessions = await repository.sessions_of(uow.conn, engagement_id)
        called_off = sessions_to_call_off(sessions, now=self.now())
        for session in called_off:
            await repository.cancel_session(uow.conn, session["session_id"])
            await self._announce_session_cancelled(
                uow, message.envelope, engagement, session, cancelled
            )
        await repository.close_engagement(
            uow.conn, engagement_id, reason_code=CANCELLED
        )
        await emit_about_engagement(
            uow,
            self.topics,
            EngagementClosed(
                engagement_id=engagement_id,
                request_id=engagement["request_id"],
                mentee_employee_id=engagement["mentee_employee_id"],
                mentor_employee_id=engagement["mentor_employee_id"],
                topic=engagement["topic"],
                sessions_held=engagement["sessions_held"],
                reason_code=CANCELLED,
            ),
            cause=message.envelope,
        )
        log.info(
            "engagement_closed",
            engagement_id=str(engagement_id),
            sessions_held=engagement["sessions_held"],
            sessions_cancelled=len(called_off),
            reason_code=CANCELLED,
            request_reason_code=cancelled.reason_code,
        )

    async def _announce_session_cancelled(
        self,
        uow: UnitOfWork,
        cause: Envelope | None,
        engagement: asyncpg.Record,
        session: asyncpg.Record,
        cancelled: RequestCancelled,
    ) -> None:
        availability = WeeklyAvailability.model_validate(engagement["availability"])
        await emit_about_engagement(
            uow,
            self.topics,
            SessionCancelled(
                engagement_id=engagement["engagement_id"],
                session_id=session["session_id"],
                sequence=session["sequence"],
                mentee_employee_id=engagement["mentee_employee_id"],
                mentor_employee_id=engagement["mentor_employee_id"],
                topic=engagement["topic"],
                starts_at=session["starts_at"],
                ends_at=session["ends_at"],
                time_zone=availability.time_zone,
                reason_code=cancelled.reason_code,
                reason=cancelled.reason,
            ),
            cause=cause,
        )
