"""Who may mentor: active, full-time regular, enough years of service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shared.contracts.hr import AppointmentType, EmploymentStatus, FacultyRecord


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason_code: str = "eligible"
    reason: str = "meets every requirement to mentor"
    eligible_on: date | None = None


def years_later(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a non-leap target year
        return start.replace(year=start.year + years, day=28)


_STATUS_PHRASES = {
    EmploymentStatus.ON_LEAVE: "you are currently on leave",
    EmploymentStatus.SEPARATED: "your appointment has ended",
}

_APPOINTMENT_PHRASES = {
    AppointmentType.PART_TIME_REGULAR: "a part-time regular appointment",
    AppointmentType.FULL_TIME_TERM: "a full-time term appointment",
    AppointmentType.PART_TIME_TERM: "a part-time term appointment",
    AppointmentType.VISITING: "a visiting appointment",
    AppointmentType.ADJUNCT: "an adjunct appointment",
    AppointmentType.EMERITUS: "an emeritus appointment",
    AppointmentType.VOLUNTEER: "a volunteer appointment",
}


def plain_date(day: date) -> str:
    """A date as people write it, e.g. 1 July 2029."""
    return f"{day.day} {day:%B %Y}"


def decide_eligibility(
    record: FacultyRecord, *, today: date, min_years: int
) -> Eligibility:
    """The program's rule, with the date a too-recent hire becomes eligible.

    Each reason is written to the faculty member, who reads it in a letter.
    """
    status = record.employment_status
    if status is not EmploymentStatus.ACTIVE:
        situation = _STATUS_PHRASES.get(status, "you are not currently employed")
        return Eligibility(
            False,
            "not_active",
            f"{situation}; mentors must be actively employed",
        )
    appointment = record.appointment_type
    if appointment is not AppointmentType.FULL_TIME_REGULAR:
        held = _APPOINTMENT_PHRASES.get(appointment, "not a regular appointment")
        return Eligibility(
            False,
            "not_full_time_regular",
            f"your appointment is {held}; mentors hold full-time regular appointments",
        )
    eligible_on = years_later(record.service_start_date, min_years)
    if eligible_on > today:
        years = "1 year" if min_years == 1 else f"{min_years} years"
        return Eligibility(
            False,
            "insufficient_service",
            f"mentors need at least {years} of service; you become eligible on"
            f" {plain_date(eligible_on)}",
            eligible_on,
        )
    return Eligibility(True)
