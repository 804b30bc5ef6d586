"""Asking the best remaining mentor for a request, or putting it on the waitlist."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog

from services.matching.adapters import mentor_load, projections, requests
from services.matching.domain.ranking import FACTORS, Candidate, rationale
from services.matching.domain.requests import Rejection
from services.matching.settings import MatchingSettings
from shared.contracts.matching import (
    MatchProposed,
    ProposalWithdrawn,
    RequestWaitlisted,
)
from shared.contracts.topics import Topics
from shared.envelope import Envelope, new_event
from shared.platform.db import UnitOfWork

log = structlog.get_logger(__name__)

SERVICE = "matching"

NO_MENTOR_AVAILABLE = (
    "no_mentor_available",
    "no mentor for this topic can take a mentee now; the request will be proposed"
    " as soon as one can",
)
ATTEMPTS_EXHAUSTED = (
    "attempts_exhausted",
    "the mentors asked so far did not take the request; it will be proposed again"
    " when a mentor for this topic joins or has a place free",
)


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
        self,
        uow: UnitOfWork,
        request: asyncpg.Record,
        *,
        cause: Envelope | None,
        mentee: asyncpg.Record | None = None,
    ) -> None:
        """Propose the next mentor; announce the waitlist if nobody can be asked.

        After ``max_proposals_per_request`` proposals the request stops moving
        down the list and waits; a change in the pool retries it like any other.
        """
        exhausted = request["attempts"] >= self.settings.max_proposals_per_request
        if not exhausted and await self.propose_next_mentor(
            uow, request, cause=cause, mentee=mentee
        ):
            return
        if request["status"] == "waiting":
            return
        reason_code, reason = ATTEMPTS_EXHAUSTED if exhausted else NO_MENTOR_AVAILABLE
        await requests.set_request_status(
            uow.conn, request["request_id"], "waiting", reason_code=reason_code
        )
        await uow.emit(
            self.topics.matching,
            self.event(
                RequestWaitlisted(
                    request_id=request["request_id"],
                    mentee_employee_id=request["mentee_employee_id"],
                    topic=request["topic"],
                    reason_code=reason_code,
                    reason=reason,
                ),
                request,
                cause,
            ),
        )
        log.info(
            "request_waitlisted",
            request_id=str(request["request_id"]),
            topic=request["topic"],
            reason_code=reason_code,
        )

    async def propose_next_mentor(
        self,
        uow: UnitOfWork,
        request: asyncpg.Record,
        *,
        cause: Envelope | None,
        mentee: asyncpg.Record | None = None,
    ) -> bool:
        """Book a slot with the best candidate not yet asked; False if none has one."""
        if mentee is None:
            mentee = await projections.get_faculty(
                uow.conn, request["mentee_employee_id"]
            )
        tried: list[str] = []
        while True:
            best = await mentor_load.book_best_candidate(
                uow.conn,
                request=request,
                mentee_department=mentee["department"] if mentee else "",
                supervisor=mentee["supervisor_employee_id"] if mentee else None,
                excluded=tried,
                weights=self.settings.score_weights(),
                rotation_horizon_days=self.settings.rotation_horizon_days,
                track_record_full_at=self.settings.track_record_full_at_sessions,
            )
            if best is None:
                return False
            if best["booked"]:
                await self._propose(uow, request, candidate_of(best), cause)
                return True
            # Another transaction took this mentor's last place since the search.
            tried.append(best["employee_id"])

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
            "score": round(candidate.score, 3),
            "rationale": rationale(candidate, self.settings.score_weights(), now=now),
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
        self,
        uow: UnitOfWork,
        topics: list[str],
        *,
        cause: Envelope | None,
        besides: uuid.UUID | None = None,
    ) -> None:
        """Give waiting requests on ``topics`` another chance, oldest first.

        ``besides`` is the request whose answer freed the slot: it has just
        been decided and must not be retried by its own outcome.
        """
        if not topics:
            return
        waiting = await requests.waiting_requests(
            uow.conn, topics, limit=self.settings.waitlist_retry_limit, besides=besides
        )
        for request in waiting:
            await self.propose_next_mentor(uow, request, cause=cause)

    async def announce_withdrawn(
        self,
        uow: UnitOfWork,
        request: asyncpg.Record,
        proposal: asyncpg.Record,
        why: Rejection,
        cause: Envelope | None,
    ) -> None:
        """ProposalWithdrawn: the mentor need not answer the proposal any more."""
        reason_code, reason = why
        withdrawn = ProposalWithdrawn(
            request_id=request["request_id"],
            proposal_id=proposal["proposal_id"],
            mentor_employee_id=proposal["mentor_employee_id"],
            topic=request["topic"],
            reason_code=reason_code,
            reason=reason,
        )
        await uow.emit(self.topics.matching, self.event(withdrawn, request, cause))

    async def withdraw_unanswered(
        self,
        uow: UnitOfWork,
        proposal: asyncpg.Record,
        status: str,
        *,
        cause: Envelope | None,
        tell_mentor: Rejection | None = None,
    ) -> None:
        """Close an open proposal without a match, free the slot, move on.

        With ``tell_mentor`` (reason code, reason) the mentor is told, through
        ProposalWithdrawn, that the proposal no longer needs an answer.
        """
        await requests.close_proposal(uow.conn, proposal["proposal_id"], status)
        freed_topics = await mentor_load.release_slot(
            uow.conn, proposal["mentor_employee_id"]
        )
        request = await requests.get_request(
            uow.conn, proposal["request_id"], lock=True
        )
        if tell_mentor is not None:
            await self.announce_withdrawn(uow, request, proposal, tell_mentor, cause)
        await self.propose_or_waitlist(uow, request, cause=cause)
        await self.retry_waiting(
            uow, freed_topics, cause=cause, besides=request["request_id"]
        )


def candidate_of(row: asyncpg.Record) -> Candidate:
    """A ranked candidate row as the domain's Candidate."""
    return Candidate(
        employee_id=row["employee_id"],
        reserved=row["reserved"],
        capacity=row["capacity"],
        last_proposed_at=row["last_proposed_at"],
        same_department=row["same_department"],
        named_by_mentee=row["named_by_mentee"],
        shared_minutes=row["shared_minutes"],
        sessions_completed=row["sessions_completed"],
        shares={factor: row[f"{factor}_share"] for factor in FACTORS},
        score=row["score"],
    )
