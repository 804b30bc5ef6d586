"""The demo's roster, volunteers and requests: realistic and reproducible."""

from __future__ import annotations

from collections import Counter
from datetime import date

from micromentor.demo.requests import build_requests
from micromentor.demo.roster import build_roster
from micromentor.demo.volunteers import build_volunteers, is_eligible
from shared.contracts.catalogue import SEED_TOPIC_AREAS
from shared.contracts.hr import FacultyRecord


def test_the_same_seed_gives_the_same_roster_and_another_seed_a_different_one():
    assert build_roster(7, 600) == build_roster(7, 600)
    assert build_roster(7, 600) != build_roster(8, 600)


def test_the_roster_is_a_realistic_medical_school_with_unique_emails():
    roster = build_roster(7, 600)

    assert len(roster) >= 500
    assert len({r.department for r in roster}) >= 20
    assert len({r.email.lower() for r in roster}) == len(roster)
    assert len({r.employee_id for r in roster}) == len(roster)
    assert all(FacultyRecord.model_validate(r.model_dump()) == r for r in roster)
    appointments = Counter(r.appointment_type.value for r in roster)
    assert appointments.most_common(1)[0][0] == "full_time_regular"
    assert len(appointments) >= 5
    statuses = Counter(r.employment_status.value for r in roster)
    assert statuses["on_leave"] > 0 and statuses["separated"] > 0
    years = [r.service_start_date.year for r in roster]
    assert min(years) <= 1990 and max(years) >= 2024 and max(years) <= 2025
    assert {"assistant_professor", "associate_professor", "professor"} <= {
        r.rank for r in roster
    }


def test_volunteers_cover_every_topic_and_include_ineligible_faculty():
    roster = build_roster(7, 600)
    by_id = {r.employee_id: r for r in roster}

    volunteers = build_volunteers(roster, 7, 90)

    assert len(volunteers) == 90
    assert {t for v in volunteers for t in v.topics} == set(SEED_TOPIC_AREAS)
    assert all(1 <= len(v.topics) <= 4 for v in volunteers)
    ineligible = [
        v for v in volunteers if not is_eligible(by_id[v.employee_id], date.today())
    ]
    assert 5 <= len(ineligible) <= 20


def test_requests_cover_every_topic_with_one_request_per_mentee_and_topic():
    roster = build_roster(7, 600)
    active = {r.employee_id for r in roster if r.employment_status == "active"}

    requests = build_requests(roster, 7, 240)

    assert len(requests) == 240
    assert {r.topic for r in requests} == set(SEED_TOPIC_AREAS)
    assert len({(r.mentee_employee_id, r.topic) for r in requests}) == 240
    assert {r.mentee_employee_id for r in requests} <= active
    assert len({r.need_statement for r in requests}) > 200
    assert {r.meetings for r in requests} == {1, 2}
