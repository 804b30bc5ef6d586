"""Events about engagements (the one-or-two-meeting relationship) and sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from shared.contracts.common import Contract, EmployeeId, MeetingFormat, TopicSlug


class EngagementOpened(Contract):
    engagement_id: uuid.UUID
    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    planned_meetings: int


class SessionScheduled(Contract):
    engagement_id: uuid.UUID
    session_id: uuid.UUID
    sequence: int
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    meeting_format: MeetingFormat


class SessionNotBooked(Contract):
    """No free hour was found; the engagement stays open for the office to resolve."""

    engagement_id: uuid.UUID
    sequence: int
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    reason_code: str
    reason: str


class SessionReported(Contract):
    """Submitted by the faculty portal: mentor or mentee reports a meeting held."""

    engagement_id: uuid.UUID
    session_id: uuid.UUID
    rating: int | None = Field(default=None, ge=1, le=5)
    note: str | None = Field(default=None, max_length=1000)


class SessionReportRejected(Contract):
    engagement_id: uuid.UUID
    session_id: uuid.UUID
    actor: str | None
    reason_code: str
    reason: str


class SessionCompleted(Contract):
    engagement_id: uuid.UUID
    session_id: uuid.UUID
    sequence: int
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    reported_by: EmployeeId
    completed_at: datetime


class EngagementClosed(Contract):
    engagement_id: uuid.UUID
    request_id: uuid.UUID
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    sessions_held: int
    reason_code: str


class SessionCancelled(Contract):
    """A booked meeting called off; both calendars are free again at that hour.

    ``reason_code`` is the reason the engagement ended early: the
    ``mentee_cancelled``, ``mentee_inactive`` or ``mentor_unavailable`` of the
    cancelled request.
    """

    engagement_id: uuid.UUID
    session_id: uuid.UUID
    sequence: int
    mentee_employee_id: EmployeeId
    mentor_employee_id: EmployeeId
    topic: TopicSlug
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    reason_code: str
    reason: str
