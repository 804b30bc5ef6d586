"""The demo's stand-in for the faculty portal: it reads the topics and answers."""

from __future__ import annotations

import time

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from micromentor.closing import close_quietly
from micromentor.demo.responses import answer_proposal, report_session
from micromentor.demo.tracker import RunTracker
from micromentor.portal import Portal
from shared.contracts.matching import MatchProposed
from shared.contracts.scheduling import SessionScheduled
from shared.contracts.topics import Topics
from shared.envelope import Envelope

log = structlog.get_logger(__name__)


class FacultyPortalActor:
    """Answers every proposal and reports every scheduled meeting of this run."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        topics: Topics,
        tracker: RunTracker,
        portal: Portal,
        seed: int,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._topics = topics
        self._tracker = tracker
        self._portal = portal
        self._seed = seed
        self.last_event_at = time.monotonic()
        # The offset after the last record read, per partition: a floor under
        # the broker's end offsets, which the embedded broker can report low.
        self.read_to: dict[TopicPartition, int] = {}

    async def run(self) -> None:
        """Read from the start of each topic, without a group, until cancelled."""
        consumer = AIOKafkaConsumer(
            self._topics.faculty,
            self._topics.mentors,
            self._topics.matching,
            self._topics.engagements,
            bootstrap_servers=self._bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id="micromentor-demo-portal",
        )
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=200, max_records=500)
                for partition, records in batches.items():
                    for record in records:
                        await self._handle(record.value)
                    if records:
                        self.read_to[partition] = records[-1].offset + 1
        finally:
            await close_quietly(consumer.stop())

    async def _handle(self, value: bytes | None) -> None:
        try:
            event = Envelope.model_validate_json(value or b"")
        except ValidationError:
            return
        self.last_event_at = time.monotonic()
        for item in self._tracker.observe(event):
            if isinstance(item, MatchProposed):
                await self._answer(item)
            elif isinstance(item, SessionScheduled):
                await self._report(item)

    async def _answer(self, proposal: MatchProposed) -> None:
        index = self._tracker.request_of(proposal)
        answer = answer_proposal(self._seed, index, proposal)
        if answer.accept:
            await self._portal.accept(proposal)
        else:
            await self._portal.decline(
                proposal, reason_code=answer.reason_code, note=answer.note
            )

    async def _report(self, session: SessionScheduled) -> None:
        index = self._tracker.request_of(session)
        report = report_session(self._seed, index, session)
        await self._portal.report_session(
            session, by=report.by, rating=report.rating, note=report.note
        )
        self._tracker.reported.add(session.session_id)
