"""Matching's reaction to a mentee cancelling their request."""

from __future__ import annotations

import structlog

from services.matching.adapters import requests
from services.matching.cancelling import RequestCloser
from services.matching.domain.cancellation import (
    MENTEE_CANCELLED,
    RequestState,
    cancellation_problem,
)
from services.matching.domain.requests import Rejection
from services.matching.proposing import SERVICE, Matchmaker
from shared.contracts.matching import (
    RequestCancellationRejected,
    RequestCancellationSubmitted,
)
from shared.envelope import new_event
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class CancellationHandlers:
    def __init__(self, matchmaker: Matchmaker) -> None:
        self.matchmaker = matchmaker
        self.closer = RequestCloser(matchmaker)

    async def cancel_request(self, uow: UnitOfWork, message: Inbound) -> None:
        submitted: RequestCancellationSubmitted = message.payload
        problem = await self._problem(uow, message)
        freed = None
        if problem is None:
            freed = await self.closer.cancel(
                uow,
                submitted.request_id,
                MENTEE_CANCELLED,
                mentee_reason=submitted.reason,
                cause=message.envelope,
            )
            if freed is None:
                # Closed by another transaction between the first read and the lock.
                problem = await self._problem(uow, message)
        if problem is not None:
            await self._reject(uow, message, *problem)
            return
        await self.matchmaker.retry_waiting(uow, freed, cause=message.envelope)

    async def _problem(self, uow: UnitOfWork, message: Inbound) -> Rejection | None:
        submitted: RequestCancellationSubmitted = message.payload
        request = await requests.get_request(uow.conn, submitted.request_id)
        return cancellation_problem(
            RequestState(request["mentee_employee_id"], request["status"])
            if request
            else None,
            mentee=submitted.mentee_employee_id,
            actor=message.actor,
        )

    async def _reject(
        self, uow: UnitOfWork, message: Inbound, reason_code: str, reason: str
    ) -> None:
        submitted: RequestCancellationSubmitted = message.payload
        await uow.emit(
            self.matchmaker.topics.matching,
            new_event(
                RequestCancellationRejected(
                    request_id=submitted.request_id,
                    mentee_employee_id=submitted.mentee_employee_id,
                    actor=message.actor,
                    reason_code=reason_code,
                    reason=reason,
                ),
                subject=str(submitted.request_id),
                producer=SERVICE,
                cause=message.envelope,
            ),
        )
        log.warning(
            "request_cancellation_rejected",
            request_id=str(submitted.request_id),
            actor=message.actor,
            reason_code=reason_code,
        )
