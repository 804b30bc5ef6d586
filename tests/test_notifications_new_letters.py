"""Letters about pauses, withdrawals, cancellations and refusals, rendered alone."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from services.notifications.adapters.mailer import compose
from services.notifications.domain.letters import render
from services.notifications.domain.recipients import addressees
from services.notifications.domain.setting import Contact, Setting
from services.notifications.settings import NotificationsSettings
from shared.contracts.matching import (
    PreferredMentorUnavailable,
    ProposalResponseRejected,
    ProposalWithdrawn,
    RequestCancellationRejected,
    RequestCancelled,
)
from shared.contracts.profiles import (
    MentorChangeRejected,
    MentorPaused,
    MentorRestored,
    MentorResumed,
    MentorWithdrawn,
)
from shared.contracts.scheduling import SessionCancelled, SessionReportRejected
from tests.test_notifications_letters import without_zone_names

MENTEE = Contact("E1", "Ada", "Okafor", "e1@med.example.edu")
MENTOR = Contact("M1", "Lin", "Moreau", "m1@med.example.edu")
REQUEST_ID = uuid.uuid4()
SESSION_ID = uuid.uuid4()
STARTS_AT = datetime(2027, 1, 12, 14, tzinfo=UTC)
AVAILABILITY = {
    "time_zone": "America/New_York",
    "windows": [{"weekday": 1, "start": "09:00", "end": "12:00"}],
}


def setting_for(recipient: Contact) -> Setting:
    return Setting(
        recipient=recipient,
        people={"E1": MENTEE, "M1": MENTOR},
        issued_at=datetime(2027, 1, 5, tzinfo=UTC),
        organizer_address="micro-mentoring@med.example.edu",
        portal_url="https://portal.med.example.edu/mentoring",
    )


def facts(event) -> dict:
    return event.model_dump(mode="json")


def request_cancelled(reason_code: str, *, matched: bool = True) -> dict:
    reasons = {
        "mentee_cancelled": "the mentee cancelled the request",
        "mentee_inactive": "HR reports the mentee is no longer active",
        "mentor_unavailable": "your mentor is no longer available to mentor",
    }
    return facts(
        RequestCancelled(
            request_id=REQUEST_ID,
            mentee_employee_id="E1",
            topic="academic-promotion",
            matched_mentor_employee_id="M1" if matched else None,
            reason_code=reason_code,
            reason=reasons[reason_code],
            mentee_reason="My chair has offered to help instead."
            if reason_code == "mentee_cancelled"
            else None,
        )
    )


def session_cancelled(
    reason_code: str = "mentee_cancelled",
    reason: str = "the mentee cancelled the request",
) -> dict:
    return facts(
        SessionCancelled(
            engagement_id=uuid.uuid4(),
            session_id=SESSION_ID,
            sequence=1,
            mentee_employee_id="E1",
            mentor_employee_id="M1",
            topic="academic-promotion",
            starts_at=STARTS_AT,
            ends_at=STARTS_AT + timedelta(hours=1),
            time_zone="America/New_York",
            reason_code=reason_code,
            reason=reason,
        )
    )


# (template, facts, reader, what the reader must be told)
CASES = [
    (
        "mentor_paused",
        facts(MentorPaused(employee_id="M1", resume_on=date(2027, 3, 1))),
        MENTOR,
        ["paused", "Monday, 1 March 2027"],
    ),
    (
        "mentor_paused",
        facts(MentorPaused(employee_id="M1")),
        MENTOR,
        ["paused", "no end date"],
    ),
    (
        "mentor_resumed",
        facts(MentorResumed(employee_id="M1", resumed_by="schedule")),
        MENTOR,
        ["listed in the mentor pool again", "on the day you chose"],
    ),
    (
        "mentor_resumed",
        facts(MentorResumed(employee_id="M1", resumed_by="mentor")),
        MENTOR,
        ["listed in the mentor pool again", "As you asked"],
    ),
    (
        "mentor_withdrawn",
        facts(MentorWithdrawn(employee_id="M1")),
        MENTOR,
        ["no longer in the micro-mentoring pool"],
    ),
    (
        "mentor_restored",
        facts(
            MentorRestored(
                employee_id="M1",
                topics=["academic-promotion"],
                statement="I chaired the promotions committee.",
                max_mentees=2,
                meeting_formats=["video"],
                availability=AVAILABILITY,
                department="Medicine",
            )
        ),
        MENTOR,
        ["update to your faculty record", "listed once more", "promotion"],
    ),
    (
        "mentor_change_rejected",
        facts(
            MentorChangeRejected(
                employee_id="M1",
                requested_change="pause",
                reason_code="resume_date_too_far",
                reason="a pause may last at most 180 days",
            )
        ),
        MENTOR,
        ["Your request to pause your mentoring was not made", "at most 180 days"],
    ),
    (
        "request_cancelled_mentee",
        request_cancelled("mentee_cancelled"),
        MENTEE,
        ["is cancelled", "We have let Lin Moreau know", "promotion"],
    ),
    (
        "request_cancelled_mentor",
        request_cancelled("mentee_cancelled"),
        MENTOR,
        [
            "with Ada Okafor",
            "will not go ahead: the mentee cancelled the request",
            "My chair has offered to help instead.",
        ],
    ),
    (
        "request_cancelled_mentor",
        request_cancelled("mentee_inactive"),
        MENTOR,
        ["will not go ahead: HR reports the mentee is no longer active"],
    ),
    (
        "mentor_no_longer_available",
        request_cancelled("mentor_unavailable"),
        MENTEE,
        [
            "Lin Moreau, who agreed to mentor you on",
            "promotion",
            "no longer available to mentor",
            "meeting already booked with them is cancelled",
            "submit a new request for the same need",
            "https://portal.med.example.edu/mentoring",
        ],
    ),
    (
        "session_cancelled",
        session_cancelled(
            "mentor_unavailable", "your mentor is no longer available to mentor"
        ),
        MENTEE,
        ["with Lin Moreau", "cancelled: your mentor is no longer available"],
    ),
    (
        "session_cancelled",
        session_cancelled(
            "mentor_unavailable", "your mentor is no longer available to mentor"
        ),
        MENTOR,
        ["with Ada Okafor", "cancelled: as you are no longer mentoring"],
    ),
    (
        "proposal_withdrawn",
        facts(
            ProposalWithdrawn(
                request_id=REQUEST_ID,
                proposal_id=uuid.uuid4(),
                mentor_employee_id="M1",
                topic="academic-promotion",
                reason_code="mentee_cancelled",
                reason="the mentee cancelled the request",
            )
        ),
        MENTOR,
        ["withdrawn: the mentee cancelled the request", "do not need to answer"],
    ),
    (
        "proposal_withdrawn",
        facts(
            ProposalWithdrawn(
                request_id=REQUEST_ID,
                proposal_id=uuid.uuid4(),
                mentor_employee_id="M1",
                topic="academic-promotion",
                reason_code="expired",
                reason="there was no answer within 72 hours, so it has been passed on",
            )
        ),
        MENTOR,
        [
            "no longer needs your answer: there was no answer within 72 hours",
            "pause your mentoring with a return date",
        ],
    ),
    (
        "request_cancellation_rejected",
        facts(
            RequestCancellationRejected(
                request_id=REQUEST_ID,
                mentee_employee_id="E1",
                actor="E1",
                reason_code="request_closed",
                reason="the request is already completed and can no longer be"
                " cancelled",
            )
        ),
        MENTEE,
        ["could not cancel", "already completed"],
    ),
    (
        "preferred_mentor_unavailable",
        facts(
            PreferredMentorUnavailable(
                request_id=REQUEST_ID,
                mentee_employee_id="E1",
                preferred_mentor_employee_id="M1",
                reason_code="at_capacity",
                reason="the mentor named already has as many mentees as they offered",
            )
        ),
        MENTEE,
        [
            "cannot ask Lin Moreau",
            "already has as many mentees",
            "asking other mentors",
        ],
    ),
    (
        "proposal_response_rejected",
        facts(
            ProposalResponseRejected(
                request_id=REQUEST_ID,
                proposal_id=uuid.uuid4(),
                actor="M1",
                reason_code="proposal_not_open",
                reason="the proposal is already expired and can no longer be answered",
            )
        ),
        MENTOR,
        ["could not record your answer", "already expired"],
    ),
    (
        "session_report_rejected",
        facts(
            SessionReportRejected(
                engagement_id=uuid.uuid4(),
                session_id=SESSION_ID,
                actor="E1",
                reason_code="session_not_scheduled",
                reason="this meeting is already completed; it cannot be reported again",
            )
        ),
        MENTEE,
        ["could not record your report", "already completed"],
    ),
    (
        "session_cancelled",
        session_cancelled(),
        MENTEE,
        ["with Lin Moreau", "09:00 to 10:00", "cancelled: as you cancelled"],
    ),
    (
        "session_cancelled",
        session_cancelled(),
        MENTOR,
        ["with Ada Okafor", "09:00 to 10:00", "cancelled: the mentee cancelled"],
    ),
]


@pytest.mark.parametrize(
    ("template", "event_facts", "reader", "told"),
    CASES,
    ids=[f"{case[0]}-{n}" for n, case in enumerate(CASES)],
)
def test_each_new_letter_greets_its_reader_and_says_what_happened_and_why(
    template, event_facts, reader, told
):
    email = render(template, event_facts, setting_for(reader))

    assert email.body.startswith(f"Dear {reader.full_name},")
    assert email.body.rstrip().endswith("Faculty Affairs")
    for phrase in told:
        assert phrase in email.body
    assert "_" not in without_zone_names(email.body), "no slugs or field names"


def test_a_cancelled_meeting_carries_a_calendar_cancel_for_the_same_meeting():
    email = render("session_cancelled", session_cancelled(), setting_for(MENTOR))

    invite = Calendar.from_ical(email.calendar)
    [event] = invite.walk("VEVENT")
    assert str(invite["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == f"{SESSION_ID}@micromentor"
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("DTSTART") == STARTS_AT
    assert sorted(str(a) for a in event["ATTENDEE"]) == [
        "mailto:e1@med.example.edu",
        "mailto:m1@med.example.edu",
    ]
    mime = compose(uuid.uuid4(), email, MENTOR, NotificationsSettings())
    [attachment] = list(mime.iter_attachments())
    assert attachment.get_param("method") == "CANCEL"


def test_a_mentor_is_thanked_and_told_when_the_request_had_no_reason_given():
    cancelled = {**request_cancelled("mentee_cancelled"), "mentee_reason": None}

    email = render("request_cancelled_mentor", cancelled, setting_for(MENTOR))

    assert "In their words" not in email.body
    assert "the mentee cancelled the request" in email.body


def recipients(event_type: str, payload: dict) -> set[tuple[str, str]]:
    letters = addressees(uuid.uuid4(), event_type, payload)
    return {(letter.recipient_employee_id, letter.template) for letter in letters}


def test_a_mentee_who_cancels_is_told_and_so_is_their_matched_mentor():
    assert recipients("RequestCancelled", request_cancelled("mentee_cancelled")) == {
        ("E1", "request_cancelled_mentee"),
        ("M1", "request_cancelled_mentor"),
    }


def test_an_inactive_mentees_cancellation_is_told_to_the_mentor_only():
    inactive = request_cancelled("mentee_inactive")

    assert recipients("RequestCancelled", inactive) == {
        ("M1", "request_cancelled_mentor")
    }
    assert recipients("SessionCancelled", session_cancelled("mentee_inactive")) == {
        ("M1", "session_cancelled")
    }


def test_a_mentee_whose_mentor_left_is_told_and_the_mentor_is_not_written_again():
    unavailable = request_cancelled("mentor_unavailable")

    assert recipients("RequestCancelled", unavailable) == {
        ("E1", "mentor_no_longer_available")
    }
    assert recipients(
        "SessionCancelled",
        session_cancelled(
            "mentor_unavailable", "your mentor is no longer available to mentor"
        ),
    ) == {("E1", "session_cancelled"), ("M1", "session_cancelled")}


def test_a_letter_about_a_mentor_who_left_keeps_hr_reasons_private():
    unavailable = {
        **request_cancelled("mentor_unavailable"),
        "reason": "HR reports the mentor separated",
    }

    email = render("mentor_no_longer_available", unavailable, setting_for(MENTEE))

    assert email.subject == "Your mentor can no longer meet with you"
    assert "separated" not in email.body
    assert "HR" not in email.body


def test_an_inactive_mentees_unmatched_request_writes_to_nobody():
    unmatched = request_cancelled("mentee_inactive", matched=False)

    assert recipients("RequestCancelled", unmatched) == set()


def test_a_cancelled_meeting_is_taken_out_of_both_calendars():
    assert recipients("SessionCancelled", session_cancelled()) == {
        ("E1", "session_cancelled"),
        ("M1", "session_cancelled"),
    }


def test_a_refusal_without_a_known_actor_writes_to_nobody():
    rejected = {
        "request_id": str(REQUEST_ID),
        "proposal_id": str(uuid.uuid4()),
        "actor": None,
        "reason_code": "not_proposed_mentor",
        "reason": "only the mentor the request was proposed to can answer it",
    }

    assert recipients("ProposalResponseRejected", rejected) == set()
    assert recipients("ProposalResponseRejected", {**rejected, "actor": "M9"}) == {
        ("M9", "proposal_response_rejected")
    }


def test_an_engagement_closed_by_cancellation_sends_no_completion_letter():
    closed = {
        "mentee_employee_id": "E1",
        "mentor_employee_id": "M1",
        "reason_code": "cancelled",
    }

    assert recipients("EngagementClosed", closed) == set()
    assert recipients("EngagementClosed", {**closed, "reason_code": "completed"}) == {
        ("E1", "engagement_closed"),
        ("M1", "engagement_closed"),
    }


def test_nobody_is_written_to_when_someone_acted_for_another_person():
    for event_type, named in (
        ("RequestRejected", "mentee_employee_id"),
        ("MentorRejected", "employee_id"),
        ("MentorChangeRejected", "employee_id"),
    ):
        forged = {named: "E1", "reason_code": "not_self", "reason": "acted for E1"}
        own = {**forged, "reason_code": "unknown_topic"}
        assert recipients(event_type, forged) == set(), event_type
        assert len(recipients(event_type, own)) == 1, event_type
