"""Who hears about which event, and with which letter."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

MESSAGE_NAMESPACE = uuid.UUID("5c0d4a2e-7f6b-4e0e-8a51-9b3d2c6f1e47")

Condition = Callable[[dict], bool]


def always(_payload: dict) -> bool:
    return True


def reason_is(*codes: str) -> Condition:
    """Only when the event's ``reason_code`` is one of ``codes``."""
    return lambda payload: payload.get("reason_code") in codes


def reason_is_not(*codes: str) -> Condition:
    """Unless the event's ``reason_code`` is one of ``codes``."""
    return lambda payload: payload.get("reason_code") not in codes


@dataclass(frozen=True)
class To:
    """The person named by ``field`` gets ``template`` when ``when`` holds.

    A field that is empty in the event (an unknown actor, no matched mentor)
    means nobody to write to.
    """

    field: str
    template: str
    when: Condition = always


# A mentee HR reports as separated or on leave is never written to about it.
_MENTEE_STILL_ACTIVE = reason_is_not("mentee_inactive")
# A mentor who left was told by their deactivation or withdrawal letter.
_MENTOR_STAYED = reason_is_not("mentor_unavailable")
# Refused because someone acted for another person: the person named never
# asked, so a letter would only puzzle or alarm them.
_NOT_ON_THEIR_BEHALF = reason_is_not("not_self")

_RULES: dict[str, tuple[To, ...]] = {
    "MentorApproved": (To("employee_id", "mentor_approved"),),
    "MentorRejected": (
        To("employee_id", "mentor_rejected", when=_NOT_ON_THEIR_BEHALF),
    ),
    "MentorDeactivated": (To("employee_id", "mentor_deactivated"),),
    "MentorPaused": (To("employee_id", "mentor_paused"),),
    "MentorResumed": (To("employee_id", "mentor_resumed"),),
    "MentorWithdrawn": (To("employee_id", "mentor_withdrawn"),),
    "MentorRestored": (To("employee_id", "mentor_restored"),),
    "MentorChangeRejected": (
        To("employee_id", "mentor_change_rejected", when=_NOT_ON_THEIR_BEHALF),
    ),
    "RequestRejected": (
        To("mentee_employee_id", "request_rejected", when=_NOT_ON_THEIR_BEHALF),
    ),
    "RequestWaitlisted": (To("mentee_employee_id", "request_waitlisted"),),
    "PreferredMentorUnavailable": (
        To("mentee_employee_id", "preferred_mentor_unavailable"),
    ),
    "MatchProposed": (To("mentor_employee_id", "match_proposed"),),
    "ProposalResponseRejected": (To("actor", "proposal_response_rejected"),),
    "ProposalWithdrawn": (To("mentor_employee_id", "proposal_withdrawn"),),
    "MatchConfirmed": (
        To("mentee_employee_id", "match_confirmed_mentee"),
        To("mentor_employee_id", "match_confirmed_mentor"),
    ),
    "RequestCancelled": (
        To(
            "mentee_employee_id",
            "request_cancelled_mentee",
            when=reason_is("mentee_cancelled"),
        ),
        To(
            "mentee_employee_id",
            "mentor_no_longer_available",
            when=reason_is("mentor_unavailable"),
        ),
        To(
            "matched_mentor_employee_id",
            "request_cancelled_mentor",
            when=_MENTOR_STAYED,
        ),
    ),
    "RequestCancellationRejected": (To("actor", "request_cancellation_rejected"),),
    "SessionScheduled": (
        To("mentee_employee_id", "session_scheduled"),
        To("mentor_employee_id", "session_scheduled"),
    ),
    "SessionNotBooked": (
        To("mentee_employee_id", "session_not_booked"),
        To("mentor_employee_id", "session_not_booked"),
    ),
    "SessionCancelled": (
        To("mentee_employee_id", "session_cancelled", when=_MENTEE_STILL_ACTIVE),
        To("mentor_employee_id", "session_cancelled"),
    ),
    "SessionReportRejected": (To("actor", "session_report_rejected"),),
    "SessionCompleted": (To("mentee_employee_id", "session_completed"),),
    # A cancelled engagement was already explained by the cancellation letters.
    "EngagementClosed": (
        To("mentee_employee_id", "engagement_closed", when=reason_is("completed")),
        To("mentor_employee_id", "engagement_closed", when=reason_is("completed")),
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
    for rule in _RULES.get(event_type, ()):
        recipient = payload.get(rule.field)
        if not recipient or not rule.when(payload):
            continue
        message_id = uuid.uuid5(
            MESSAGE_NAMESPACE, f"{event_id}:{recipient}:{rule.template}"
        )
        letters[message_id] = Addressed(message_id, recipient, rule.template)
    return list(letters.values())
