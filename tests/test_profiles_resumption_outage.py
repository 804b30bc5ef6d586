"""The automatic resumption of paused mentors outlives a PostgreSQL outage."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from shared.contracts.profiles import MentorPauseRequested
from tests.factories import hr_record, portal_event, volunteered
from tests.kafka import wait_until


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, dict):
            self.lines.append(record.msg)

    def about(self, event: str, task: str) -> list[dict]:
        return [
            line
            for line in self.lines
            if line.get("event") == event and line.get("task") == task
        ]


async def _event(env, topic: str, event_type: str) -> bool:
    return bool(await env.kafka.events(topic, event_type))


async def test_the_resume_poller_retries_through_an_outage_and_then_resumes(
    env, own_postgres
):
    capture = _Lines()
    logging.getLogger().addHandler(capture)
    try:
        settings = env.settings(
            ProfilesSettings,
            database_url=own_postgres.url(),
            consumer_group=f"resume-outage-{env.topics.prefix}",
            resume_poll_interval_s=0.2,
        )
        runtime = await env.start(definition, settings)
        await env.kafka.publish(env.topics.hr_faculty_records, hr_record("P100"))
        await wait_until(
            lambda: _event(env, env.topics.faculty, "FacultyProfileChanged"),
            what="the HR record",
        )
        await env.kafka.publish(env.topics.mentor_submissions, volunteered("P100"))
        await env.kafka.wait_for_events(env.topics.mentors, "MentorApproved")
        tomorrow = datetime.now(ZoneInfo("America/New_York")).date() + timedelta(1)
        pause = portal_event(
            MentorPauseRequested,
            {"employee_id": "P100", "resume_on": tomorrow.isoformat()},
            subject="P100",
            actor="P100",
        )
        await env.kafka.publish(env.topics.mentor_submissions, pause)
        await env.kafka.wait_for_events(env.topics.mentors, "MentorPaused")

        own_postgres.stop()
        failures = await wait_until(
            lambda: _at_least(
                capture.about("poll_failed_will_retry", "resume_paused_mentors"), 3
            ),
            what="the poller to retry against the stopped database",
        )
        own_postgres.start()

        async def timer_made_due() -> bool:
            try:
                async with runtime.context.db.pool.acquire() as conn:
                    await conn.execute(
                        "UPDATE timers SET due_at = now() WHERE subject = 'P100'"
                    )
                return True
            except Exception:
                return False

        await wait_until(timer_made_due, what="the database to come back")
        [resumed] = await env.kafka.wait_for_events(env.topics.mentors, "MentorResumed")
        assert resumed.payload["resumed_by"] == "schedule"
        delays = [line["retry_in_s"] for line in failures[:3]]
        assert delays == sorted(delays) and delays[0] < delays[-1]
        assert capture.about("poll_recovered", "resume_paused_mentors")
    finally:
        logging.getLogger().removeHandler(capture)


async def _at_least(items, count: int):
    return items if len(items) >= count else None
