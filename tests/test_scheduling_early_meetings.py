"""Meetings held before their booked hour: the hour is given back, the next spaced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.scheduling.app import definition
from services.scheduling.settings import SchedulingSettings
from tests.kafka import wait_until
from tests.test_scheduling_service import match_confirmed, parsed, session_reported

EVERY_HOUR_OF_EVERY_DAY = {
    "time_zone": "UTC",
    "windows": [{"weekday": day, "start": "00:00", "end": "23:59"} for day in range(7)],
}


def one_hour_three_days_ahead() -> dict:
    """A weekly window that occurs exactly once in the eight days searched."""
    weekday = (datetime.now(UTC).weekday() + 3) % 7
    return {
        "time_zone": "UTC",
        "windows": [{"weekday": weekday, "start": "10:00", "end": "11:00"}],
    }


async def test_a_meeting_reported_early_frees_its_hour_for_the_mentors_next_mentee(
    env,
):
    runtime = await env.start(
        definition,
        env.settings(
            SchedulingSettings, booking_lead_time_hours=0, booking_horizon_weeks=1
        ),
    )
    only_hour = one_hour_three_days_ahead()
    await env.kafka.publish(
        env.topics.matching, match_confirmed("M800", "E800", availability=only_hour)
    )
    [first] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )

    await env.kafka.publish(
        env.topics.session_reports, session_reported(first, actor="E800")
    )
    [completed] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionCompleted"
    )
    await env.kafka.publish(
        env.topics.matching, match_confirmed("M800", "E801", availability=only_hour)
    )

    async def second_mentees_meeting():
        for event_type in ("SessionScheduled", "SessionNotBooked"):
            for event in await env.kafka.events(env.topics.engagements, event_type):
                if event.payload["mentee_employee_id"] == "E801":
                    return event
        return None

    later = await wait_until(second_mentees_meeting, what="the second booking")
    assert later.event_type == "SessionScheduled"
    assert later.payload["starts_at"] == first.payload["starts_at"]
    async with runtime.context.db.pool.acquire() as conn:
        record = await conn.fetchrow(
            "SELECT status, starts_at, completed_at FROM sessions"
            " WHERE session_id = $1",
            completed.payload["session_id"],
        )
        holders = await conn.fetch(
            "SELECT employee_id, session_id::text FROM bookings"
            " WHERE starts_at = $1 ORDER BY employee_id",
            parsed(first.payload["starts_at"]),
        )
    assert record["status"] == "completed"
    assert record["starts_at"] == parsed(first.payload["starts_at"])
    assert record["completed_at"] == parsed(completed.payload["completed_at"])
    assert record["completed_at"] < record["starts_at"]
    assert [tuple(row) for row in holders] == [
        ("E801", later.payload["session_id"]),
        ("M800", later.payload["session_id"]),
    ]


async def test_the_next_meeting_after_an_early_one_is_spaced_from_the_report(env):
    await env.start(definition, env.settings(SchedulingSettings))
    await env.kafka.publish(
        env.topics.matching,
        match_confirmed(
            "M900", "E900", meetings=2, availability=EVERY_HOUR_OF_EVERY_DAY
        ),
    )
    [first] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )

    await env.kafka.publish(
        env.topics.session_reports, session_reported(first, actor="M900")
    )

    [completed] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionCompleted"
    )
    scheduled = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled", 2
    )
    [second] = [e for e in scheduled if e.payload["sequence"] == 2]
    reported_at = parsed(completed.payload["completed_at"])
    booked_first = parsed(first.payload["starts_at"])
    starts_at = parsed(second.payload["starts_at"])
    assert reported_at < booked_first - timedelta(days=1)
    assert reported_at + timedelta(days=7) <= starts_at
    assert starts_at < reported_at + timedelta(days=7, hours=3)
    assert starts_at < booked_first + timedelta(days=7)
