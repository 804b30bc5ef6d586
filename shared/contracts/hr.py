"""The faculty record upstream HR publishes: plain JSON, keyed by employee id."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, field_validator

from shared.contracts.common import MAX_BIGINT, NOT_BLANK, Contract, EmployeeId
from shared.contracts.email import EmailAddress

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EARLIEST_START_DATE = date(1900, 1, 1)


class AppointmentType(StrEnum):
    FULL_TIME_REGULAR = "full_time_regular"
    PART_TIME_REGULAR = "part_time_regular"
    FULL_TIME_TERM = "full_time_term"
    PART_TIME_TERM = "part_time_term"
    VISITING = "visiting"
    ADJUNCT = "adjunct"
    EMERITUS = "emeritus"
    VOLUNTEER = "volunteer"


class EmploymentStatus(StrEnum):
    ACTIVE = "active"
    ON_LEAVE = "on_leave"
    SEPARATED = "separated"


class FacultyRecord(Contract):
    """One faculty member as HR knows them; a higher record_version supersedes."""

    employee_id: EmployeeId
    given_name: str = Field(min_length=1, max_length=100, pattern=NOT_BLANK)
    family_name: str = Field(min_length=1, max_length=100, pattern=NOT_BLANK)
    email: EmailAddress
    department: str = Field(min_length=1, max_length=120, pattern=NOT_BLANK)
    division: str | None = Field(default=None, max_length=120)
    rank: str = Field(min_length=1, max_length=80, pattern=NOT_BLANK)
    appointment_type: AppointmentType
    service_start_date: date = Field(
        description="The first day of service, written YYYY-MM-DD; from 1900-01-01."
    )
    employment_status: EmploymentStatus
    record_version: int = Field(
        ge=1,
        le=MAX_BIGINT,
        description="Increases with every HR change; a 64-bit signed integer.",
    )
    supervisor_employee_id: EmployeeId | None = None

    @field_validator("service_start_date", mode="before")
    @classmethod
    def _calendar_date(cls, value: object) -> object:
        # Lax parsing would take "2015-07-01T00:00:00Z" or a Unix timestamp as
        # a date; an HR system that sends those has a bug worth hearing about.
        # One check before parsing, rather than a second one after: each
        # costs a call from pydantic's core into Python, per record.
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return value  # pydantic says what is wrong (month 13...)
        elif not (isinstance(value, date) and not isinstance(value, datetime)):
            raise ValueError(
                "service_start_date must be a calendar date written YYYY-MM-DD"
            )
        # 0001-01-01 is a placeholder, not a start date (and PostgreSQL's
        # driver would store it as -infinity).
        if value < EARLIEST_START_DATE:
            raise ValueError(
                f"service_start_date {value} is before {EARLIEST_START_DATE};"
                " a placeholder date cannot decide years of service"
            )
        return value

    @field_validator("record_version", mode="before")
    @classmethod
    def _whole_number(cls, value: object) -> object:
        # JSON true, 2.0 and "2" would otherwise pass as versions 1 and 2.
        if isinstance(value, bool | float | str):
            raise ValueError(
                "record_version must be a whole number such as 3: not text,"
                " not a decimal, not true or false"
            )
        return value
