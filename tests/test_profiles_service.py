"""Profiles through the real broker and database: HR feed and volunteering."""

from __future__ import annotations

from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from tests.factories import hr_record, volunteered
from tests.kafka import wait_until


async def test_an_hr_record_becomes_a_faculty_profile_event(env):
    await env.start(definition, env.settings(ProfilesSettings))

    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E100"), "E100")

    [changed] = await env.kafka.wait_for_events(
        env.topics.faculty, "FacultyProfileChanged"
    )
    assert changed.subject == "E100"
    assert changed.payload["email"] == "e100@med.example.edu"


async def test_an_older_hr_record_never_overwrites_a_newer_one(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    newer = hr_record("E101", record_version=3, department="Surgery")
    older = hr_record("E101", record_version=2, department="Pediatrics")

    await env.kafka.publish(env.topics.hr_faculty_records, newer, "E101")
    await env.kafka.publish(env.topics.hr_faculty_records, older, "E101")
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E102"), "E102")

    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged", 2)
    async with runtime.context.db.pool.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT department FROM faculty WHERE employee_id = 'E101'"
        )
    assert stored == "Surgery"


async def test_an_eligible_volunteer_is_approved_and_a_junior_one_rejected(env):
    await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E200"), "E200")
    junior = hr_record("E201", service_start_date="2024-07-01")
    await env.kafka.publish(env.topics.hr_faculty_records, junior, "E201")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged", 2)

    await env.kafka.publish(env.topics.mentor_submissions, volunteered("E200"))
    await env.kafka.publish(env.topics.mentor_submissions, volunteered("E201"))

    [approved] = await env.kafka.wait_for_events(env.topics.mentors, "MentorApproved")
    [rejected] = await env.kafka.wait_for_events(env.topics.mentors, "MentorRejected")
    assert approved.subject == "E200"
    assert approved.payload["department"] == "Medicine"
    assert rejected.payload["reason_code"] == "insufficient_service"
    assert rejected.payload["eligible_on"] == "2029-07-01"


async def test_volunteering_for_someone_else_is_rejected(env):
    await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E300"), "E300")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")

    await env.kafka.publish(
        env.topics.mentor_submissions, volunteered("E300", actor="E999")
    )

    [rejected] = await env.kafka.wait_for_events(env.topics.mentors, "MentorRejected")
    assert rejected.payload["reason_code"] == "not_self"


async def test_the_same_submission_delivered_twice_has_one_effect(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E400"), "E400")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")
    submission = volunteered("E400")

    await env.kafka.publish(env.topics.mentor_submissions, submission)
    await env.kafka.publish(env.topics.mentor_submissions, submission)
    later = volunteered("E401")
    await env.kafka.publish(env.topics.mentor_submissions, later, key="E400")

    async def later_applied():
        async with runtime.context.db.pool.acquire() as conn:
            return await conn.fetchval(
                "SELECT count(*) FROM volunteer_decisions WHERE event_id = $1",
                later.event_id,
            )

    await wait_until(later_applied, what="the message after the duplicate")
    async with runtime.context.db.pool.acquire() as conn:
        decisions = await conn.fetchval(
            "SELECT count(*) FROM volunteer_decisions WHERE event_id = $1",
            submission.event_id,
        )
    assert decisions == 1
    approvals = await env.kafka.events(env.topics.mentors, "MentorApproved")
    assert len(approvals) == 1
