"""Identities and rules of an engagement: the one-or-two-meeting relationship."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shared.contracts.common import MeetingFormat

ENGAGEMENT_NAMESPACE = uuid.UUID("0b7f3f43-58a4-4c55-a2b9-3c8f0d0c6e21")


def engagement_id_for(request_id: uuid.UUID) -> uuid.UUID:
    """One engagement per request, so a redelivered confirmation finds the same one."""
    return uuid.uuid5(ENGAGEMENT_NAMESPACE, str(request_id))


def session_id_for(engagement_id: uuid.UUID, sequence: int) -> uuid.UUID:
    return uuid.uuid5(engagement_id, f"session-{sequence}")


def meeting_format_for(formats: list[MeetingFormat]) -> MeetingFormat:
    """The mentor's first listed format; video when the mentor listed none."""
    return formats[0] if formats else MeetingFormat.VIDEO


def earliest_start(
    now: datetime, *, lead_time: timedelta, after: datetime | None, gap: timedelta
) -> datetime:
    """Far enough from now to give notice, and spaced from the previous meeting."""
    earliest = now + lead_time
    if after is not None:
        earliest = max(earliest, after + gap)
    return earliest


def held_at(*, booked_start: datetime, reported_at: datetime) -> datetime:
    """When a reported meeting took place, as far as we know.

    Meetings move: one reported before its booked hour was held by the time of
    the report, so the next meeting is spaced from then, not from the booking.
    """
    return min(booked_start, reported_at)


def held_before_booking(*, booked_start: datetime, reported_at: datetime) -> bool:
    """True when the booked hour is still ahead, so it can be given back."""
    return reported_at < booked_start


def no_free_hour_reason(earliest: datetime, time_zone: str, weeks: int) -> str:
    """Why no meeting was booked, as both people read it in a letter."""
    local = earliest.astimezone(ZoneInfo(time_zone))
    span = "week" if weeks == 1 else f"{weeks} weeks"
    return (
        "there is no free hour in the mentor's weekly availability in the"
        f" {span} from {local:%A}, {local.day} {local:%B %Y}"
    )


@dataclass(frozen=True)
class ReportProblem:
    reason_code: str
    reason: str


def report_problem(
    *,
    actor: str | None,
    mentor: str | None,
    mentee: str | None,
    session_status: str | None,
) -> ReportProblem | None:
    """Why a meeting report cannot be accepted, or None when it can.

    ``mentor`` and ``mentee`` are None when the engagement does not exist.
    """
    unknown = ReportProblem(
        "unknown_session", "no such meeting exists in this engagement"
    )
    if mentor is None:
        return unknown
    if actor is None or actor not in (mentor, mentee):
        return ReportProblem(
            "not_participant",
            "only the mentor or the mentee of this engagement may report its meetings",
        )
    if session_status is None:
        return unknown
    if session_status != "scheduled":
        return ReportProblem(
            "session_not_scheduled",
            f"this meeting is already {session_status}; it cannot be reported again",
        )
    return None
