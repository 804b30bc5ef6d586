"""Cancellations and refusals reach the right people through the running services."""

from __future__ import annotations

import uuid

from icalendar import Calendar

from services.notifications.app import definition as notifications
from services.scheduling.app import definition as scheduling
from services.scheduling.settings import SchedulingSettings
from shared.contracts.matching import (
    PreferredMentorUnavailable,
    ProposalWithdrawn,
    RequestCancelled,
)
from shared.envelope import new_event
from tests.test_notifications_service import (
    mail_count,
    publish_contacts,
    settings_for,
)
from tests.test_scheduling_service import match_confirmed


def cancelled(confirmed, *, reason_code: str, reason: str, mentee_reason=None):
    payload = RequestCancelled(
        request_id=confirmed.payload["request_id"],
        mentee_employee_id=confirmed.payload["mentee_employee_id"],
        topic=confirmed.payload["topic"],
        matched_mentor_employee_id=confirmed.payload["mentor_employee_id"],
        reason_code=reason_code,
        reason=reason,
        mentee_reason=mentee_reason,
    )
    return new_event(payload, subject=confirmed.subject, producer="matching")


def addressed_to(received, address: str) -> list:
    return [mail for mail in received if mail["To"].addresses[0].addr_spec == address]


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def calendar_of(mail) -> Calendar | None:
    attachments = list(mail.iter_attachments())
    if not attachments:
        return None
    [attachment] = attachments
    assert attachment.get_content_type() == "text/calendar"
    return Calendar.from_ical(attachment.get_content())


def with_calendar(received, method: str) -> list:
    return [
        mail
        for mail in received
        if (calendar := calendar_of(mail)) and str(calendar["METHOD"]) == method
    ]


async def start_both(env, smtp_port: int) -> None:
    await env.start(scheduling, env.settings(SchedulingSettings))
    await env.start(notifications, settings_for(env, smtp_port))


async def test_a_cancelled_match_tells_the_mentor_and_cancels_the_booked_meeting(
    env, smtp
):
    await start_both(env, smtp.port)
    await publish_contacts(env, "E100", "M100")
    confirmed = match_confirmed("M100", "E100")
    await env.kafka.publish(env.topics.matching, confirmed)
    # Two confirmation letters and two invitations.
    received = await mail_count(smtp, 4)
    [invite_mail] = with_calendar(
        addressed_to(received, "m100@med.example.edu"), "REQUEST"
    )
    [booked] = calendar_of(invite_mail).walk("VEVENT")

    await env.kafka.publish(
        env.topics.matching,
        cancelled(
            confirmed,
            reason_code="mentee_cancelled",
            reason="the mentee cancelled the request",
            mentee_reason="My chair has offered to help instead.",
        ),
    )

    received = await mail_count(smtp, 8)
    to_mentor = addressed_to(received, "m100@med.example.edu")
    [told] = [mail for mail in to_mentor if "cancelled" in str(mail["Subject"])]
    assert str(told["Subject"]) == "A mentoring engagement has been cancelled"
    assert "will not go ahead: the mentee cancelled the request" in body(told)
    assert "My chair has offered to help instead." in body(told)
    [cancel_mail] = with_calendar(to_mentor, "CANCEL")
    [event] = calendar_of(cancel_mail).walk("VEVENT")
    assert str(event["UID"]) == str(booked["UID"])
    assert event["SEQUENCE"] > booked["SEQUENCE"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART") == booked.decoded("DTSTART")
    to_mentee = addressed_to(received, "e100@med.example.edu")
    assert len(with_calendar(to_mentee, "CANCEL")) == 1
    assert "Your mentoring request is cancelled" in {
        str(mail["Subject"]) for mail in to_mentee
    }


async def test_an_inactive_mentees_cancellation_is_told_to_the_mentor_only(env, smtp):
    await start_both(env, smtp.port)
    await publish_contacts(env, "E200", "M200")
    confirmed = match_confirmed("M200", "E200")
    await env.kafka.publish(env.topics.matching, confirmed)
    await mail_count(smtp, 4)

    await env.kafka.publish(
        env.topics.matching,
        cancelled(
            confirmed,
            reason_code="mentee_inactive",
            reason="HR reports the mentee is no longer active",
        ),
    )

    # The engagement letter and the calendar cancellation, both to the mentor.
    received = await mail_count(smtp, 6)
    to_mentor = addressed_to(received, "m200@med.example.edu")
    to_mentee = addressed_to(received, "e200@med.example.edu")
    assert (len(to_mentor), len(to_mentee)) == (4, 2)
    assert len(with_calendar(to_mentor, "CANCEL")) == 1
    assert with_calendar(to_mentee, "CANCEL") == []
    assert any(
        "HR reports the mentee is no longer active" in body(mail) for mail in to_mentor
    )
    async with env.runtimes[1].context.db.pool.acquire() as conn:
        to_inactive_mentee = await conn.fetchval(
            "SELECT count(*) FROM messages WHERE recipient_employee_id = 'E200'"
            " AND source_event_type IN ('RequestCancelled', 'SessionCancelled')"
        )
    assert to_inactive_mentee == 0


async def test_a_mentee_hears_their_chosen_mentor_cannot_be_asked_and_why(env, smtp):
    await env.start(notifications, settings_for(env, smtp.port))
    await publish_contacts(env, "E300", "M300")
    request_id = uuid.uuid4()
    unavailable = PreferredMentorUnavailable(
        request_id=request_id,
        mentee_employee_id="E300",
        preferred_mentor_employee_id="M300",
        reason_code="at_capacity",
        reason="the mentor named already has as many mentees as they offered",
    )

    await env.kafka.publish(
        env.topics.matching,
        new_event(unavailable, subject=str(request_id), producer="matching"),
    )

    [mail] = await mail_count(smtp, 1)
    assert mail["To"].addresses[0].addr_spec == "e300@med.example.edu"
    text = body(mail)
    assert "We cannot ask Ada Okafor-M300" in text
    assert "already has as many mentees as they offered" in text
    assert "asking other mentors" in text


async def test_a_mentor_hears_a_withdrawn_proposal_needs_no_answer(env, smtp):
    await env.start(notifications, settings_for(env, smtp.port))
    await publish_contacts(env, "M400")
    request_id = uuid.uuid4()
    withdrawn = ProposalWithdrawn(
        request_id=request_id,
        proposal_id=uuid.uuid4(),
        mentor_employee_id="M400",
        topic="academic-promotion",
        reason_code="mentee_cancelled",
        reason="the mentee cancelled the request",
    )

    await env.kafka.publish(
        env.topics.matching,
        new_event(withdrawn, subject=str(request_id), producer="matching"),
    )

    [mail] = await mail_count(smtp, 1)
    assert mail["To"].addresses[0].addr_spec == "m400@med.example.edu"
    assert "do not need to answer" in body(mail)
    assert "the mentee cancelled the request" in body(mail)
