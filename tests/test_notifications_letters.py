"""The letters themselves, rendered without a broker, database or SMTP server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from services.notifications.app import subscriptions
from services.notifications.domain.letters import LETTERS, render
from services.notifications.domain.recipients import NOTIFIED_EVENTS, addressees
from services.notifications.domain.setting import Contact, Setting
from services.notifications.settings import NotificationsSettings
from shared.contracts.routing import route_of_event
from shared.contracts.topics import Topics
from shared.platform.runtime import ServiceContext

MENTEE = Contact("E1", "Ada", "Okafor", "e1@med.example.edu")
MENTOR = Contact("M1", "Lin", "Moreau", "m1@med.example.edu")
SESSION_ID = uuid.uuid4()

FACTS = {
    "employee_id": "M1",
    "mentee_employee_id": "E1",
    "mentor_employee_id": "M1",
    "topics": ["academic-promotion"],
    "topic": "academic-promotion",
    "max_mentees": 2,
    "reason": "no mentor offers this topic area yet",
    "eligible_on": "2029-07-01",
    "need_statement": "How do I prepare my promotion dossier?",
    "rationale": "You mentor in this area and have room for one more mentee.",
    "meetings": 2,
    "expires_at": "2027-01-08T17:00:00+00:00",
    "session_id": str(SESSION_ID),
    "sequence": 1,
    "starts_at": "2027-01-12T14:00:00+00:00",
    "ends_at": "2027-01-12T15:00:00+00:00",
    "time_zone": "America/New_York",
    "meeting_format": "video",
    "sessions_held": 2,
    "resume_on": "2027-03-01",
    "resumed_by": "mentor",
    "requested_change": "pause",
    "matched_mentor_employee_id": "M1",
    "preferred_mentor_employee_id": "M1",
    "reason_code": "mentee_cancelled",
    "mentee_reason": "My chair has offered to help instead.",
    "actor": "M1",
}


def setting_for(recipient: Contact) -> Setting:
    return Setting(
        recipient=recipient,
        people={"E1": MENTEE, "M1": MENTOR},
        issued_at=datetime(2027, 1, 5, tzinfo=UTC),
        organizer_address="micro-mentoring@med.example.edu",
        portal_url="https://portal.med.example.edu/mentoring",
    )


@pytest.mark.parametrize("template", sorted(LETTERS))
def test_every_letter_greets_its_reader_by_name_and_is_signed(template):
    email = render(template, FACTS, setting_for(MENTOR))

    assert email.body.startswith("Dear Lin Moreau,")
    assert "Faculty Micro-Mentoring Program" in email.body
    assert "_" not in email.body, "no slugs or field names reach the reader"


def test_a_proposal_tells_the_mentor_the_need_the_reason_and_how_to_answer():
    email = render("match_proposed", FACTS, setting_for(MENTOR))

    assert "How do I prepare my promotion dossier?" in email.body
    assert "You mentor in this area" in email.body
    assert "accept or decline" in email.body
    assert "https://portal.med.example.edu/mentoring" in email.body


def test_a_meeting_letter_shows_the_mentors_local_time_and_carries_the_invite():
    email = render("session_scheduled", FACTS, setting_for(MENTEE))

    assert "09:00 to 10:00 (America/New York time)" in email.body
    invite = Calendar.from_ical(email.calendar)
    [event] = invite.walk("VEVENT")
    assert str(invite["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{SESSION_ID}@micromentor"
    assert event.decoded("DTSTART") == datetime(2027, 1, 12, 14, tzinfo=UTC)
    assert str(event["ORGANIZER"]) == "mailto:m1@med.example.edu"
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:e1@med.example.edu",
        "mailto:m1@med.example.edu",
    ]


def test_a_confirmed_match_is_one_letter_each_for_mentee_and_mentor():
    event_id = uuid.uuid4()

    letters = addressees(event_id, "MatchConfirmed", FACTS)

    assert {(x.recipient_employee_id, x.template) for x in letters} == {
        ("E1", "match_confirmed_mentee"),
        ("M1", "match_confirmed_mentor"),
    }
    assert addressees(event_id, "MatchConfirmed", FACTS) == letters


def test_every_event_with_letters_is_subscribed_on_the_topic_that_carries_it():
    topics = Topics()
    context = ServiceContext("notifications", NotificationsSettings(), topics)
    subscribed = {
        (subscription.topic, event)
        for subscription in subscriptions(context)
        for event in subscription.handlers
    }

    for event in NOTIFIED_EVENTS:
        assert (getattr(topics, route_of_event(event).topic), event) in subscribed
