"""A deterministic, realistic faculty roster with fake names."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, timedelta

from faker import Faker

from micromentor.demo.departments import DEPARTMENTS
from shared.contracts.hr import AppointmentType, EmploymentStatus, FacultyRecord

EMAIL_DOMAIN = "med.example.edu"
FIRST_YEAR, LAST_YEAR = 1985, 2025

APPOINTMENT_WEIGHTS = {
    AppointmentType.FULL_TIME_REGULAR: 78,
    AppointmentType.PART_TIME_REGULAR: 5,
    AppointmentType.FULL_TIME_TERM: 6,
    AppointmentType.PART_TIME_TERM: 2,
    AppointmentType.VISITING: 3,
    AppointmentType.ADJUNCT: 4,
    AppointmentType.EMERITUS: 1,
    AppointmentType.VOLUNTEER: 1,
}
STATUS_WEIGHTS = {
    EmploymentStatus.ACTIVE: 94,
    EmploymentStatus.ON_LEAVE: 4,
    EmploymentStatus.SEPARATED: 2,
}


def build_roster(
    seed: int, count: int, *, today: date | None = None
) -> list[FacultyRecord]:
    """``count`` faculty records; the same seed always gives the same roster."""
    today = today or date.today()
    rng = random.Random(seed)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    numbers = rng.sample(range(100_000, 1_000_000), count)
    emails: set[str] = set()
    drafts = []
    for number in numbers:
        given, family = fake.first_name(), fake.last_name()
        department, division = _department(rng)
        appointment = _weighted(rng, APPOINTMENT_WEIGHTS)
        start = _service_start(rng, appointment, today)
        drafts.append(
            {
                "employee_id": f"E{number}",
                "given_name": given,
                "family_name": family,
                "email": _unique_email(given, family, emails),
                "department": department,
                "division": division,
                "rank": _rank(rng, appointment, (today - start).days / 365.25),
                "appointment_type": appointment,
                "service_start_date": start,
                "employment_status": _weighted(rng, STATUS_WEIGHTS),
                "record_version": 1,
            }
        )
    _assign_chairs(drafts)
    return [FacultyRecord.model_validate(draft) for draft in drafts]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _department(rng: random.Random) -> tuple[str, str | None]:
    name, _, divisions = rng.choices(
        DEPARTMENTS, weights=[size for _, size, _ in DEPARTMENTS]
    )[0]
    return name, (rng.choice(divisions) if divisions else None)


def _service_start(
    rng: random.Random, appointment: AppointmentType, today: date
) -> date:
    # Tenure is roughly exponential: many recent hires, a long tail back to 1985.
    first, last = date(FIRST_YEAR, 1, 1), min(date(LAST_YEAR, 12, 31), today)
    if appointment is AppointmentType.EMERITUS:
        last = date(2000, 12, 31)
    years_ago = rng.expovariate(1 / 10)
    if appointment is AppointmentType.VISITING:
        years_ago = rng.uniform(0.2, 3)
    start = today - timedelta(days=int(years_ago * 365.25))
    if not first <= start <= last:
        start = first + timedelta(days=rng.randrange((last - first).days))
    return start


def _rank(rng: random.Random, appointment: AppointmentType, years: float) -> str:
    if appointment is AppointmentType.EMERITUS:
        return "professor_emeritus"
    if years < 3:
        rank = rng.choices(["instructor", "assistant_professor"], [2, 8])[0]
    elif years < 8:
        rank = rng.choices(["assistant_professor", "associate_professor"], [8, 2])[0]
    elif years < 15:
        rank = rng.choices(
            ["assistant_professor", "associate_professor", "professor"], [3, 5, 2]
        )[0]
    elif years < 25:
        rank = rng.choices(["associate_professor", "professor"], [4, 6])[0]
    else:
        rank = rng.choices(["associate_professor", "professor"], [2, 8])[0]
    if appointment in (AppointmentType.ADJUNCT, AppointmentType.VISITING):
        return f"{appointment.value}_{rank}"
    return rank


def _unique_email(given: str, family: str, taken: set[str]) -> str:
    local = f"{_ascii(given)}.{_ascii(family)}"
    candidate, suffix = local, 1
    while f"{candidate}@{EMAIL_DOMAIN}" in taken:
        suffix += 1
        candidate = f"{local}{suffix}"
    email = f"{candidate}@{EMAIL_DOMAIN}"
    taken.add(email)
    return email


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower()) or "faculty"


def _assign_chairs(drafts: list[dict]) -> None:
    """The longest-serving full-time professor of each department supervises it."""
    chairs: dict[str, dict] = {}
    for draft in drafts:
        if draft["rank"] != "professor" or draft["employment_status"] != "active":
            continue
        current = chairs.get(draft["department"])
        if (
            current is None
            or draft["service_start_date"] < current["service_start_date"]
        ):
            chairs[draft["department"]] = draft
    for draft in drafts:
        chair = chairs.get(draft["department"])
        if chair is not None and chair is not draft:
            draft["supervisor_employee_id"] = chair["employee_id"]


def years_of_service(record: FacultyRecord, today: date) -> float:
    return (today - record.service_start_date).days / 365.25
