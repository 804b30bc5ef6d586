"""A mentor's own changes through the real broker and database."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.profiles.app import definition
from services.profiles.resumption import resume_due_mentors
from services.profiles.settings import ProfilesSettings
from shared.contracts.profiles import (
    MentorPauseRequested,
    MentorProfileUpdated,
    MentorResumeRequested,
    MentorWithdrawalRequested,
)
from tests.factories import hr_record, portal_event, volunteered
from tests.kafka import wait_until

NEW_YORK = ZoneInfo("America/New_York")


async def _approved_mentor(env, employee_id: str) -> None:
    hr = env.topics.hr_faculty_records
    await env.kafka.publish(hr, hr_record(employee_id), employee_id)
    await wait_until(
        lambda: _faculty_known(env, employee_id), what=f"{employee_id} from HR"
    )
    await env.kafka.publish(env.topics.mentor_submissions, volunteered(employee_id))
    await wait_until(
        lambda: _event_about(env, "MentorApproved", employee_id),
        what=f"{employee_id} approved",
    )


async def _faculty_known(env, employee_id: str) -> bool:
    changes = await env.kafka.events(env.topics.faculty, "FacultyProfileChanged")
    return any(event.subject == employee_id for event in changes)


async def _event_about(env, event_type: str, employee_id: str, count: int = 1):
    events = await env.kafka.events(env.topics.mentors, event_type)
    about = [event for event in events if event.subject == employee_id]
    return about if len(about) >= count else None


async def _submit(env, model, employee_id: str, *, actor: str | None = None, **fields):
    event = portal_event(
        model,
        {"employee_id": employee_id, **fields},
        subject=employee_id,
        actor=actor or employee_id,
    )
    await env.kafka.publish(env.topics.mentor_submissions, event)


def _tomorrow_in_new_york() -> date:
    return datetime.now(NEW_YORK).date() + timedelta(days=1)


async def _status(runtime, employee_id: str) -> str:
    async with runtime.context.db.pool.acquire() as conn:
        return await conn.fetchval(
            "SELECT status FROM mentors WHERE employee_id = $1", employee_id
        )


async def _outbox_empty(runtime) -> bool:
    async with runtime.context.db.pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def _resume_timer(runtime, employee_id: str):
    async with runtime.context.db.pool.acquire() as conn:
        return await conn.fetchval(
            "SELECT due_at FROM timers WHERE kind = 'mentor_resume' AND subject = $1",
            employee_id,
        )


async def test_a_mentor_changes_part_of_their_profile_and_the_full_profile_is_published(
    env,
):
    await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L100")

    await _submit(
        env,
        MentorProfileUpdated,
        "L100",
        topics=["work-life-balance"],
        max_mentees=4,
    )

    [changed] = await wait_until(
        lambda: _event_about(env, "MentorProfileChanged", "L100"),
        what="the changed profile",
    )
    profile = changed.payload
    assert profile["topics"] == ["work-life-balance"]
    assert profile["max_mentees"] == 4
    assert profile["statement"].startswith("I chaired the promotions committee")
    assert profile["meeting_formats"] == ["video", "in_person"]
    assert profile["department"] == "Medicine"
    assert profile["division"] == "Cardiology"
    assert profile["status"] == "active"


async def test_an_update_naming_an_unknown_topic_is_rejected_with_the_valid_topics(
    env,
):
    await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L110")

    await _submit(env, MentorProfileUpdated, "L110", topics=["astrology"])
    await _submit(env, MentorProfileUpdated, "L110", statement="Ask me about grants.")

    [rejected] = await wait_until(
        lambda: _event_about(env, "MentorChangeRejected", "L110"),
        what="the rejection",
    )
    assert rejected.payload["requested_change"] == "update_profile"
    assert rejected.payload["reason_code"] == "unknown_topic"
    assert "astrology" in rejected.payload["reason"]
    assert "academic-promotion" in rejected.payload["reason"]
    [changed] = await wait_until(
        lambda: _event_about(env, "MentorProfileChanged", "L110"),
        what="the later valid update",
    )
    assert changed.payload["topics"] == ["academic-promotion", "teaching-portfolio"]
    assert changed.payload["statement"] == "Ask me about grants."


async def test_changes_submitted_by_someone_else_or_for_a_non_mentor_are_rejected(
    env,
):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L120")
    hr = env.topics.hr_faculty_records
    await env.kafka.publish(hr, hr_record("L121"), "L121")

    await _submit(env, MentorWithdrawalRequested, "L120", actor="L121")
    await _submit(env, MentorPauseRequested, "L121")

    [not_self] = await wait_until(
        lambda: _event_about(env, "MentorChangeRejected", "L120"),
        what="the withdrawal by someone else rejected",
    )
    [not_mentor] = await wait_until(
        lambda: _event_about(env, "MentorChangeRejected", "L121"),
        what="the pause of a non-mentor rejected",
    )
    assert not_self.payload["reason_code"] == "not_self"
    assert not_self.payload["requested_change"] == "withdraw"
    assert not_mentor.payload["reason_code"] == "not_a_mentor"
    assert await _status(runtime, "L120") == "approved"


async def test_a_paused_mentor_is_resumed_by_the_timer_on_the_day_they_chose(env):
    runtime = await env.start(
        definition, env.settings(ProfilesSettings, resume_poll_interval_s=0.2)
    )
    await _approved_mentor(env, "L130")
    resume_on = _tomorrow_in_new_york()

    await _submit(env, MentorPauseRequested, "L130", resume_on=resume_on.isoformat())

    [paused] = await wait_until(
        lambda: _event_about(env, "MentorPaused", "L130"), what="the pause"
    )
    assert paused.payload["resume_on"] == resume_on.isoformat()
    assert await _status(runtime, "L130") == "paused"
    due_at = await _resume_timer(runtime, "L130")
    assert due_at == datetime.combine(resume_on, datetime.min.time(), NEW_YORK)

    async with runtime.context.db.pool.acquire() as conn:
        # Move the clock instead of waiting for midnight in New York.
        await conn.execute(
            "UPDATE timers SET due_at = now() - interval '1 second'"
            " WHERE kind = 'mentor_resume' AND subject = 'L130'"
        )

    [resumed] = await wait_until(
        lambda: _event_about(env, "MentorResumed", "L130"), what="the resumption"
    )
    assert resumed.payload["resumed_by"] == "schedule"
    assert await _status(runtime, "L130") == "approved"
    assert await _resume_timer(runtime, "L130") is None


async def test_resuming_early_cancels_the_timer_and_ill_fitting_requests_are_refused(
    env,
):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L140")
    resume_on = _tomorrow_in_new_york().isoformat()

    await _submit(env, MentorResumeRequested, "L140")
    await _submit(env, MentorPauseRequested, "L140", resume_on=resume_on)
    await _submit(env, MentorPauseRequested, "L140")
    await _submit(env, MentorResumeRequested, "L140")

    [resumed] = await wait_until(
        lambda: _event_about(env, "MentorResumed", "L140"), what="the resumption"
    )
    assert resumed.payload["resumed_by"] == "mentor"
    rejected = await wait_until(
        lambda: _event_about(env, "MentorChangeRejected", "L140", 2),
        what="two refusals",
    )
    refusals = [
        (event.payload["requested_change"], event.payload["reason_code"])
        for event in rejected
    ]
    assert refusals == [("resume", "not_paused"), ("pause", "not_active")]
    assert await _status(runtime, "L140") == "approved"
    assert await _resume_timer(runtime, "L140") is None


async def test_a_pause_whose_resume_date_has_passed_is_refused(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L145")
    yesterday = datetime.now(UTC).date() - timedelta(days=1)

    await _submit(env, MentorPauseRequested, "L145", resume_on=yesterday.isoformat())

    [rejected] = await wait_until(
        lambda: _event_about(env, "MentorChangeRejected", "L145"), what="the refusal"
    )
    assert rejected.payload["reason_code"] == "resume_date_not_future"
    assert await _status(runtime, "L145") == "approved"


async def test_a_withdrawn_mentor_can_no_longer_pause_or_change_their_profile(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L150")

    await _submit(env, MentorWithdrawalRequested, "L150")
    await _submit(env, MentorPauseRequested, "L150")
    await _submit(env, MentorProfileUpdated, "L150", max_mentees=1)

    await wait_until(
        lambda: _event_about(env, "MentorWithdrawn", "L150"), what="the withdrawal"
    )
    rejected = await wait_until(
        lambda: _event_about(env, "MentorChangeRejected", "L150", 2),
        what="two refusals",
    )
    assert {event.payload["reason_code"] for event in rejected} == {"not_a_mentor"}
    assert await _status(runtime, "L150") == "withdrawn"
    assert await _event_about(env, "MentorProfileChanged", "L150") is None


async def test_a_paused_mentor_may_update_their_profile_and_stays_paused(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _approved_mentor(env, "L160")

    await _submit(env, MentorPauseRequested, "L160")
    await _submit(env, MentorProfileUpdated, "L160", meeting_formats=["phone"])

    [changed] = await wait_until(
        lambda: _event_about(env, "MentorProfileChanged", "L160"), what="the update"
    )
    assert changed.payload["meeting_formats"] == ["phone"]
    assert changed.payload["status"] == "paused"
    assert await _status(runtime, "L160") == "paused"


async def test_replicas_polling_at_once_resume_each_due_mentor_exactly_once(env):
    settings = env.settings(ProfilesSettings, poll_batch_size=1)
    runtime = await env.start(definition, settings)
    mentors = ["L170", "L171", "L172"]
    for employee_id in mentors:
        await _approved_mentor(env, employee_id)
        resume_on = _tomorrow_in_new_york().isoformat()
        await _submit(env, MentorPauseRequested, employee_id, resume_on=resume_on)
    await env.kafka.wait_for_events(env.topics.mentors, "MentorPaused", 3)
    async with runtime.context.db.pool.acquire() as conn:
        await conn.execute("UPDATE timers SET due_at = now() - interval '1 second'")

    fired = await asyncio.gather(
        *(resume_due_mentors(runtime.context) for _ in range(5))
    )

    assert sum(fired) == 3
    await wait_until(lambda: _outbox_empty(runtime), what="every event published")
    resumed = await env.kafka.events(env.topics.mentors, "MentorResumed")
    assert sorted(event.subject for event in resumed) == mentors
    for employee_id in mentors:
        assert await _status(runtime, employee_id) == "approved"
