"""What we write to faculty members: one small function per letter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from services.notifications.domain import (
    cancellation_letters,
    mentor_letters,
    rejection_letters,
)
from services.notifications.domain.invite import session_invite
from services.notifications.domain.meeting_place import arrangement
from services.notifications.domain.prose import (
    MEETING_FORMATS,
    Email,
    deadline,
    letter,
    long_date,
    meeting_time,
    meetings_phrase,
    quoted,
)
from services.notifications.domain.rationale import why_you
from services.notifications.domain.setting import Setting, topic_phrase, topic_title


def mentor_approved(facts: dict, setting: Setting) -> Email:
    topics = "\n".join(f"  - {topic_title(slug)}" for slug in facts["topics"])
    return Email(
        "Welcome as a micro-mentor",
        letter(
            setting,
            "Thank you for volunteering as a micro-mentor. You are now part of the"
            " mentor pool for these topic areas:\n" + topics,
            f"You may be asked to mentor up to {facts['max_mentees']} colleagues at"
            " a time. Each request comes to you by e-mail first, and you are free"
            " to accept or decline it.",
        ),
    )


def mentor_rejected(facts: dict, setting: Setting) -> Email:
    eligible_on = facts.get("eligible_on")
    later = ""
    if eligible_on:
        day = date.fromisoformat(eligible_on)
        # The reason usually names the day already; say it once.
        later = (
            " You will be welcome to volunteer again from that day."
            if f"{day.day} {day:%B %Y}" in facts["reason"]
            else f" You will be welcome to volunteer again from {long_date(day)}."
        )
    return Email(
        "Your offer to mentor",
        letter(
            setting,
            "Thank you for offering to serve as a micro-mentor. We are not able to"
            f" add you to the mentor pool at this time: {facts['reason']}.{later}",
            "If you believe this is a mistake, please contact the Faculty Affairs"
            " office.",
        ),
    )


def mentor_deactivated(facts: dict, setting: Setting) -> Email:
    return Email(
        "You are no longer in the mentor pool",
        letter(
            setting,
            "You have been removed from the micro-mentoring pool, so you will not"
            f" receive new requests: {facts['reason']}.",
            "Thank you for the guidance you have given colleagues. Please contact"
            " the Faculty Affairs office with any questions.",
        ),
    )


def request_rejected(facts: dict, setting: Setting) -> Email:
    return Email(
        "Your mentoring request could not be accepted",
        letter(
            setting,
            f"We could not accept your request for micro-mentoring: {facts['reason']}.",
            f"You are welcome to submit a new request through {setting.portal_line()}.",
        ),
    )


_WAITING_BECAUSE = {
    "no_mentor_available": "At the moment no mentor in this area has a place free.",
    "attempts_exhausted": "The mentors we have asked so far were not able to take"
    " it on.",
}


def request_waitlisted(facts: dict, setting: Setting) -> Email:
    because = _WAITING_BECAUSE.get(
        facts.get("reason_code"),
        f"We cannot propose a mentor for it yet: {facts['reason']}.",
    )
    return Email(
        "Your mentoring request is on the waiting list",
        letter(
            setting,
            "Thank you for your request for guidance on"
            f" {topic_phrase(facts['topic'])}. {because}",
            "Your request stays open. We will propose a mentor as soon as one"
            " becomes available and write to you then; there is nothing you need"
            " to do.",
        ),
    )


def match_proposed(facts: dict, setting: Setting) -> Email:
    meetings = meetings_phrase(facts["meetings"])
    colleague = setting.name_of(facts["mentee_employee_id"], "A colleague")
    zone = setting.time_zones.get(facts["mentor_employee_id"])
    return Email(
        "A colleague would value your guidance",
        letter(
            setting,
            f"{colleague} has asked for micro-mentoring on"
            f" {topic_phrase(facts['topic'])} and would like {meetings}. In their"
            " words:\n\n" + quoted(facts["need_statement"]),
            *filter(None, [why_you(facts["rationale"])]),
            f"Please accept or decline through {setting.portal_line()} by"
            f" {deadline(facts['expires_at'], zone)}. If you accept, we will find a"
            " time within your stated availability and send both of you a"
            " calendar invitation. If you decline, we will ask another mentor;"
            " no explanation is needed.",
        ),
    )


def match_confirmed_mentee(facts: dict, setting: Setting) -> Email:
    mentor = setting.name_of(facts["mentor_employee_id"], "A mentor")
    return Email(
        "You have a micro-mentor",
        letter(
            setting,
            f"{mentor} has agreed to meet with you about"
            f" {topic_phrase(facts['topic'])}.",
            "We are now finding a time within your mentor's availability and will"
            " send you a calendar invitation shortly.",
        ),
    )


def match_confirmed_mentor(facts: dict, setting: Setting) -> Email:
    mentee = setting.name_of(facts["mentee_employee_id"], "your mentee")
    return Email(
        "Thank you for accepting",
        letter(
            setting,
            f"Thank you for agreeing to mentor {mentee} on"
            f" {topic_phrase(facts['topic'])}.",
            "We are finding a time within your availability and will send you both"
            " a calendar invitation shortly.",
        ),
    )


def session_scheduled(facts: dict, setting: Setting) -> Email:
    mentor_id, mentee_id = facts["mentor_employee_id"], facts["mentee_employee_id"]
    is_mentor = setting.recipient.employee_id == mentor_id
    other = (
        setting.name_of(mentee_id, "your mentee")
        if is_mentor
        else setting.name_of(mentor_id, "your mentor")
    )
    when = meeting_time(facts["starts_at"], facts["ends_at"], facts["time_zone"])
    how = MEETING_FORMATS.get(facts["meeting_format"], "a meeting")
    where = arrangement(facts["meeting_format"], to_mentor=is_mentor, other=other)
    ordinal = "first" if facts["sequence"] == 1 else "next"
    return Email(
        f"Micro-mentoring meeting on {topic_phrase(facts['topic'])}",
        letter(
            setting,
            f"Your {ordinal} micro-mentoring meeting with {other} is booked for"
            f" {when}, as {how}. {where[:1].upper()}{where[1:]}",
            "A calendar invitation is attached. Please add it to your calendar;"
            " if the time does not suit you, contact each other to agree on"
            " another.",
            f"After the meeting, please let us know it took place through"
            f" {setting.portal_line()}.",
        ),
        session_invite(facts, setting),
    )


def session_not_booked(facts: dict, setting: Setting) -> Email:
    return Email(
        "We could not find a time for your mentoring meeting",
        letter(
            setting,
            "Your micro-mentoring meeting on"
            f" {topic_phrase(facts['topic'])} could not be booked automatically:"
            f" {facts['reason']}.",
            "The Faculty Affairs office has been told and will help you find a"
            " time. A mentor can also widen their weekly availability through"
            f" {setting.portal_line()}.",
        ),
    )


def session_completed(facts: dict, setting: Setting) -> Email:
    mentor = setting.name_of(facts["mentor_employee_id"], "your mentor")
    return Email(
        "Thank you for meeting",
        letter(
            setting,
            f"We are glad your meeting with {mentor} on"
            f" {topic_phrase(facts['topic'])} took place.",
            "Your feedback helps us support mentors and recruit new ones. If you"
            " have a moment, please rate the meeting and share a few words through"
            f" {setting.portal_line()}.",
        ),
    )


def engagement_closed(facts: dict, setting: Setting) -> Email:
    held = facts["sessions_held"]
    meetings = {1: "one meeting", 2: "two meetings"}.get(held, f"{held} meetings")
    return Email(
        "Your micro-mentoring engagement is complete",
        letter(
            setting,
            f"Your micro-mentoring engagement on {topic_phrase(facts['topic'])} is"
            f" now complete, after {meetings}. Thank you for taking part.",
            "You are welcome to request guidance, or to offer it, again at any"
            f" time through {setting.portal_line()}.",
        ),
    )


_OWN_LETTERS = (
    mentor_approved,
    mentor_rejected,
    mentor_deactivated,
    request_rejected,
    request_waitlisted,
    match_proposed,
    match_confirmed_mentee,
    match_confirmed_mentor,
    session_scheduled,
    session_not_booked,
    session_completed,
    engagement_closed,
)

LETTERS: dict[str, Callable[[dict, Setting], Email]] = {
    write.__name__: write
    for write in (
        *_OWN_LETTERS,
        *mentor_letters.LETTERS,
        *cancellation_letters.LETTERS,
        *rejection_letters.LETTERS,
    )
}


def render(template: str, facts: dict, setting: Setting) -> Email:
    """The e-mail for one stored message, addressed to its recipient."""
    return LETTERS[template](facts, setting)
