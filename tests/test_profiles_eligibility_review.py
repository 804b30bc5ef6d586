"""Every HR change re-decides whether a mentor may mentor, through Kafka and SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from shared.contracts.profiles import MentorPauseRequested, MentorWithdrawalRequested
from tests.factories import hr_record, portal_event, volunteered
from tests.kafka import wait_until


async def _faculty_version(env, employee_id: str, version: int) -> bool:
    changes = await env.kafka.events(env.topics.faculty, "FacultyProfileChanged")
    return any(
        event.subject == employee_id and event.payload["record_version"] == version
        for event in changes
    )


async def _event_about(env, event_type: str, employee_id: str):
    events = await env.kafka.events(env.topics.mentors, event_type)
    return [event for event in events if event.subject == employee_id]


async def _hr_change(env, employee_id: str, version: int, **fields) -> None:
    record = hr_record(employee_id, record_version=version, **fields)
    await env.kafka.publish(env.topics.hr_faculty_records, record, employee_id)
    await wait_until(
        lambda: _faculty_version(env, employee_id, version),
        what=f"{employee_id} HR version {version}",
    )


async def _approved_mentor(env, employee_id: str) -> None:
    await _hr_change(env, employee_id, 1)
    await env.kafka.publish(env.topics.mentor_submissions, volunteered(employee_id))
    await wait_until(
        lambda: _event_about(env, "MentorApproved", employee_id),
        what=f"{employee_id} approved",
    )


async def _everything_published(runtime) -> bool:
    async with runtime.context.db.pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def test_a_mentor_on_leave_is_deactivated_and_restored_when_they_return(env):
    await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "R100")

    await _hr_change(env, "R100", 2, employment_status="on_leave")
    [deactivated] = await wait_until(
        lambda: _event_about(env, "MentorDeactivated", "R100"),
        what="the deactivation",
    )
    await _hr_change(env, "R100", 3, department="Surgery", division=None)

    [restored] = await wait_until(
        lambda: _event_about(env, "MentorRestored", "R100"), what="the restoration"
    )
    assert deactivated.payload["reason_code"] == "not_active"
    assert restored.payload["topics"] == ["academic-promotion", "teaching-portfolio"]
    assert restored.payload["max_mentees"] == 2
    assert restored.payload["department"] == "Surgery"
    assert restored.payload["division"] is None


async def test_a_mentor_who_withdrew_is_not_restored_when_hr_makes_them_eligible(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "R200")
    await _hr_change(env, "R200", 2, employment_status="on_leave")
    await wait_until(
        lambda: _event_about(env, "MentorDeactivated", "R200"),
        what="the deactivation",
    )
    withdrawal = portal_event(
        MentorWithdrawalRequested, {"employee_id": "R200"}, subject="R200", actor="R200"
    )
    await env.kafka.publish(env.topics.mentor_submissions, withdrawal)
    await wait_until(
        lambda: _event_about(env, "MentorWithdrawn", "R200"), what="the withdrawal"
    )

    await _hr_change(env, "R200", 3, employment_status="active")

    await wait_until(lambda: _everything_published(runtime), what="an empty outbox")
    assert await _event_about(env, "MentorRestored", "R200") == []


async def test_a_change_of_appointment_deactivates_and_cancels_a_pending_resumption(
    env,
):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "R300")
    tomorrow = datetime.now(ZoneInfo("America/New_York")).date() + timedelta(days=1)
    pause = portal_event(
        MentorPauseRequested,
        {"employee_id": "R300", "resume_on": tomorrow.isoformat()},
        subject="R300",
        actor="R300",
    )
    await env.kafka.publish(env.topics.mentor_submissions, pause)
    await wait_until(lambda: _event_about(env, "MentorPaused", "R300"), what="pause")

    await _hr_change(env, "R300", 2, appointment_type="adjunct")

    [deactivated] = await wait_until(
        lambda: _event_about(env, "MentorDeactivated", "R300"),
        what="the deactivation",
    )
    assert deactivated.payload["reason_code"] == "not_full_time_regular"
    async with runtime.context.db.pool.acquire() as conn:
        timers = await conn.fetchval(
            "SELECT count(*) FROM timers WHERE subject = 'R300'"
        )
    assert timers == 0


async def test_a_mentor_who_moves_department_stays_listed_with_the_new_department(
    env,
):
    await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "R400")

    await _hr_change(env, "R400", 2, department="Pediatrics", division="Neonatology")

    [changed] = await wait_until(
        lambda: _event_about(env, "MentorProfileChanged", "R400"),
        what="the refreshed profile",
    )
    assert changed.payload["department"] == "Pediatrics"
    assert changed.payload["division"] == "Neonatology"
    assert changed.payload["status"] == "active"
    assert await _event_about(env, "MentorDeactivated", "R400") == []
