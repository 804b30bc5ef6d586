"""Mentoring requests from active faculty, spread over every topic area."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from micromentor.demo.need_statements import need_statement
from shared.contracts.catalogue import SEED_TOPIC_AREAS
from shared.contracts.common import MeetingFormat
from shared.contracts.hr import AppointmentType, EmploymentStatus, FacultyRecord
from shared.contracts.matching import ScopePreference

# Junior faculty ask most about promotion, research and balance.
DEMAND_WEIGHTS = {
    "academic-promotion": 14,
    "research-agenda": 9,
    "work-life-balance": 9,
    "clarifying-goals": 8,
    "teaching-portfolio": 7,
    "researcher-development": 7,
    "research-collaborations": 6,
    "professional-network": 6,
    "leader-development": 6,
    "managing-expectations": 5,
    "educator-development": 5,
    "clinician-development": 5,
    "workplace-politics": 4,
    "responding-to-feedback": 4,
    "mentoring-others": 3,
    "service-opportunities": 3,
}
JUNIOR_RANKS = ("instructor", "assistant_professor")
# Matching refuses a fourth open request from one mentee; the portal would too.
MAX_REQUESTS_PER_MENTEE = 3


@dataclass(frozen=True)
class PlannedRequest:
    """A request the demo will submit; the id is chosen when it is sent."""

    index: int
    mentee_employee_id: str
    topic: str
    need_statement: str
    meetings: int
    scope_preference: ScopePreference
    meeting_format: MeetingFormat | None


def build_requests(
    roster: list[FacultyRecord], seed: int, count: int = 240
) -> list[PlannedRequest]:
    """``count`` requests; each mentee asks about a topic at most once."""
    rng = random.Random(seed * 104729 + 2)
    askers = [
        r
        for r in roster
        if r.employment_status is EmploymentStatus.ACTIVE
        and r.appointment_type
        not in (AppointmentType.EMERITUS, AppointmentType.VOLUNTEER)
    ]
    weights = [3 if r.rank.endswith(JUNIOR_RANKS) else 1 for r in askers]
    departments = sorted({r.department for r in roster})
    topics = list(SEED_TOPIC_AREAS)
    asked: set[tuple[str, str]] = set()
    per_mentee: Counter[str] = Counter()
    planned: list[PlannedRequest] = []
    while len(planned) < min(count, len(askers) * MAX_REQUESTS_PER_MENTEE):
        mentee = rng.choices(askers, weights=weights)[0]
        topic = (
            topics[len(planned)]
            if len(planned) < len(topics)
            else rng.choices(topics, list(DEMAND_WEIGHTS[t] for t in topics))[0]
        )
        if (mentee.employee_id, topic) in asked or (
            per_mentee[mentee.employee_id] >= MAX_REQUESTS_PER_MENTEE
        ):
            continue
        per_mentee[mentee.employee_id] += 1
        asked.add((mentee.employee_id, topic))
        other = rng.choice([d for d in departments if d != mentee.department])
        planned.append(
            PlannedRequest(
                index=len(planned),
                mentee_employee_id=mentee.employee_id,
                topic=topic,
                need_statement=need_statement(
                    rng, topic, mentee.division or mentee.department, other
                ),
                meetings=rng.choices([1, 2], weights=[11, 9])[0],
                scope_preference=rng.choices(list(ScopePreference), weights=[1, 2, 7])[
                    0
                ],
                meeting_format=rng.choices(
                    [None, *MeetingFormat], weights=[12, 2, 5, 1]
                )[0],
            )
        )
    return planned
