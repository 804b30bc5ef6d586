"""Closing an open request early: proposals withdrawn, slots released, all told."""

from __future__ import annotations

import uuid
from collections.abc import Collection

import asyncpg
import structlog

from services.matching.adapters import mentor_load, requests
from services.matching.domain.cancellation import CANCELLABLE_STATUSES
from services.matching.domain.requests import Rejection
from services.matching.proposing import Matchmaker
from shared.contracts.matching import RequestCancelled
from shared.envelope import Envelope
from shared.platform.db import UnitOfWork

log = structlog.get_logger(__name__)


class RequestCloser:
    def __init__(self, matchmaker: Matchmaker) -> None:
        self.matchmaker = matchmaker
        self.topics = matchmaker.topics

    async def cancel(
        self,
        uow: UnitOfWork,
        request_id: uuid.UUID,
        why: Rejection,
        *,
        mentee_reason: str | None = None,
        cause: Envelope | None,
    ) -> list[str] | None:
        """Cancel an open request; the topics of slots freed, or None if not open.

        The caller retries waiting requests on the freed topics once every
        request it closes is closed, so none of them is proposed again.
        """
        locked = await self._lock_open_proposals(uow.conn, request_id)
        request = await requests.get_request(uow.conn, request_id, lock=True)
        if request is None or request["status"] not in CANCELLABLE_STATUSES:
            return None
        # Proposals are made under the request's lock: none can appear from now on.
        locked += await self._lock_open_proposals(
            uow.conn, request_id, skip={row["proposal_id"] for row in locked}
        )
        freed: list[str] = []
        for proposal in locked:
            if proposal["status"] == "open":
                freed += await self._withdraw(uow, request, proposal, why, cause)
        matched_mentor = None
        if request["status"] == "matched":
            matched_mentor = await requests.accepted_mentor(uow.conn, request_id)
            freed += await mentor_load.release_slot(uow.conn, matched_mentor)
        reason_code, reason = why
        await requests.set_request_status(
            uow.conn, request_id, "cancelled", reason_code=reason_code
        )
        await uow.emit(
            self.topics.matching,
            self.matchmaker.event(
                RequestCancelled(
                    request_id=request_id,
                    mentee_employee_id=request["mentee_employee_id"],
                    topic=request["topic"],
                    matched_mentor_employee_id=matched_mentor,
                    reason_code=reason_code,
                    reason=reason,
                    mentee_reason=mentee_reason,
                ),
                request,
                cause,
            ),
        )
        log.info(
            "request_cancelled",
            request_id=str(request_id),
            previous_status=request["status"],
            reason_code=why[0],
        )
        return freed

    async def _lock_open_proposals(
        self,
        conn: asyncpg.Connection,
        request_id: uuid.UUID,
        *,
        skip: Collection[uuid.UUID] = (),
    ) -> list[asyncpg.Record]:
        """Lock in the order the expiry poller and answers use: timer, proposal."""
        locked = []
        for proposal_id in await requests.open_proposals_for(conn, request_id):
            if proposal_id not in skip:
                locked.append(await requests.lock_proposal(conn, proposal_id))
        return locked

    async def _withdraw(
        self,
        uow: UnitOfWork,
        request: asyncpg.Record,
        proposal: asyncpg.Record,
        why: Rejection,
        cause: Envelope | None,
    ) -> list[str]:
        mentor = proposal["mentor_employee_id"]
        await requests.close_proposal(uow.conn, proposal["proposal_id"], "withdrawn")
        freed = await mentor_load.release_slot(uow.conn, mentor)
        await self.matchmaker.announce_withdrawn(uow, request, proposal, why, cause)
        log.info(
            "proposal_withdrawn",
            request_id=str(request["request_id"]),
            proposal_id=str(proposal["proposal_id"]),
            mentor_employee_id=mentor,
            reason_code=why[0],
        )
        return freed
