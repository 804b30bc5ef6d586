"""A cancelled request through the real broker and database: its meetings end."""

from __future__ import annotations

from services.scheduling.app import definition
from services.scheduling.domain.engagements import engagement_id_for
from services.scheduling.settings import SchedulingSettings
from shared.contracts.matching import RequestCancelled
from shared.contracts.profiles import FacultyDataErased
from shared.envelope import new_event
from tests.kafka import wait_until
from tests.test_scheduling_service import (
    match_confirmed,
    parsed,
    session_reported,
    summary_of,
)

ONE_HOUR_A_WEEK = {
    "time_zone": "Europe/Berlin",
    "windows": [{"weekday": 2, "start": "14:00", "end": "15:00"}],
}


def request_cancelled(confirmed, *, reason_code: str = "mentee_cancelled"):
    payload = RequestCancelled(
        request_id=confirmed.payload["request_id"],
        mentee_employee_id=confirmed.payload["mentee_employee_id"],
        topic=confirmed.payload["topic"],
        matched_mentor_employee_id=confirmed.payload["mentor_employee_id"],
        reason_code=reason_code,
        reason="the mentee cancelled the request",
    )
    return new_event(payload, subject=confirmed.subject, producer="matching")


async def booked(env, confirmed):
    """The first meeting booked for this confirmation's engagement."""
    engagement_id = str(engagement_id_for(confirmed.payload["request_id"]))

    async def first_meeting():
        scheduled = await env.kafka.events(env.topics.engagements, "SessionScheduled")
        return next(
            (event for event in scheduled if event.subject == engagement_id), None
        )

    return await wait_until(first_meeting, what=f"a meeting for {engagement_id}")


async def test_a_cancelled_request_calls_off_its_meeting_and_closes_as_cancelled(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    confirmed = match_confirmed("M100", "E100", meetings=2)
    await env.kafka.publish(env.topics.matching, confirmed)
    scheduled = await booked(env, confirmed)

    await env.kafka.publish(env.topics.matching, request_cancelled(confirmed))

    [cancelled] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionCancelled"
    )
    [closed] = await env.kafka.wait_for_events(
        env.topics.engagements, "EngagementClosed"
    )
    session = scheduled.payload
    assert cancelled.subject == scheduled.subject
    assert cancelled.payload["session_id"] == session["session_id"]
    assert cancelled.payload["sequence"] == 1
    assert cancelled.payload["starts_at"] == session["starts_at"]
    assert cancelled.payload["mentee_employee_id"] == "E100"
    assert cancelled.payload["mentor_employee_id"] == "M100"
    assert cancelled.payload["reason_code"] == "mentee_cancelled"
    assert closed.payload["reason_code"] == "cancelled"
    assert closed.payload["sessions_held"] == 0
    assert await summary_of(runtime) == {
        "engagements_open": 0,
        "engagements_closed": 1,
        "sessions_scheduled": 0,
        "sessions_completed": 0,
        "sessions_cancelled": 1,
        "engagements_without_meeting": 0,
    }


async def test_the_hour_of_a_cancelled_meeting_can_be_booked_by_another_mentee(env):
    await env.start(definition, env.settings(SchedulingSettings))
    first = match_confirmed("M200", "E200", availability=ONE_HOUR_A_WEEK)
    await env.kafka.publish(env.topics.matching, first)
    freed_hour = (await booked(env, first)).payload["starts_at"]

    await env.kafka.publish(env.topics.matching, request_cancelled(first))
    await env.kafka.wait_for_events(env.topics.engagements, "EngagementClosed")
    second = match_confirmed("M200", "E201", availability=ONE_HOUR_A_WEEK)
    await env.kafka.publish(env.topics.matching, second)

    scheduled = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled", 2
    )
    rebooked = next(e for e in scheduled if e.payload["mentee_employee_id"] == "E201")
    assert parsed(rebooked.payload["starts_at"]) == parsed(freed_hour)


