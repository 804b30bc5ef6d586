"""Asking the best remaining mentor for a request, or putting it on the waitlist."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from services.matching.adapters import mentor_load, projections, requests
from services.matching.domain.ranking import Candidate, rationale, score
from services.matching.settings import MatchingSettings
from shared.contracts.matching import MatchProposed, RequestWaitlisted
from shared.contracts.topics import Topics
from shared.envelope import Envelope, new_event
from shared.platform.db import UnitOfWork

log = structlog.get_logger(__name__)

SERVICE = "matching"
CANDIDATE_BATCH = 5


class Matchmaker:
    def __init__(self, settings: MatchingSettings, topics: Topics) -> None:
        self.settings = settings
        self.topics = topics

    def event(
        self, payload, request: asyncpg.Record, cause: Envelope | None
    ) -> Envelope:
        """An event about ``request``, keyed by it and in its correlation."""
        return new_event(
            payload,
            subject=str(request["request_id"]),
            producer=SERVICE,
            cause=cause,
            correlation_id=request["correlation_id"],
        )

    async def propose_or_waitlist(
        self, uow: UnitOfWork, request: asyncpg.Record, *, cause: Envelope | None
    ) -> None:
        """Propose the next mentor; announce the waitlist if nobody can be asked."""
        if await self.propose_next_mentor(uow, request, cause=cause):
            return
        if request["status"] == "waiting":
            return
        await requests.set_request_status(uow.conn, request["request_id"], "waiting")
        await uow.emit(
            self.topics.matching,
            self.event(
                RequestWaitlisted(
                    request_id=request["request_id"],
                    mentee_employee_id=request["mentee_employee_id"],
                    topic=request["topic"],
                    reason_code="no_mentor_available",
                    reason=(
                        "no mentor for this topic can take a mentee now; the request"
                        " will be proposed as soon as one can"
                    ),
                ),
                request,
                cause,
            ),
        )
        log.info(
            "request_waitlisted",
            request_id=str(request["request_id"]),
            topic=request["topic"],
        )

    async def propose_next_mentor(
        self, uow: UnitOfWork, request: asyncpg.Record, *, cause: Envelope | None
    ) -> bool:
        """Book a slot with the best candidate not yet asked; False if none has one."""
        mentee = await projections.get_faculty(uow.conn, request["mentee_employee_id"])
        tried: list[str] = []
        while True:
            rows = await mentor_load.find_candidates(
                uow.conn,
                request=request,
                mentee_department=mentee["department"] if mentee else "",
                supervisor=mentee["supervisor_employee_id"] if mentee else None,
                excluded=tried,
                limit=CANDIDATE_BATCH,
            )
            if not rows:
                return False
            for row in rows:
                # Another transaction may have taken the last slot since the query.
                if await mentor_load.reserve_slot(uow.conn, row["employee_id"]):
                    await self._propose(uow, request, Candidate(**dict(row)), cause)
                    return True
                tried.append(row["employee_id"])

    async def _propose(
        self,
        uow: UnitOfWork,
        request: asyncpg.Record,
        candidate: Candidate,
        cause: Envelope | None,
    ) -> None:
        now = datetime.now(UTC)
        proposal_id = uuid.uuid4()
        expires_at = now + timedelta(hours=self.settings.proposal_expiry_hours)
        proposed = {
            "score": score(candidate, now=now),
            "rationale": rationale(candidate, now=now),
        }
        attempt = await requests.record_proposal(
            uow.conn,
            proposal_id=proposal_id,
            request_id=request["request_id"],
            mentor=candidate.employee_id,
            expires_at=expires_at,
            **proposed,
        )
        await uow.emit(
            self.topics.matching,
            self.event(
                MatchProposed(
                    request_id=request["request_id"],
                    proposal_id=proposal_id,
                    mentee_employee_id=request["mentee_employee_id"],
                    mentor_employee_id=candidate.employee_id,
                    topic=request["topic"],
                    need_statement=request["need_statement"],
                    meetings=request["meetings"],
                    attempt=attempt,
                    expires_at=expires_at,
                    **proposed,
                ),
                request,
                cause,
            ),
        )
        log.info(
            "match_proposed",
            request_id=str(request["request_id"]),
            proposal_id=str(proposal_id),
            mentor_employee_id=candidate.employee_id,
            attempt=attempt,
            score=proposed["score"],
        )

    async def retry_waiting(
        self, uow: UnitOfWork, topics: list[str], *, cause: Envelope | None
    ) -> None:
        """Give waiting requests on ``topics`` another chance, oldest first."""
        if not topics:
            return
        waiting = await requests.waiting_requests(
            uow.conn, topics, limit=self.settings.waitlist_retry_limit
        )
        for request in waiting:
            await self.propose_next_mentor(uow, request, cause=cause)

    async def withdraw_unanswered(
        self,
        uow: UnitOfWork,
        proposal: asyncpg.Record,
        status: str,
        *,
        cause: Envelope | None,
    ) -> None:
        """Close an open proposal without a match, free the slot, move on."""
        await requests.close_proposal(uow.conn, proposal["proposal_id"], status)
        freed_topics = await mentor_load.release_slot(
            uow.conn, proposal["mentor_employee_id"]
        )
        request = await requests.get_request(
            uow.conn, proposal["request_id"], lock=True
        )
        await self.propose_or_waitlist(uow, request, cause=cause)
        await self.retry_waiting(uow, freed_topics, cause=cause)
