"""Events about faculty and mentors: volunteer submissions and profiles' decisions."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from shared.contracts.common import (
    Contract,
    DepartmentScope,
    EmployeeId,
    MeetingFormat,
    TopicSlug,
    WeeklyAvailability,
)
from shared.contracts.email import EmailAddress
from shared.contracts.hr import AppointmentType, EmploymentStatus


class MentorProfile(Contract):
    """What a volunteer offers; the same fields travel in approval events."""

    employee_id: EmployeeId
    topics: list[TopicSlug] = Field(min_length=1, max_length=16)
    statement: str = Field(min_length=1, max_length=1000)
    max_mentees: int = Field(ge=1, le=5)
    meeting_formats: list[MeetingFormat] = Field(min_length=1, max_length=3)
    availability: WeeklyAvailability
    department_scope: DepartmentScope = DepartmentScope.BOTH


class MentorVolunteered(MentorProfile):
    """Submitted by the faculty portal: a faculty member offers to mentor."""


class MentorApproved(MentorProfile):
    department: str
    division: str | None = None


class MentorRejected(Contract):
    employee_id: EmployeeId
    reason_code: str
    reason: str
    eligible_on: date | None = None


class MentorDeactivated(Contract):
    employee_id: EmployeeId
    reason_code: str
    reason: str


class FacultyProfileChanged(Contract):
    """The current HR facts about one faculty member, after profiles accepted them.

    Each event carries the whole record as it now stands, not what changed.
    Versions that arrive together in one batch of the HR feed are announced
    once, as the newest of them; consumers that keep the latest event per
    employee miss nothing.
    """

    employee_id: EmployeeId
    given_name: str
    family_name: str
    email: EmailAddress
    department: str
    division: str | None = None
    rank: str
    appointment_type: AppointmentType
    employment_status: EmploymentStatus
    supervisor_employee_id: EmployeeId | None = None
    record_version: int


class MentorProfileUpdated(Contract):
    """Submitted by the faculty portal: a mentor changes what they offer.

    Fields left out keep their current value; at least one must be given.
    """

    employee_id: EmployeeId
    topics: list[TopicSlug] | None = Field(default=None, min_length=1, max_length=16)
    statement: str | None = Field(default=None, min_length=1, max_length=1000)
    max_mentees: int | None = Field(default=None, ge=1, le=5)
    meeting_formats: list[MeetingFormat] | None = Field(
        default=None, min_length=1, max_length=3
    )
    availability: WeeklyAvailability | None = None
    department_scope: DepartmentScope | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> MentorProfileUpdated:
        if not self.changes():
            raise ValueError("a profile update must change at least one field")
        return self

    def changes(self) -> dict:
        """The fields this update sets, as JSON-ready values."""
        return self.model_dump(mode="json", exclude={"employee_id"}, exclude_none=True)


class MentorPauseRequested(Contract):
    """Submitted by the faculty portal: a mentor stops taking new mentees for now."""

    employee_id: EmployeeId
    resume_on: date | None = Field(
        default=None,
        description="Day the mentor is listed again (from midnight in the time zone"
        " of their availability); without it the pause lasts until they resume."
        " It must come after the day the request is handled and at most"
        " PROFILES_MENTOR_MAX_PAUSE_DAYS (365) days later, else MentorChangeRejected"
        " (resume_date_not_future, resume_date_too_far).",
    )


class MentorResumeRequested(Contract):
    """Submitted by the faculty portal: a paused mentor takes new mentees again."""

    employee_id: EmployeeId


class MentorWithdrawalRequested(Contract):
    """Submitted by the faculty portal: a mentor leaves the program."""

    employee_id: EmployeeId


class MentorStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class MentorProfileChanged(MentorApproved):
    """The full current profile after a mentor or HR changed part of it."""

    status: MentorStatus = MentorStatus.ACTIVE


class MentorPaused(Contract):
    employee_id: EmployeeId
    resume_on: date | None = None


class ResumeTrigger(StrEnum):
    MENTOR = "mentor"
    SCHEDULE = "schedule"


class MentorResumed(Contract):
    employee_id: EmployeeId
    resumed_by: ResumeTrigger


class MentorWithdrawn(Contract):
    employee_id: EmployeeId


class RequestedChange(StrEnum):
    UPDATE_PROFILE = "update_profile"
    PAUSE = "pause"
    RESUME = "resume"
    WITHDRAW = "withdraw"


class MentorChangeRejected(Contract):
    """A mentor's update, pause, resume or withdrawal that was not applied."""

    employee_id: EmployeeId
    requested_change: RequestedChange
    reason_code: str
    reason: str


class MentorRestored(MentorApproved):
    """A mentor deactivated for an HR reason is eligible again and listed again."""


class FacultyDataErased(Contract):
    """Profiles erased this person's personal data; consumers erase their copies.

    Every service that keeps a copy puts ``erased_identity`` in its place.
    """

    employee_id: EmployeeId


def erased_identity(employee_id: str) -> dict[str, str]:
    """The name and address every service keeps for an erased person.

    They identify no one and can never be delivered to (``.invalid`` is
    reserved for that); the address spells the employee id in hex, so two ids
    that differ only in case never share one, even where addresses are
    compared without case.
    """
    return {
        "given_name": "erased",
        "family_name": employee_id,
        "email": f"erased-{employee_id.encode().hex()}@erased.invalid",
    }
