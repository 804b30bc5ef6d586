"""Scheduling through the real broker and database: engagements and meetings."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from services.scheduling.app import definition
from services.scheduling.settings import SchedulingSettings
from shared.contracts.matching import MatchConfirmed
from shared.contracts.scheduling import SessionReported
from shared.envelope import new_event
from tests.factories import portal_event
from tests.kafka import wait_until
from tests.service_http import summary_of

WEEKDAY_MORNINGS = {
    "time_zone": "America/New_York",
    "windows": [{"weekday": day, "start": "09:00", "end": "12:00"} for day in range(5)],
}


def match_confirmed(mentor: str, mentee: str, *, meetings: int = 1, availability=None):
    request_id = uuid.uuid4()
    payload = MatchConfirmed(
        request_id=request_id,
        proposal_id=uuid.uuid4(),
        mentee_employee_id=mentee,
        mentor_employee_id=mentor,
        topic="academic-promotion",
        need_statement="How do I prepare my promotion dossier?",
        meetings=meetings,
        meeting_formats=["video", "in_person"],
        availability=availability or WEEKDAY_MORNINGS,
    )
    return new_event(payload, subject=str(request_id), producer="matching")


def session_reported(scheduled, *, actor: str, rating: int | None = 5):
    fields = {
        "engagement_id": scheduled.payload["engagement_id"],
        "session_id": scheduled.payload["session_id"],
        "rating": rating,
        "note": "Very helpful walk through the dossier.",
    }
    return portal_event(
        SessionReported, fields, subject=fields["engagement_id"], actor=actor
    )


def parsed(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def test_a_confirmed_match_books_a_meeting_in_the_mentors_hours_after_notice(env):
    await env.start(definition, env.settings(SchedulingSettings))
    confirmed = match_confirmed("M100", "E100")
    before = datetime.now(UTC)

    await env.kafka.publish(env.topics.matching, confirmed)

    [opened] = await env.kafka.wait_for_events(
        env.topics.engagements, "EngagementOpened"
    )
    [scheduled] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )
    request_id = confirmed.payload["request_id"]
    assert opened.payload["request_id"] == request_id
    assert opened.payload["planned_meetings"] == 1
    session = scheduled.payload
    assert scheduled.subject == session["engagement_id"] == opened.subject
    starts_at, ends_at = parsed(session["starts_at"]), parsed(session["ends_at"])
    assert starts_at >= before + timedelta(hours=48)
    assert ends_at - starts_at == timedelta(hours=1)
    local = starts_at.astimezone(ZoneInfo("America/New_York"))
    assert local.weekday() < 5 and 9 <= local.hour <= 11 and local.minute == 0
    assert session["time_zone"] == "America/New_York"
    assert session["meeting_format"] == "video"


async def test_two_replicas_never_give_the_same_mentor_hour_to_two_mentees(env):
    # A group of its own: with the embedded broker, a later service joining a
    # group that two replicas have just left waited for minutes.
    group = f"scheduling-replicas-{uuid.uuid4().hex[:8]}"
    settings = env.settings(SchedulingSettings, consumer_group=group)
    await env.start(definition, settings)
    await env.start(definition, settings)
    one_hour_a_week = {
        "time_zone": "Europe/Berlin",
        "windows": [{"weekday": 2, "start": "14:00", "end": "15:00"}],
    }
    matches = [
        match_confirmed("M200", f"E20{n}", availability=one_hour_a_week)
        for n in range(4)
    ]

    for confirmed in matches:
        await env.kafka.publish(env.topics.matching, confirmed)

    scheduled = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled", 4
    )
    starts = sorted(parsed(event.payload["starts_at"]) for event in scheduled)
    assert len(set(starts)) == 4
    assert all(
        later - earlier >= timedelta(days=7) for earlier, later in pairwise(starts)
    )


async def test_a_mentor_with_no_free_hour_gets_the_engagement_and_both_are_told(env):
    runtime = await env.start(
        definition,
        env.settings(
            SchedulingSettings, booking_lead_time_hours=0, booking_horizon_weeks=1
        ),
    )
    # A weekday three days from now occurs exactly once in the eight days searched.
    weekday = (datetime.now(UTC).weekday() + 3) % 7
    once = {
        "time_zone": "UTC",
        "windows": [{"weekday": weekday, "start": "10:00", "end": "11:00"}],
    }
    first = match_confirmed("M300", "E300", availability=once)
    second = match_confirmed("M300", "E301", availability=once)

    await env.kafka.publish(env.topics.matching, first)
    await env.kafka.publish(env.topics.matching, second)

    await env.kafka.wait_for_events(env.topics.engagements, "EngagementOpened", 2)
    [not_booked] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionNotBooked"
    )
    scheduled = await env.kafka.events(env.topics.engagements, "SessionScheduled")
    assert len(scheduled) == 1
    assert not_booked.payload["reason_code"] == "no_free_slot"
    assert not_booked.payload["reason"].startswith(
        "there is no free hour in the mentor's weekly availability in the week from"
    )
    assert not_booked.payload["mentor_employee_id"] == "M300"
    assert await summary_of(runtime) == {
        "engagements_open": 2,
        "engagements_closed": 0,
        "sessions_scheduled": 1,
        "sessions_completed": 0,
        "sessions_cancelled": 0,
        "engagements_without_meeting": 1,
    }


async def test_a_report_from_someone_outside_the_engagement_changes_nothing(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    await env.kafka.publish(env.topics.matching, match_confirmed("M400", "E400"))
    [scheduled] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )

    await env.kafka.publish(
        env.topics.session_reports, session_reported(scheduled, actor="E999")
    )

    [rejected] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionReportRejected"
    )
    assert rejected.payload["reason_code"] == "not_participant"
    assert rejected.payload["actor"] == "E999"
    assert await env.kafka.events(env.topics.engagements, "SessionCompleted") == []
    assert (await summary_of(runtime))["sessions_scheduled"] == 1


async def test_a_two_meeting_engagement_books_the_second_then_closes(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    await env.kafka.publish(
        env.topics.matching, match_confirmed("M500", "E500", meetings=2)
    )
    [first] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )

    await env.kafka.publish(
        env.topics.session_reports, session_reported(first, actor="E500")
    )

    [completed] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionCompleted"
    )
    scheduled = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled", 2
    )
    second = next(event for event in scheduled if event.payload["sequence"] == 2)
    assert completed.payload["session_id"] == first.payload["session_id"]
    assert completed.payload["reported_by"] == "E500"
    gap = parsed(second.payload["starts_at"]) - parsed(
        completed.payload["completed_at"]
    )
    assert gap >= timedelta(days=7)
    assert await env.kafka.events(env.topics.engagements, "EngagementClosed") == []

    await env.kafka.publish(
        env.topics.session_reports, session_reported(second, actor="M500")
    )

    [closed] = await env.kafka.wait_for_events(
        env.topics.engagements, "EngagementClosed"
    )
    assert closed.payload["sessions_held"] == 2
    assert closed.payload["reason_code"] == "completed"
    assert await summary_of(runtime) == {
        "engagements_open": 0,
        "engagements_closed": 1,
        "sessions_scheduled": 0,
        "sessions_completed": 2,
        "sessions_cancelled": 0,
        "engagements_without_meeting": 0,
    }


async def test_a_meeting_reported_twice_is_counted_once(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    await env.kafka.publish(
        env.topics.matching, match_confirmed("M600", "E600", meetings=2)
    )
    [first] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )
    report = session_reported(first, actor="E600")

    await env.kafka.publish(env.topics.session_reports, report)
    await env.kafka.publish(env.topics.session_reports, report)
    await env.kafka.publish(
        env.topics.session_reports, session_reported(first, actor="M600")
    )

    [rejected] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionReportRejected"
    )
    assert rejected.payload["reason_code"] == "session_not_scheduled"
    assert len(await env.kafka.events(env.topics.engagements, "SessionCompleted")) == 1
    assert len(await env.kafka.events(env.topics.engagements, "SessionScheduled")) == 2
    async with runtime.context.db.pool.acquire() as conn:
        feedback = await conn.fetch("SELECT employee_id, rating FROM feedback")
    assert [tuple(row) for row in feedback] == [("E600", 5)]


async def test_a_redelivered_confirmation_opens_no_second_engagement(env):
    runtime = await env.start(definition, env.settings(SchedulingSettings))
    confirmed = match_confirmed("M700", "E700")
    republished = new_event(
        MatchConfirmed.model_validate(confirmed.payload),
        subject=confirmed.subject,
        producer="matching",
    )

    await env.kafka.publish(env.topics.matching, confirmed)
    await env.kafka.publish(env.topics.matching, republished)
    # Same key, so it is handled after the repeat; its events are published after.
    later = match_confirmed("M701", "E701")
    await env.kafka.publish(env.topics.matching, later, confirmed.subject)

    async def later_booked():
        scheduled = await env.kafka.events(env.topics.engagements, "SessionScheduled")
        return any(e.payload["mentor_employee_id"] == "M701" for e in scheduled)

    await wait_until(later_booked, what="the confirmation after the repeat")
    assert len(await env.kafka.events(env.topics.engagements, "EngagementOpened")) == 2
    assert len(await env.kafka.events(env.topics.engagements, "SessionScheduled")) == 2
    assert (await summary_of(runtime))["engagements_open"] == 2
