"""Publishing what faculty do in the portal: volunteer, ask, answer, report."""

from __future__ import annotations

from collections.abc import Callable

from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from micromentor.kafka_io import publish_envelope
from shared.contracts.matching import (
    MatchProposed,
    ProposalAccepted,
    ProposalDeclined,
    RequestSubmitted,
)
from shared.contracts.profiles import MentorVolunteered
from shared.contracts.scheduling import SessionReported, SessionScheduled
from shared.contracts.topics import Topics
from shared.envelope import Envelope, new_event

PRODUCER = "faculty-portal"


class Portal:
    """The faculty portal's side of the public topics, acting for one person."""

    def __init__(
        self,
        producer: AIOKafkaProducer,
        topics: Topics,
        *,
        before_send: Callable[[Envelope], None] | None = None,
    ) -> None:
        self._producer = producer
        self._topics = topics
        # Called before publishing, so a reader already knows the event when a
        # fast reaction to it arrives.
        self._before_send = before_send or (lambda _envelope: None)

    async def _publish(
        self, topic: str, payload: BaseModel, *, subject: str, actor: str
    ) -> Envelope:
        envelope = new_event(payload, subject=subject, producer=PRODUCER, actor=actor)
        self._before_send(envelope)
        await publish_envelope(self._producer, topic, envelope)
        return envelope

    async def volunteer(self, submission: MentorVolunteered) -> Envelope:
        """A faculty member offers to mentor; only they may volunteer themselves."""
        return await self._publish(
            self._topics.mentor_submissions,
            submission,
            subject=submission.employee_id,
            actor=submission.employee_id,
        )

    async def submit_request(self, request: RequestSubmitted) -> Envelope:
        return await self._publish(
            self._topics.mentoring_requests,
            request,
            subject=str(request.request_id),
            actor=request.mentee_employee_id,
        )

    async def accept(self, proposal: MatchProposed) -> Envelope:
        """The proposed mentor says yes."""
        return await self._publish(
            self._topics.proposal_responses,
            ProposalAccepted(
                request_id=proposal.request_id,
                proposal_id=proposal.proposal_id,
                mentor_employee_id=proposal.mentor_employee_id,
            ),
            subject=str(proposal.request_id),
            actor=proposal.mentor_employee_id,
        )

    async def decline(
        self, proposal: MatchProposed, *, reason_code: str, note: str
    ) -> Envelope:
        """The proposed mentor says no, with a machine-readable reason."""
        return await self._publish(
            self._topics.proposal_responses,
            ProposalDeclined(
                request_id=proposal.request_id,
                proposal_id=proposal.proposal_id,
                mentor_employee_id=proposal.mentor_employee_id,
                reason_code=reason_code,
                note=note,
            ),
            subject=str(proposal.request_id),
            actor=proposal.mentor_employee_id,
        )

    async def report_session(
        self, session: SessionScheduled, *, by: str, rating: int, note: str
    ) -> Envelope:
        """Mentor or mentee reports that the meeting took place."""
        return await self._publish(
            self._topics.session_reports,
            SessionReported(
                engagement_id=session.engagement_id,
                session_id=session.session_id,
                rating=rating,
                note=note,
            ),
            subject=str(session.engagement_id),
            actor=by,
        )
