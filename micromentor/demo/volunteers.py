"""Mentor volunteers drawn from the roster, a few of them ineligible on purpose."""

from __future__ import annotations

import random
from datetime import date, time

from micromentor.demo.roster import years_of_service
from shared.contracts.catalogue import SEED_TOPIC_AREAS
from shared.contracts.common import (
    AvailabilityWindow,
    DepartmentScope,
    MeetingFormat,
    WeeklyAvailability,
)
from shared.contracts.hr import AppointmentType, EmploymentStatus, FacultyRecord
from shared.contracts.profiles import MentorVolunteered

TIME_ZONE = "America/New_York"
# Seasoned faculty volunteer for some areas far more often than for others.
SUPPLY_WEIGHTS = {
    "academic-promotion": 9,
    "clarifying-goals": 7,
    "research-agenda": 7,
    "teaching-portfolio": 6,
    "educator-development": 6,
    "researcher-development": 6,
    "clinician-development": 6,
    "leader-development": 5,
    "mentoring-others": 5,
    "research-collaborations": 5,
    "professional-network": 5,
    "responding-to-feedback": 4,
    "service-opportunities": 4,
    "managing-expectations": 4,
    "work-life-balance": 3,
    "workplace-politics": 2,
}


def is_eligible(record: FacultyRecord, today: date) -> bool:
    return (
        record.employment_status is EmploymentStatus.ACTIVE
        and record.appointment_type is AppointmentType.FULL_TIME_REGULAR
        and years_of_service(record, today) >= 5
    )


def build_volunteers(
    roster: list[FacultyRecord],
    seed: int,
    count: int = 90,
    *,
    today: date | None = None,
) -> list[MentorVolunteered]:
    """``count`` submissions: most eligible, a few ineligible for each reason."""
    today = today or date.today()
    rng = random.Random(seed * 7919 + 1)
    eligible = [r for r in roster if is_eligible(r, today)]
    too_recent = [
        r
        for r in roster
        if r.employment_status is EmploymentStatus.ACTIVE
        and r.appointment_type is AppointmentType.FULL_TIME_REGULAR
        and years_of_service(r, today) < 5
    ]
    not_regular = [
        r
        for r in roster
        if r.employment_status is EmploymentStatus.ACTIVE
        and r.appointment_type is not AppointmentType.FULL_TIME_REGULAR
        and years_of_service(r, today) >= 5
    ]
    on_leave = [r for r in roster if r.employment_status is EmploymentStatus.ON_LEAVE]
    ineligible = (
        _pick(rng, too_recent, count * 6 // 100)
        + _pick(rng, not_regular, count * 4 // 100)
        + _pick(rng, on_leave, count * 3 // 100)
    )
    chosen = _pick(rng, eligible, count - len(ineligible))
    people = chosen + ineligible
    rng.shuffle(people)
    submissions = []
    for index, record in enumerate(people):
        first_topic = list(SEED_TOPIC_AREAS)[index % 16] if index < 32 else None
        submissions.append(_submission(rng, record, today, first_topic))
    return submissions


def _pick(rng: random.Random, pool: list, wanted: int) -> list:
    return rng.sample(pool, min(wanted, len(pool)))


def _submission(
    rng: random.Random, record: FacultyRecord, today: date, first_topic: str | None
) -> MentorVolunteered:
    topics = [first_topic] if first_topic else []
    wanted = rng.choices([1, 2, 3, 4], weights=[2, 4, 3, 1])[0]
    while len(topics) < wanted:
        topic = rng.choices(list(SUPPLY_WEIGHTS), list(SUPPLY_WEIGHTS.values()))[0]
        if topic not in topics:
            topics.append(topic)
    formats = rng.sample(list(MeetingFormat), rng.choice([1, 2, 2, 3]))
    return MentorVolunteered(
        employee_id=record.employee_id,
        topics=topics,
        statement=_statement(record, today, topics),
        max_mentees=rng.choices([1, 2, 3, 4, 5], weights=[2, 4, 4, 2, 1])[0],
        meeting_formats=formats,
        availability=_availability(rng),
        department_scope=rng.choices(list(DepartmentScope), weights=[1, 2, 12])[0],
    )


def _statement(record: FacultyRecord, today: date, topics: list[str]) -> str:
    rank = record.rank.replace("_", " ")
    unit = record.division or record.department
    areas = "; ".join(SEED_TOPIC_AREAS[t].lower() for t in topics)
    years = int(years_of_service(record, today))
    return (
        f"{rank.capitalize()} in {unit}, {years} years on the faculty. Glad to help"
        f" colleagues with {areas}."
    )


def _availability(rng: random.Random) -> WeeklyAvailability:
    days = sorted(rng.sample(range(5), rng.choice([1, 2, 2, 3])))
    windows = []
    for weekday in days:
        start_hour = rng.randint(7, 16)
        hours = rng.choice([1, 2, 2, 3])
        end_hour = min(start_hour + hours, 19)
        windows.append(
            AvailabilityWindow(
                weekday=weekday, start=time(start_hour), end=time(end_hour)
            )
        )
    return WeeklyAvailability(time_zone=TIME_ZONE, windows=windows)
