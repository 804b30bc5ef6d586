"""A mentor's deadline is written in their own time, known from profiles' events."""

from __future__ import annotations

from datetime import UTC, datetime

from services.notifications.app import definition
from shared.contracts.profiles import MentorApproved
from shared.envelope import new_event
from tests.test_notifications_service import (
    mail_count,
    match_proposed,
    publish_contacts,
    settings_for,
)


def mentor_approved(employee_id: str, time_zone: str):
    payload = MentorApproved(
        employee_id=employee_id,
        topics=["academic-promotion"],
        statement="I chaired the promotions committee for six years.",
        max_mentees=2,
        meeting_formats=["video"],
        availability={
            "time_zone": time_zone,
            "windows": [{"weekday": 1, "start": "09:00", "end": "12:00"}],
        },
        department="Medicine",
    )
    return new_event(payload, subject=employee_id, producer="profiles")


def proposal_expiring_at(mentee: str, mentor: str, expires_at: datetime):
    proposed = match_proposed(mentee, mentor)
    payload = {**proposed.payload, "expires_at": expires_at.isoformat()}
    return proposed.model_copy(update={"payload": payload})


async def test_a_proposal_deadline_is_written_in_the_mentors_own_time(env, smtp):
    await env.start(definition, settings_for(env, smtp.port))
    await publish_contacts(env, "E100", "M100", "E101", "M101")
    await env.kafka.publish(
        env.topics.mentors, mentor_approved("M100", "America/Los_Angeles")
    )
    await mail_count(smtp, 1)
    expires_at = datetime(2027, 1, 8, 17, 0, tzinfo=UTC)

    await env.kafka.publish(
        env.topics.matching, proposal_expiring_at("E100", "M100", expires_at)
    )
    await env.kafka.publish(
        env.topics.matching, proposal_expiring_at("E101", "M101", expires_at)
    )

    received = await mail_count(smtp, 3)
    proposals = {
        str(mail["To"].addresses[0].addr_spec): " ".join(
            mail.get_body(("plain",)).get_content().split()
        )
        for mail in received
        if mail["Subject"] == "A colleague would value your guidance"
    }
    assert (
        "by Friday, 8 January 2027 at 09:00 Los Angeles time (America/Los_Angeles)"
        in proposals["m100@med.example.edu"]
    )
    assert (
        "by Friday, 8 January 2027 at 17:00 (UTC)" in proposals["m101@med.example.edu"]
    )
