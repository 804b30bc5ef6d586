"""The letters themselves, rendered without a broker, database or SMTP server."""

from __future__ import annotations

import re
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


def setting_for(recipient: Contact, **overrides) -> Setting:
    values = {
        "recipient": recipient,
        "people": {"E1": MENTEE, "M1": MENTOR},
        "issued_at": datetime(2027, 1, 5, tzinfo=UTC),
        "organizer_address": "micro-mentoring@med.example.edu",
        "portal_url": "https://portal.med.example.edu/mentoring",
    }
    values.update(overrides)
    return Setting(**values)


def without_zone_names(text: str) -> str:
    """The text without exact zone names such as (America/New_York)."""
    return re.sub(r"\([A-Za-z]+/[\w/+-]+\)", "", text)


@pytest.mark.parametrize("template", sorted(LETTERS))
def test_every_letter_greets_its_reader_by_name_and_is_signed(template):
    email = render(template, FACTS, setting_for(MENTOR))

    assert email.body.startswith("Dear Lin Moreau,")
    assert "Faculty Micro-Mentoring Program" in email.body
    assert "_" not in without_zone_names(email.body), "no slugs or field names"


def test_a_proposal_tells_the_mentor_the_need_the_reason_and_how_to_answer():
    email = render("match_proposed", FACTS, setting_for(MENTOR))

    assert "How do I prepare my promotion dossier?" in email.body
    assert "We suggested you because you mentor in this area" in email.body
    assert "accept or decline" in email.body
    assert "https://portal.med.example.edu/mentoring" in email.body


def test_a_proposal_explains_matchings_factors_in_a_sentence_to_the_mentor():
    facts = {
        **FACTS,
        "rationale": "named by the mentee; main factors: 3 of 3 mentee places free,"
        " never asked before, in the mentee's own department, as asked",
    }

    email = render("match_proposed", facts, setting_for(MENTOR))

    assert (
        "We suggested you because your colleague asked for you by name, all 3 of"
        " your mentee places are free, you have not been asked before and you are"
        " in their own department, as they asked." in email.body
    )
    assert "main factors" not in email.body
    assert "Why we thought of you" not in email.body


def test_two_free_places_out_of_two_read_as_both():
    facts = {**FACTS, "rationale": "main factors: 2 of 2 mentee places free"}

    email = render("match_proposed", facts, setting_for(MENTOR))

    assert "both of your mentee places are free" in email.body
    assert "all 2" not in email.body


def test_a_proposals_deadline_is_in_the_mentors_time_zone_when_known():
    in_new_york = setting_for(MENTOR, time_zones={"M1": "America/New_York"})

    local = render("match_proposed", FACTS, in_new_york)
    unknown = render("match_proposed", FACTS, setting_for(MENTOR))

    assert (
        "by Friday, 8 January 2027 at 12:00 New York time (America/New_York)"
        in local.body
    )
    assert "by Friday, 8 January 2027 at 17:00 (UTC)" in unknown.body


def test_a_meeting_letter_shows_the_mentors_local_time_and_carries_the_invite():
    email = render("session_scheduled", FACTS, setting_for(MENTEE))

    assert "09:00 to 10:00 New York time (America/New_York)" in email.body
    invite = Calendar.from_ical(email.calendar)
    [event] = invite.walk("VEVENT")
    assert str(invite["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"{SESSION_ID}@micromentor"
    assert event.decoded("DTSTART") == datetime(2027, 1, 12, 14, tzinfo=UTC)
    assert str(event["ORGANIZER"]) == "mailto:micro-mentoring@med.example.edu"
    assert event["ORGANIZER"].params["CN"] == "Faculty Micro-Mentoring Program"
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:e1@med.example.edu",
        "mailto:m1@med.example.edu",
    ]


@pytest.mark.parametrize(
    ("meeting_format", "location", "to_mentee", "to_mentor"),
    [
        (
            "video",
            "Video call (link from your mentor)",
            "Lin Moreau will send you the video link before the meeting.",
            "Please send Ada Okafor the video link before the meeting.",
        ),
        (
            "phone",
            "Phone call",
            "Lin Moreau will send you the phone number to call before the meeting.",
            "Please send Ada Okafor the phone number to call before the meeting.",
        ),
        (
            "in_person",
            "In person (place to be agreed)",
            "Lin Moreau will send you the room or place to meet before the meeting.",
            "Please send Ada Okafor the room or place to meet before the meeting.",
        ),
    ],
)
def test_a_meeting_letter_and_invite_say_where_to_meet_and_who_sends_it(
    meeting_format, location, to_mentee, to_mentor
):
    facts = {**FACTS, "meeting_format": meeting_format}

    mentee_letter = render("session_scheduled", facts, setting_for(MENTEE))
    mentor_letter = render("session_scheduled", facts, setting_for(MENTOR))

    assert to_mentee in mentee_letter.body
    assert to_mentor in mentor_letter.body
    [event] = Calendar.from_ical(mentee_letter.calendar).walk("VEVENT")
    assert str(event["LOCATION"]) == location
    assert "The mentor will send" in str(event["DESCRIPTION"])


def test_a_rejected_volunteer_reads_the_reason_and_the_day_only_once():
    facts = {
        **FACTS,
        "reason_code": "insufficient_service",
        "reason": "mentors need at least 5 years of service; you become eligible"
        " on 1 July 2029",
    }

    email = render("mentor_rejected", facts, setting_for(MENTOR))

    assert (
        "at this time: mentors need at least 5 years of service; you become"
        " eligible on 1 July 2029. You will be welcome to volunteer again from"
        " that day." in " ".join(email.body.split())
    )
    assert email.body.count("2029") == 1


@pytest.mark.parametrize("reason_code", ["no_mentor_available", "attempts_exhausted"])
def test_a_waitlisted_mentee_is_told_once_that_the_request_stays_open(reason_code):
    facts = {
        **FACTS,
        "reason_code": reason_code,
        "reason": "no mentor for this topic can take a mentee now; the request will"
        " be proposed as soon as one can",
    }

    email = render("request_waitlisted", facts, setting_for(MENTEE))

    assert "will be proposed" not in email.body
    assert email.body.count("as soon as") == 1
    assert "Your request stays open." in email.body


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
