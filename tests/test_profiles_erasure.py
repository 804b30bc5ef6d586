"""Separated faculty's personal data is erased once retention ends."""

from __future__ import annotations

from services.profiles.app import definition
from services.profiles.data_retention import erase_expired_people
from services.profiles.settings import ProfilesSettings
from tests.factories import hr_record, volunteered
from tests.kafka import wait_until


async def _faculty_version(env, employee_id: str, version: int) -> bool:
    changes = await env.kafka.events(env.topics.faculty, "FacultyProfileChanged")
    return any(
        event.subject == employee_id and event.payload["record_version"] == version
        for event in changes
    )


async def test_a_separated_mentor_is_erased_after_retention_and_others_are_told(env):
    settings = env.settings(
        ProfilesSettings, separated_retention_days=0, erasure_poll_interval_s=0.2
    )
    runtime = await env.start(definition, settings)
    hr = env.topics.hr_faculty_records
    await env.kafka.publish(hr, hr_record("X100", given_name="Odile"), "X100")
    await env.kafka.publish(hr, hr_record("X200", given_name="Pavel"), "X200")
    await wait_until(lambda: _faculty_version(env, "X100", 1), what="X100 known")
    await env.kafka.publish(env.topics.mentor_submissions, volunteered("X100"))
    await env.kafka.wait_for_events(env.topics.mentors, "MentorApproved")

    separated = hr_record("X100", given_name="Odile", employment_status="separated")
    await env.kafka.publish(hr, {**separated, "record_version": 2}, "X100")

    [erased] = await env.kafka.wait_for_events(env.topics.faculty, "FacultyDataErased")
    assert erased.subject == "X100"
    assert erased.payload == {"employee_id": "X100"}
    [deactivated] = await env.kafka.wait_for_events(
        env.topics.mentors, "MentorDeactivated"
    )
    assert deactivated.payload["reason_code"] == "not_active"
    async with runtime.context.db.pool.acquire() as conn:
        people = {
            row["employee_id"]: dict(row)
            for row in await conn.fetch(
                "SELECT employee_id, given_name, family_name, email FROM faculty"
            )
        }
        statement = await conn.fetchval(
            "SELECT profile ->> 'statement' FROM mentors WHERE employee_id = 'X100'"
        )
    assert people["X100"]["given_name"] == "erased"
    assert people["X100"]["family_name"] == "X100"
    assert people["X100"]["email"] == "erased-58313030@erased.invalid"
    assert "Odile" not in str(people) and "x100@med.example.edu" not in str(people)
    assert statement == ""
    assert people["X200"]["given_name"] == "Pavel"


async def test_a_separated_person_within_retention_keeps_their_data(env):
    # The background poller runs once at start-up and then rests for an hour,
    # so only the calls below erase anything.
    settings = env.settings(
        ProfilesSettings, separated_retention_days=30, erasure_poll_interval_s=3600
    )
    runtime = await env.start(definition, settings)
    hr = env.topics.hr_faculty_records
    separated = hr_record("X300", given_name="Rosa", employment_status="separated")
    await env.kafka.publish(hr, separated, "X300")
    await wait_until(lambda: _faculty_version(env, "X300", 1), what="X300 known")

    erased_now = await erase_expired_people(runtime.context)
    async with runtime.context.db.pool.acquire() as conn:
        # Thirty-one days later, the same poll erases them.
        await conn.execute(
            "UPDATE faculty SET updated_at = now() - interval '31 days'"
            " WHERE employee_id = 'X300'"
        )
    erased_later = await erase_expired_people(runtime.context)

    assert (erased_now, erased_later) == (0, 1)
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyDataErased")


async def test_two_people_whose_ids_differ_only_in_case_are_both_erased(env):
    settings = env.settings(
        ProfilesSettings, separated_retention_days=0, erasure_poll_interval_s=0.2
    )
    runtime = await env.start(definition, settings)
    hr = env.topics.hr_faculty_records
    for employee_id, email in (("Q7", "quinn@med.example.edu"), ("q7", "q@x.edu")):
        record = hr_record(employee_id, email=email, employment_status="separated")
        await env.kafka.publish(hr, record, employee_id)

    erased = await env.kafka.wait_for_events(env.topics.faculty, "FacultyDataErased", 2)
    assert sorted(event.subject for event in erased) == ["Q7", "q7"]
    async with runtime.context.db.pool.acquire() as conn:
        addresses = await conn.fetch(
            "SELECT email FROM faculty WHERE employee_id IN ('Q7', 'q7')"
        )
    assert len({row["email"].lower() for row in addresses}) == 2
