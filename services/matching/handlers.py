"""Matching's reactions to mentoring requests and to mentors' answers."""

from __future__ import annotations

import asyncpg
import structlog

from services.matching.adapters import projections, requests
from services.matching.domain.requests import DUPLICATE_TOPIC, request_problem
from services.matching.domain.responses import ProposalState, response_problem
from services.matching.preferred import tell_if_preferred_mentor_unavailable
from services.matching.proposing import SERVICE, Matchmaker
from services.matching.settings import MatchingSettings
from shared.contracts.catalogue import topic_catalogue
from shared.contracts.matching import (
    MatchConfirmed,
    ProposalAccepted,
    ProposalDeclined,
    ProposalResponseRejected,
    RequestRejected,
    RequestSubmitted,
)
from shared.envelope import new_event
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


class RequestHandlers:
    def __init__(self, settings: MatchingSettings, matchmaker: Matchmaker) -> None:
        self.settings = settings
        self.matchmaker = matchmaker
        self.topics = matchmaker.topics
        self.catalogue = topic_catalogue(settings.extra_topic_areas)

    async def take_request(self, uow: UnitOfWork, message: Inbound) -> None:
        submitted: RequestSubmitted = message.payload
        # A request id seen before (republished under a new event id) is caught
        # by the insert below, which stores nothing a second time.
        mentee = await projections.lock_faculty(uow.conn, submitted.mentee_employee_id)
        problem = request_problem(
            submitted,
            actor=message.actor,
            mentee_status=mentee["employment_status"] if mentee else None,
            catalogue=self.catalogue,
            open_requests=await requests.count_open_requests(
                uow.conn, submitted.mentee_employee_id
            ),
            max_open_requests=self.settings.max_open_requests,
        )
        if problem is not None:
            await self._reject(uow, message, *problem)
            return
        request = await requests.insert_request(
            uow.conn,
            submitted,
            status="proposed",
            correlation_id=message.envelope.correlation_id,
        )
        if request is None:
            if await requests.get_request(uow.conn, submitted.request_id):
                log.info(
                    "request_already_received", request_id=str(submitted.request_id)
                )
                return
            await self._reject(uow, message, *DUPLICATE_TOPIC)
            return
        log.info(
            "request_accepted",
            request_id=str(submitted.request_id),
            topic=submitted.topic,
        )
        await tell_if_preferred_mentor_unavailable(
            uow, self.matchmaker, request, mentee=mentee, cause=message.envelope
        )
        await self.matchmaker.propose_or_waitlist(
            uow, request, cause=message.envelope, mentee=mentee
        )

    async def _reject(
        self, uow: UnitOfWork, message: Inbound, reason_code: str, reason: str
    ) -> None:
        submitted: RequestSubmitted = message.payload
        stored = await requests.insert_request(
            uow.conn,
            submitted,
            status="rejected",
            reason_code=reason_code,
            correlation_id=message.envelope.correlation_id,
        )
        if stored is None:
            log.info("request_already_received", request_id=str(submitted.request_id))
            return
        await uow.emit(
            self.topics.matching,
            self.matchmaker.event(
                RequestRejected(
                    request_id=submitted.request_id,
                    mentee_employee_id=submitted.mentee_employee_id,
                    reason_code=reason_code,
                    reason=reason,
                ),
                stored,
                message.envelope,
            ),
        )
        log.info(
            "request_rejected",
            request_id=str(submitted.request_id),
            reason_code=reason_code,
        )

    async def accept_proposal(self, uow: UnitOfWork, message: Inbound) -> None:
        answer: ProposalAccepted = message.payload
        proposal = await self._answerable_proposal(uow, message)
        if proposal is None:
            return
        await requests.close_proposal(uow.conn, answer.proposal_id, "accepted")
        await requests.set_request_status(uow.conn, answer.request_id, "matched")
        request = await requests.get_request(uow.conn, answer.request_id)
        mentor = await projections.get_mentor(uow.conn, answer.mentor_employee_id)
        await uow.emit(
            self.topics.matching,
            self.matchmaker.event(
                MatchConfirmed(
                    request_id=answer.request_id,
                    proposal_id=answer.proposal_id,
                    mentee_employee_id=request["mentee_employee_id"],
                    mentor_employee_id=answer.mentor_employee_id,
                    topic=request["topic"],
                    need_statement=request["need_statement"],
                    meetings=request["meetings"],
                    meeting_formats=mentor["meeting_formats"],
                    availability=mentor["availability"],
                ),
                request,
                message.envelope,
            ),
        )
        log.info(
            "match_confirmed",
            request_id=str(answer.request_id),
            proposal_id=str(answer.proposal_id),
            mentor_employee_id=answer.mentor_employee_id,
        )

    async def decline_proposal(self, uow: UnitOfWork, message: Inbound) -> None:
        answer: ProposalDeclined = message.payload
        proposal = await self._answerable_proposal(uow, message)
        if proposal is None:
            return
        log.info(
            "proposal_declined",
            request_id=str(answer.request_id),
            proposal_id=str(answer.proposal_id),
            mentor_employee_id=answer.mentor_employee_id,
            reason_code=answer.reason_code,
        )
        await self.matchmaker.withdraw_unanswered(
            uow, proposal, "declined", cause=message.envelope
        )

    async def _answerable_proposal(
        self, uow: UnitOfWork, message: Inbound
    ) -> asyncpg.Record | None:
        """The locked open proposal, or None after publishing why it is not one."""
        answer: ProposalAccepted | ProposalDeclined = message.payload
        proposal = await requests.lock_proposal(uow.conn, answer.proposal_id)
        problem = response_problem(
            ProposalState(
                proposal["request_id"],
                proposal["mentor_employee_id"],
                proposal["status"],
            )
            if proposal
            else None,
            request_id=answer.request_id,
            answering_mentor=answer.mentor_employee_id,
            actor=message.actor,
        )
        if problem is None:
            return proposal
        reason_code, reason = problem
        await uow.emit(
            self.topics.matching,
            new_event(
                ProposalResponseRejected(
                    request_id=answer.request_id,
                    proposal_id=answer.proposal_id,
                    actor=message.actor,
                    reason_code=reason_code,
                    reason=reason,
                ),
                subject=str(answer.request_id),
                producer=SERVICE,
                cause=message.envelope,
            ),
        )
        log.warning(
            "proposal_response_rejected",
            request_id=str(answer.request_id),
            proposal_id=str(answer.proposal_id),
            actor=message.actor,
            reason_code=reason_code,
        )
        return None
