"""Builders for realistic inbound messages, as the portal and HR would send them."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel

from shared.contracts.profiles import MentorVolunteered
from shared.envelope import Envelope, new_event


class _Empty(BaseModel):
    pass


def hr_record(employee_id: str, **overrides) -> dict:
    record = {
        "employee_id": employee_id,
        "given_name": "Ada",
        "family_name": "Okafor",
        "email": f"{employee_id.lower()}@med.example.edu",
        "department": "Medicine",
        "division": "Cardiology",
        "rank": "professor",
        "appointment_type": "full_time_regular",
        "service_start_date": "2010-08-01",
        "employment_status": "active",
        "record_version": 1,
    }
    record.update(overrides)
    return record


def volunteered(employee_id: str, *, actor: str | None = None, **overrides) -> Envelope:
    fields = {
        "employee_id": employee_id,
        "topics": ["academic-promotion", "teaching-portfolio"],
        "statement": "I chaired the promotions committee for six years.",
        "max_mentees": 2,
        "meeting_formats": ["video", "in_person"],
        "availability": {
            "time_zone": "America/New_York",
            "windows": [{"weekday": 1, "start": "09:00", "end": "12:00"}],
        },
        "department_scope": "both",
    }
    fields.update(overrides)
    return portal_event(
        MentorVolunteered, fields, subject=employee_id, actor=actor or employee_id
    )


def portal_event(model, fields: dict, *, subject: str, actor: str) -> Envelope:
    """An envelope as the faculty portal would publish it; ``fields`` may be invalid."""
    event = new_event(_Empty(), subject=subject, producer="faculty-portal", actor=actor)
    return event.model_copy(update={"event_type": model.__name__, "payload": fields})


def today_plus_years(years: int) -> str:
    today = date.today()
    return today.replace(year=today.year + years).isoformat()


def request_id() -> uuid.UUID:
    return uuid.uuid4()
