"""What this demo run has seen happen, from the events on the public topics."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field

from shared.contracts.matching import MatchProposed
from shared.contracts.scheduling import SessionScheduled
from shared.envelope import Envelope

SETTLED = {"matched", "waiting", "rejected"}


@dataclass
class RunTracker:
    """Only events caused by this run count; earlier runs share the topics."""

    faculty_version: int = 0
    roster_ids: set[str] = field(default_factory=set)
    volunteer_events: set[uuid.UUID] = field(default_factory=set)
    request_index: dict[uuid.UUID, int] = field(default_factory=dict)
    faculty_applied: set[str] = field(default_factory=set)
    hr_refused: dict[str, str] = field(default_factory=dict)
    mentor_decisions: dict[str, str] = field(default_factory=dict)
    request_state: dict[uuid.UUID, str] = field(default_factory=dict)
    answered: set[uuid.UUID] = field(default_factory=set)
    engagement_request: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    confirmed: set[uuid.UUID] = field(default_factory=set)
    closed: set[uuid.UUID] = field(default_factory=set)
    not_booked: set[uuid.UUID] = field(default_factory=set)
    scheduled: dict[uuid.UUID, SessionScheduled] = field(default_factory=dict)
    reported: set[uuid.UUID] = field(default_factory=set)
    completed: set[uuid.UUID] = field(default_factory=set)
    refusals: Counter = field(default_factory=Counter)
    _early_sessions: list[SessionScheduled] = field(default_factory=list)

    def note_sent(self, event: Envelope) -> None:
        """Remember what this run publishes, before the reactions can arrive."""
        if event.event_type == "MentorVolunteered":
            self.volunteer_events.add(event.event_id)
        elif event.event_type == "RequestSubmitted":
            request_id = uuid.UUID(event.payload["request_id"])
            self.request_index[request_id] = len(self.request_index)

    def note_hr_refused(self, employee_id: str, version: int, error_class: str) -> None:
        """A roster record of this run that profiles dead-lettered."""
        if version == self.faculty_version and employee_id in self.roster_ids:
            self.hr_refused[employee_id] = error_class

    def faculty_settled(self) -> int:
        """Roster records applied or refused; either way no more will come of them."""
        return len(self.faculty_applied | self.hr_refused.keys())

    def observe(self, event: Envelope) -> list[MatchProposed | SessionScheduled]:
        """Record ``event``; returns the proposals and sessions to answer."""
        handler = getattr(self, f"_on_{event.event_type}", None)
        if handler is None:
            return []
        return handler(event, event.payload) or []

    # profiles
    def _on_FacultyProfileChanged(self, event: Envelope, payload: dict) -> None:
        if payload["record_version"] == self.faculty_version:
            self.faculty_applied.add(payload["employee_id"])

    def _on_MentorApproved(self, event: Envelope, payload: dict) -> None:
        if event.causation_id in self.volunteer_events:
            self.mentor_decisions[payload["employee_id"]] = "approved"

    def _on_MentorRejected(self, event: Envelope, payload: dict) -> None:
        if event.causation_id in self.volunteer_events:
            self.mentor_decisions[payload["employee_id"]] = payload["reason_code"]

    # matching
    def _ours(self, payload: dict) -> uuid.UUID | None:
        request_id = uuid.UUID(payload["request_id"])
        return request_id if request_id in self.request_index else None

    def _on_MatchProposed(self, event: Envelope, payload: dict) -> list:
        proposal = MatchProposed.model_validate(payload)
        if self._ours(payload) is None or proposal.proposal_id in self.answered:
            return []
        self.request_state[proposal.request_id] = "proposed"
        self.answered.add(proposal.proposal_id)
        return [proposal]

    def _on_MatchConfirmed(self, event: Envelope, payload: dict) -> None:
        if request_id := self._ours(payload):
            self.request_state[request_id] = "matched"
            self.confirmed.add(request_id)

    def _on_RequestWaitlisted(self, event: Envelope, payload: dict) -> None:
        if request_id := self._ours(payload):
            self.request_state[request_id] = "waiting"

    def _on_RequestRejected(self, event: Envelope, payload: dict) -> None:
        if request_id := self._ours(payload):
            self.request_state[request_id] = "rejected"
            self.refusals[f"request {payload['reason_code']}"] += 1

    def _on_ProposalResponseRejected(self, event: Envelope, payload: dict) -> None:
        if self._ours(payload):
            self.refusals[f"proposal answer {payload['reason_code']}"] += 1

    # scheduling
    def _on_EngagementOpened(self, event: Envelope, payload: dict) -> list:
        if self._ours(payload) is None:
            return []
        engagement_id = uuid.UUID(payload["engagement_id"])
        self.engagement_request[engagement_id] = uuid.UUID(payload["request_id"])
        early, self._early_sessions = self._early_sessions, []
        return [s for s in early if self._take_session(s)]

    def _on_SessionScheduled(self, event: Envelope, payload: dict) -> list:
        session = SessionScheduled.model_validate(payload)
        if session.engagement_id not in self.engagement_request:
            self._early_sessions.append(session)
            return []
        return [session] if self._take_session(session) else []

    def _take_session(self, session: SessionScheduled) -> bool:
        if session.engagement_id not in self.engagement_request:
            self._early_sessions.append(session)
            return False
        if session.session_id in self.scheduled:
            return False
        self.scheduled[session.session_id] = session
        return True

    def _on_SessionCompleted(self, event: Envelope, payload: dict) -> None:
        if uuid.UUID(payload["engagement_id"]) in self.engagement_request:
            self.completed.add(uuid.UUID(payload["session_id"]))

    def _on_SessionReportRejected(self, event: Envelope, payload: dict) -> None:
        if uuid.UUID(payload["engagement_id"]) in self.engagement_request:
            self.refusals[f"session report {payload['reason_code']}"] += 1

    def _on_EngagementClosed(self, event: Envelope, payload: dict) -> None:
        engagement_id = uuid.UUID(payload["engagement_id"])
        if engagement_id in self.engagement_request:
            self.closed.add(engagement_id)

    def _on_SessionNotBooked(self, event: Envelope, payload: dict) -> None:
        engagement_id = uuid.UUID(payload["engagement_id"])
        if engagement_id in self.engagement_request:
            self.not_booked.add(engagement_id)

    # questions the scenario asks
    def request_of(self, item: MatchProposed | SessionScheduled) -> int:
        if isinstance(item, MatchProposed):
            return self.request_index[item.request_id]
        return self.request_index[self.engagement_request[item.engagement_id]]

    def requests_settled(self) -> int:
        return sum(1 for state in self.request_state.values() if state in SETTLED)

    def outstanding(self) -> list[str]:
        """What the run still waits for; empty when nothing more is expected."""
        unsettled = len(self.request_index) - self.requests_settled()
        unopened = len(self.confirmed) - len(set(self.engagement_request.values()))
        unreported = len(self.scheduled) - len(self.completed)
        parts = [
            (unsettled, "requests not yet matched, waiting or rejected"),
            (unopened, "matches without an engagement"),
            (unreported, "sessions not yet completed"),
        ]
        return [f"{count} {what}" for count, what in parts if count > 0]

    def open_engagements(self) -> int:
        """Engagements of this run not closed yet (or never booked a meeting)."""
        return len(self.engagement_request) - len(self.closed)

    def unbooked_engagements(self) -> int:
        """Open engagements for which scheduling found no free hour."""
        return len(self.not_booked - self.closed)
