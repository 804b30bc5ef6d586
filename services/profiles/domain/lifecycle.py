"""Which mentor changes fit which state: pause, resume, withdraw, update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.contracts.profiles import MentorStatus as ListedStatus
from shared.contracts.profiles import RequestedChange


class MentorStatus(StrEnum):
    """A mentor's state as stored; only ``approved`` mentors are offered to mentees."""

    APPROVED = "approved"
    PAUSED = "paused"
    DEACTIVATED = "deactivated"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"

    @property
    def listed_as(self) -> ListedStatus:
        return (
            ListedStatus.PAUSED if self is MentorStatus.PAUSED else ListedStatus.ACTIVE
        )


@dataclass(frozen=True)
class Refusal:
    reason_code: str
    reason: str


_ALLOWED_FROM: dict[RequestedChange, frozenset[MentorStatus]] = {
    RequestedChange.UPDATE_PROFILE: frozenset(
        {MentorStatus.APPROVED, MentorStatus.PAUSED}
    ),
    RequestedChange.PAUSE: frozenset({MentorStatus.APPROVED}),
    RequestedChange.RESUME: frozenset({MentorStatus.PAUSED}),
    RequestedChange.WITHDRAW: frozenset(
        {MentorStatus.APPROVED, MentorStatus.PAUSED, MentorStatus.DEACTIVATED}
    ),
}

_WRONG_STATE: dict[RequestedChange, Refusal] = {
    RequestedChange.UPDATE_PROFILE: Refusal(
        "not_active",
        "the mentor was deactivated after an HR change; the profile can change"
        " once they are eligible again",
    ),
    RequestedChange.PAUSE: Refusal(
        "not_active", "only an active mentor can pause; this mentor is {status}"
    ),
    RequestedChange.RESUME: Refusal(
        "not_paused", "only a paused mentor can resume; this mentor is {status}"
    ),
    RequestedChange.WITHDRAW: Refusal("not_a_mentor", "this mentor is {status}"),
}

_NOT_A_MENTOR = frozenset({MentorStatus.WITHDRAWN, MentorStatus.ERASED})


def change_refusal(
    change: RequestedChange,
    *,
    status: MentorStatus | None,
    actor: str | None,
    employee_id: str,
) -> Refusal | None:
    """Why ``change`` cannot be applied to a mentor in ``status``, or None."""
    if actor != employee_id:
        return Refusal(
            "not_self",
            "only the mentor themselves can change their mentoring; the acting"
            " faculty member differs",
        )
    if status is None or status in _NOT_A_MENTOR:
        return Refusal(
            "not_a_mentor",
            "this faculty member is not a mentor; volunteer first",
        )
    if status in _ALLOWED_FROM[change]:
        return None
    wrong = _WRONG_STATE[change]
    return Refusal(wrong.reason_code, wrong.reason.format(status=status.value))


def resume_date_refusal(
    resume_on: date | None, *, now: datetime, time_zone: str, max_days: int
) -> Refusal | None:
    """A resume date must lie ahead, within ``max_days``, in the mentor's zone."""
    if resume_on is None:
        return None
    today = now.astimezone(ZoneInfo(time_zone)).date()
    if resume_on <= today:
        return Refusal(
            "resume_date_not_future",
            f"the resume date {resume_on.isoformat()} is not after today"
            f" ({today.isoformat()} in {time_zone})",
        )
    if resume_on > today + timedelta(days=max_days):
        return Refusal(
            "resume_date_too_far",
            f"a pause may last at most {max_days} days; resume by"
            f" {(today + timedelta(days=max_days)).isoformat()} or withdraw instead",
        )
    return None


def resume_due_at(resume_on: date, time_zone: str) -> datetime:
    """The instant a pause ends: midnight starting ``resume_on`` where the mentor is."""
    return datetime.combine(resume_on, time.min, tzinfo=ZoneInfo(time_zone))