async def test_a_cancellation_delivered_again_has_a_single_effect(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    confirmed = match_confirmed("M300", "E300", meetings=2)
    await env.kafka.publish(env.topics.matching, confirmed)
    await booked(env, confirmed)
    cancellation = request_cancelled(confirmed)
    republished = new_event(
        RequestCancelled.model_validate(cancellation.payload),
        subject=cancellation.subject,
        producer="matching",
    )

    await env.kafka.publish(env.topics.matching, cancellation)
    await env.kafka.publish(env.topics.matching, cancellation)
    await env.kafka.publish(env.topics.matching, republished)
    # Same key, so it is handled after all three copies.
    later = match_confirmed("M301", "E301")
    await env.kafka.publish(env.topics.matching, later, confirmed.subject)

    await wait_until(
        lambda: env.kafka.wait_for_events(
            env.topics.engagements, "SessionScheduled", 2
        ),
        what="the confirmation published after the copies",
    )
    assert len(await env.kafka.events(env.topics.engagements, "SessionCancelled")) == 1
    assert len(await env.kafka.events(env.topics.engagements, "EngagementClosed")) == 1
    summary = await summary_of(runtime)
    assert (summary["engagements_closed"], summary["sessions_cancelled"]) == (1, 1)


async def test_a_cancelled_request_without_an_engagement_changes_nothing(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    confirmed = match_confirmed("M400", "E400")
    never_matched = match_confirmed("M401", "E401")

    await env.kafka.publish(
        env.topics.matching, request_cancelled(never_matched), confirmed.subject
    )
    await env.kafka.publish(env.topics.matching, confirmed)

    await booked(env, confirmed)
    assert await env.kafka.events(env.topics.engagements, "SessionCancelled") == []
    assert await env.kafka.events(env.topics.engagements, "EngagementClosed") == []
    assert (await summary_of(runtime))["engagements_open"] == 1


async def test_a_meeting_held_before_the_cancellation_is_kept_and_counted(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    confirmed = match_confirmed("M500", "E500", meetings=2)
    await env.kafka.publish(env.topics.matching, confirmed)
    first = await booked(env, confirmed)
    await env.kafka.publish(
        env.topics.session_reports, session_reported(first, actor="E500")
    )
    scheduled = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled", 2
    )
    second = next(event for event in scheduled if event.payload["sequence"] == 2)

    await env.kafka.publish(env.topics.matching, request_cancelled(confirmed))

    [cancelled] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionCancelled"
    )
    [closed] = await env.kafka.wait_for_events(
        env.topics.engagements, "EngagementClosed"
    )
    assert cancelled.payload["session_id"] == second.payload["session_id"]
    assert closed.payload["sessions_held"] == 1
    summary = await summary_of(runtime)
    assert (summary["sessions_completed"], summary["sessions_cancelled"]) == (1, 1)


async def test_an_erased_persons_feedback_note_is_blanked_and_others_kept(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    ours = match_confirmed("M600", "E600", meetings=2)
    theirs = match_confirmed("M601", "E601", meetings=2)
    await env.kafka.publish(env.topics.matching, ours)
    await env.kafka.publish(env.topics.matching, theirs)
    for confirmed, mentee in ((ours, "E600"), (theirs, "E601")):
        first = await booked(env, confirmed)
        await env.kafka.publish(
            env.topics.session_reports, session_reported(first, actor=mentee)
        )
    await env.kafka.wait_for_events(env.topics.engagements, "SessionCompleted", 2)

    erased = new_event(
        FacultyDataErased(employee_id="E600"), subject="E600", producer="profiles"
    )
    await env.kafka.publish(env.topics.faculty, erased)

    async def notes() -> dict:
        async with runtime.context.db.pool.acquire() as conn:
            rows = await conn.fetch("SELECT employee_id, note, rating FROM feedback")
        return {row["employee_id"]: (row["note"], row["rating"]) for row in rows}

    async def blanked():
        found = await notes()
        return found if found.get("E600", ("",))[0] is None else None

    found = await wait_until(blanked, what="E600's note blanked")
    assert found["E600"] == (None, 5)
    assert found["E601"] == ("Very helpful walk through the dossier.", 5)
