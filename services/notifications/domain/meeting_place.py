"""Where a meeting happens: the mentor tells the mentee before it starts."""

from __future__ import annotations

# What a calendar shows as the meeting's place, by meeting format.
LOCATIONS = {
    "video": "Video call (link from your mentor)",
    "phone": "Phone call",
    "in_person": "In person (place to be agreed)",
}

# What the mentor sends before the meeting, by meeting format.
_DETAILS = {
    "video": "the video link",
    "phone": "the phone number to call",
    "in_person": "the room or place to meet",
}


def location(meeting_format: str) -> str:
    """The calendar LOCATION for a meeting format."""
    return LOCATIONS.get(meeting_format, "To be agreed with your mentor")


def arrangement(meeting_format: str, *, to_mentor: bool, other: str) -> str:
    """The sentence saying who sends the meeting details, to mentor or mentee."""
    detail = _DETAILS.get(meeting_format, "the details of where to meet")
    if to_mentor:
        return f"Please send {other} {detail} before the meeting."
    return f"{other} will send you {detail} before the meeting."


def invite_note(meeting_format: str) -> str:
    """The same arrangement for the calendar entry both people see."""
    detail = _DETAILS.get(meeting_format, "the details of where to meet")
    return f"The mentor will send {detail} before the meeting."
