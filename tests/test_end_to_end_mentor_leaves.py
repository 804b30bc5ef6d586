"""A mentor who leaves: their matched mentee is told and the booked meeting is off."""

from __future__ import annotations

from icalendar import Calendar

from micromentor.embedded.smtp import EmbeddedSmtp
from services.notifications.app import definition as notifications
from services.scheduling.app import definition as scheduling
from services.scheduling.settings import SchedulingSettings
from shared.contracts.profiles import MentorDeactivated
from shared.envelope import new_event
from tests.kafka import wait_until
from tests.test_matching_service import start
from tests.test_notifications_service import mails, settings_for

MENTOR, MENTEE = "T700", "M700"
MENTOR_ADDRESS, MENTEE_ADDRESS = "t700@med.example.edu", "m700@med.example.edu"


def calendar_method(mail) -> str | None:
    for attachment in mail.iter_attachments():
        if attachment.get_content_type() == "text/calendar":
            return str(Calendar.from_ical(attachment.get_content())["METHOD"])
    return None


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def mail_to(smtp: EmbeddedSmtp, address: str) -> list:
    return [
        mail for mail in mails(smtp) if mail["To"].addresses[0].addr_spec == address
    ]


async def mail_arrived(smtp: EmbeddedSmtp, address: str, matches, what: str):
    async def found():
        return [mail for mail in mail_to(smtp, address) if matches(mail)] or None

    return await wait_until(found, what=what)


async def test_a_mentor_hr_deactivates_leaves_their_mentee_told_and_the_meeting_off(
    env, smtp
):
    program = await start(env)
    await env.start(scheduling, env.settings(SchedulingSettings))
    await env.start(notifications, settings_for(env, smtp.port))
    await program.faculty(MENTEE)
    await program.faculty(MENTOR, department="Surgery")
    await program.mentor(MENTOR)
    request_id = await program.request(MENTEE)
    [proposed] = await program.wait_for("MatchProposed", request_id)
    await program.answer(proposed, accept=True)
    [booked] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionScheduled"
    )
    await mail_arrived(
        smtp,
        MENTEE_ADDRESS,
        lambda mail: calendar_method(mail) == "REQUEST",
        "the mentee's meeting invitation",
    )

    deactivated = MentorDeactivated(
        employee_id=MENTOR, reason_code="separated", reason="HR reports separated"
    )
    await env.kafka.publish(
        env.topics.mentors,
        new_event(deactivated, subject=MENTOR, producer="profiles"),
        MENTOR,
    )

    [cancelled] = await program.wait_for("RequestCancelled", request_id)
    assert cancelled.payload["reason_code"] == "mentor_unavailable"
    assert cancelled.payload["matched_mentor_employee_id"] == MENTOR
    [closed] = await env.kafka.wait_for_events(
        env.topics.engagements, "EngagementClosed"
    )
    assert closed.payload["request_id"] == request_id
    assert closed.payload["reason_code"] == "cancelled"
    [called_off] = await env.kafka.wait_for_events(
        env.topics.engagements, "SessionCancelled"
    )
    assert called_off.payload["session_id"] == booked.payload["session_id"]
    assert called_off.payload["reason_code"] == "mentor_unavailable"

    [letter] = await mail_arrived(
        smtp,
        MENTEE_ADDRESS,
        lambda mail: str(mail["Subject"]) == "Your mentor can no longer meet with you",
        "the mentee's letter that their mentor left",
    )
    assert "submit a new request for the same need" in body(letter)
    assert "separated" not in body(letter)
    [mentee_cancel] = await mail_arrived(
        smtp,
        MENTEE_ADDRESS,
        lambda mail: calendar_method(mail) == "CANCEL",
        "the mentee's calendar cancellation",
    )
    assert "no longer available to mentor" in body(mentee_cancel)
    [mentor_cancel] = await mail_arrived(
        smtp,
        MENTOR_ADDRESS,
        lambda mail: calendar_method(mail) == "CANCEL",
        "the mentor's calendar cancellation",
    )
    assert "as you are no longer mentoring" in body(mentor_cancel)
    notifications_db = env.runtimes[-1].context.db
    async with notifications_db.pool.acquire() as conn:
        to_mentor = await conn.fetchval(
            "SELECT count(*) FROM messages WHERE recipient_employee_id = $1"
            " AND source_event_type = 'RequestCancelled'",
            MENTOR,
        )
    assert to_mentor == 0, "the mentor was told by their deactivation letter"
