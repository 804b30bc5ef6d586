"""Events about faculty and mentors: volunteer submissions and profiles' decisions."""

from __future__ import annotations

from datetime import date

from pydantic import EmailStr, Field

from shared.contracts.common import (
    Contract,
    DepartmentScope,
    EmployeeId,
    MeetingFormat,
    TopicSlug,
    WeeklyAvailability,
)
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
    """The current HR facts about one faculty member, after profiles accepted them."""

    employee_id: EmployeeId
    given_name: str
    family_name: str
    email: EmailStr
    department: str
    division: str | None = None
    rank: str
    appointment_type: AppointmentType
    employment_status: EmploymentStatus
    supervisor_employee_id: EmployeeId | None = None
    record_version: int
