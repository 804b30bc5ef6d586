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


def decide_eligibility(
    record: FacultyRecord, *, today: date, min_years: int
) -> Eligibility:
    """The program's rule, with the date a too-recent hire becomes eligible."""
    if record.employment_status is not EmploymentStatus.ACTIVE:
        return Eligibility(
            False,
            "not_active",
            f"employment status is {record.employment_status.value}; mentors must be"
            " active",
        )
    if record.appointment_type is not AppointmentType.FULL_TIME_REGULAR:
        return Eligibility(
            False,
            "not_full_time_regular",
            f"appointment is {record.appointment_type.value}; mentors must hold a"
            " full-time regular appointment",
        )
    eligible_on = years_later(record.service_start_date, min_years)
    if eligible_on > today:
        return Eligibility(
            False,
            "insufficient_service",
            f"mentors need {min_years} years of service; eligible from"
            f" {eligible_on.isoformat()}",
            eligible_on,
        )
    return Eligibility(True)
