"""Who hears about which event, and with which letter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

MESSAGE_NAMESPACE = uuid.UUID("5c0d4a2e-7f6b-4e0e-8a51-9b3d2c6f1e47")

_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "MentorApproved": (("employee_id", "mentor_approved"),),
    "MentorRejected": (("employee_id", "mentor_rejected"),),
    "MentorDeactivated": (("employee_id", "mentor_deactivated"),),
    "RequestRejected": (("mentee_employee_id", "request_rejected"),),
    "RequestWaitlisted": (("mentee_employee_id", "request_waitlisted"),),
    "MatchProposed": (("mentor_employee_id", "match_proposed"),),
    "MatchConfirmed": (
        ("mentee_employee_id", "match_confirmed_mentee"),
        ("mentor_employee_id", "match_confirmed_mentor"),
    ),
    "SessionScheduled": (
        ("mentee_employee_id", "session_scheduled"),
        ("mentor_employee_id", "session_scheduled"),
    ),
    "SessionNotBooked": (
        ("mentee_employee_id", "session_not_booked"),
        ("mentor_employee_id", "session_not_booked"),
    ),
    "SessionCompleted": (("mentee_employee_id", "session_completed"),),
    "EngagementClosed": (
        ("mentee_employee_id", "engagement_closed"),
        ("mentor_employee_id", "engagement_closed"),
    ),
}

NOTIFIED_EVENTS = tuple(_RULES)


@dataclass(frozen=True)
class Addressed:
    """One letter to one person about one event."""

    message_id: uuid.UUID
    recipient_employee_id: str
    template: str


def addressees(event_id: uuid.UUID, event_type: str, payload: dict) -> list[Addressed]:
    """The letters an event calls for; the same event always gives the same ids."""
    letters = {}
    for field, template in _RULES.get(event_type, ()):
        recipient = payload[field]
        message_id = uuid.uuid5(MESSAGE_NAMESPACE, f"{event_id}:{recipient}:{template}")
        letters[message_id] = Addressed(message_id, recipient, template)
    return list(letters.values())
