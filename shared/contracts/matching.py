"""Events about mentoring requests and the proposals made for them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from shared.contracts.common import (
    Contract,
    EmployeeId,
    MeetingFormat,
    TopicSlug,
    WeeklyAvailability,
)


class ScopePreference(StrEnum):
    OWN = "own"
    OTHER = "other"
    ANY = "any"


class RequestSubmitted(Contract):
    """Submitted by the faculty portal: a mentee asks for micro-mentoring."""

    request_id: uuid.UUID = Field(description="Client-chosen idempotency key.")
    mentee_employee_id: EmployeeId
    topic: TopicSlug
    need_statement: str = Field(max_length=2000)
    meetings: int = Field(ge=1, le=2)
    scope_preference: ScopePreference = ScopePreference.ANY
    scope_required: bool = False
    meeting_format: MeetingFormat | None = None
    preferred_mentor_employee_id: EmployeeId | None = None
    availability: WeeklyAvailability | None = Field(
        default=None,
        description="When the mentee could meet; mentors whose hours overlap rank"
        " higher. Without it availability plays no part in the choice.",
    )


class RequestRejected(Contract):
    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    reason_code: str
    reason: str


class MatchProposed(Contract):
    request_id: uuid.UUID
    proposal_id: uuid.UUID
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    need_statement: str
    meetings: int
    attempt: int
    score: float
    rationale: str
    expires_at: datetime


class RequestWaitlisted(Contract):
    """No mentor can be asked now; matching retries when the pool changes."""

    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    topic: TopicSlug
    reason_code: str
    reason: str


class ProposalAccepted(Contract):
    """Submitted by the faculty portal: the proposed mentor says yes."""

    request_id: uuid.UUID
    proposal_id: uuid.UUID
    mentor_employee_id: EmployeeId


class ProposalDeclined(Contract):
    """Submitted by the faculty portal: the proposed mentor says no."""

    request_id: uuid.UUID
    proposal_id: uuid.UUID
    mentor_employee_id: EmployeeId
    reason_code: str = "unspecified"
    note: str | None = Field(default=None, max_length=500)


class ProposalResponseRejected(Contract):
    request_id: uuid.UUID
    proposal_id: uuid.UUID
    actor: str | None
    reason_code: str
    reason: str


class MatchConfirmed(Contract):
    request_id: uuid.UUID
    proposal_id: uuid.UUID
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    need_statement: str
    meetings: int
    meeting_formats: list[MeetingFormat]
    availability: WeeklyAvailability


class RequestCancellationSubmitted(Contract):
    """Submitted by the faculty portal: the mentee no longer wants the request."""

    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    reason: str | None = Field(
        default=None,
        max_length=500,
        description="The mentee's own words; passed on to a mentor already matched.",
    )


class RequestCancellationRejected(Contract):
    """A cancellation that was not applied; the request is unchanged."""

    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    actor: str | None
    reason_code: str
    reason: str


class RequestCancelled(Contract):
    """The request is closed before its engagement ended; its slots are released.

    ``reason_code`` is ``mentee_cancelled`` (the mentee asked),
    ``mentee_inactive`` (HR reports the mentee separated or on leave) or
    ``mentor_unavailable`` (the matched mentor was deactivated or withdrew).
    ``matched_mentor_employee_id`` is set when a match had been confirmed, so
    the mentor and any engagement in progress can be told.
    """

    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    topic: TopicSlug
    matched_mentor_employee_id: EmployeeId | None = None
    reason_code: str
    reason: str
    mentee_reason: str | None = None


class ProposalWithdrawn(Contract):
    """An open proposal taken back before the mentor answered it.

    ``reason_code`` is ``expired`` when the mentor did not answer in time (the
    request moves on to the next candidate), otherwise the reason the request
    itself was cancelled (see RequestCancelled).
    """

    request_id: uuid.UUID
    proposal_id: uuid.UUID
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    reason_code: str
    reason: str


class PreferredMentorUnavailable(Contract):
    """The mentor the mentee named cannot be asked; other mentors will be."""

    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    preferred_mentor_employee_id: EmployeeId
    reason_code: str
    reason: str
