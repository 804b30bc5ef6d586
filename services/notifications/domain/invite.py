"""The iCalendar messages sent with a meeting: the invitation and its cancellation."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from services.notifications.domain.meeting_place import invite_note, location
from services.notifications.domain.setting import Contact, Setting, topic_title

PRODUCT_ID = "-//micromentor//Faculty Micro-Mentoring//EN"

# The invitation is revision 0 of the meeting; a cancellation supersedes it.
INVITE_SEQUENCE = 0
CANCEL_SEQUENCE = INVITE_SEQUENCE + 1


def session_invite(facts: dict, setting: Setting) -> str:
    """A METHOD:REQUEST invitation; the UID is the session, so updates replace it."""
    return _calendar(
        facts,
        setting,
        method="REQUEST",
        sequence=INVITE_SEQUENCE,
        status="CONFIRMED",
        partstat="NEEDS-ACTION",
    )


def session_cancellation(facts: dict, setting: Setting) -> str:
    """A METHOD:CANCEL for the same UID, so calendars remove the invitation."""
    return _calendar(
        facts,
        setting,
        method="CANCEL",
        sequence=CANCEL_SEQUENCE,
        status="CANCELLED",
        partstat=None,
    )


def _calendar(
    facts: dict,
    setting: Setting,
    *,
    method: str,
    sequence: int,
    status: str,
    partstat: str | None,
) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{facts['session_id']}@micromentor")
    event.add("dtstamp", setting.issued_at.astimezone(UTC))
    event.add("dtstart", _utc(facts["starts_at"]))
    event.add("dtend", _utc(facts["ends_at"]))
    event.add("sequence", sequence)
    event.add("status", status)
    event.add("summary", f"Micro-mentoring: {topic_title(facts['topic'])}")
    description = (
        "A one-hour micro-mentoring meeting arranged by the Faculty Micro-Mentoring"
        " Program."
    )
    meeting_format = facts.get("meeting_format")
    if meeting_format is not None:
        description += f" {invite_note(meeting_format)}"
        event.add("location", location(meeting_format))
    event.add("description", description)
    # The program sends the invitation, so it is the organizer; calendars then
    # let both people answer it instead of treating the mentor as its owner.
    organizer = vCalAddress(f"mailto:{setting.organizer_address}")
    organizer.params["CN"] = vText(setting.organizer_name)
    event.add("organizer", organizer, encode=0)
    for employee_id in (facts["mentee_employee_id"], facts["mentor_employee_id"]):
        person = setting.people.get(employee_id)
        if person is None:
            continue
        attendee = _address(person.email, person)
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        if partstat is not None:
            attendee.params["PARTSTAT"] = vText(partstat)
            attendee.params["RSVP"] = vText("TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _address(email: str, person: Contact | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if person is not None:
        address.params["CN"] = vText(person.full_name)
    return address
