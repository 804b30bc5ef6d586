"""Letters about requests, proposals and meetings that were called off."""

from __future__ import annotations

from services.notifications.domain.invite import session_cancellation
from services.notifications.domain.prose import Email, letter, meeting_time, quoted
from services.notifications.domain.setting import Setting, topic_phrase


def request_cancelled_mentee(facts: dict, setting: Setting) -> Email:
    matched = facts.get("matched_mentor_employee_id")
    mentor_told = (
        f" We have let {setting.name_of(matched, 'your mentor')} know, and any"
        " meeting already booked is cancelled."
        if matched
        else ""
    )
    return Email(
        "Your mentoring request is cancelled",
        letter(
            setting,
            "As you asked, your request for micro-mentoring on"
            f" {topic_phrase(facts['topic'])} is cancelled.{mentor_told}",
            "You are welcome to submit a new request at any time through"
            f" {setting.portal_line()}.",
        ),
    )


def mentor_no_longer_available(facts: dict, setting: Setting) -> Email:
    """To a mentee whose mentor left; why they left stays private."""
    mentor = setting.name_of(facts["matched_mentor_employee_id"], "your mentor")
    return Email(
        "Your mentor can no longer meet with you",
        letter(
            setting,
            f"We are sorry to tell you that {mentor}, who agreed to mentor you on"
            f" {topic_phrase(facts['topic'])}, is no longer available to mentor in"
            " the program, so your mentoring with them has ended.",
            "Any meeting already booked with them is cancelled, and a separate"
            " message removes it from your calendar.",
            "You are welcome to submit a new request for the same need through"
            f" {setting.portal_line()}, and we will look for another mentor in"
            " the same topic area.",
        ),
    )


def request_cancelled_mentor(facts: dict, setting: Setting) -> Email:
    mentee = setting.name_of(facts["mentee_employee_id"], "your mentee")
    in_their_words = (
        ["In their words:\n\n" + quoted(facts["mentee_reason"])]
        if facts.get("mentee_reason")
        else []
    )
    return Email(
        "A mentoring engagement has been cancelled",
        letter(
            setting,
            f"The micro-mentoring engagement with {mentee} on"
            f" {topic_phrase(facts['topic'])} will not go ahead: {facts['reason']}.",
            *in_their_words,
            "If a meeting was booked for it, it is cancelled, and a separate"
            " message removes it from your calendar. There is nothing you need to"
            " do, and your place is free for another colleague. Thank you for"
            " your time.",
        ),
    )


def proposal_withdrawn(facts: dict, setting: Setting) -> Email:
    if facts["reason_code"] == "expired":
        return Email(
            "A mentoring request has been passed on",
            letter(
                setting,
                "The request for micro-mentoring on"
                f" {topic_phrase(facts['topic'])} that we sent you no longer needs"
                f" your answer: {facts['reason']}.",
                "Nothing is held against you, and your places stay open for the"
                " next request. If you will be busy for a while, you can pause your"
                " mentoring with a return date, and no requests will come until"
                " then.",
            ),
        )
    return Email(
        "A mentoring request no longer needs your answer",
        letter(
            setting,
            "The request for micro-mentoring on"
            f" {topic_phrase(facts['topic'])} that we sent you has been withdrawn:"
            f" {facts['reason']}.",
            "You do not need to answer it any more. Thank you for considering it.",
        ),
    )


def request_cancellation_rejected(facts: dict, setting: Setting) -> Email:
    return Email(
        "Your cancellation was not made",
        letter(
            setting,
            f"We could not cancel the mentoring request as asked: {facts['reason']}.",
            "Nothing has changed. If you believe this is a mistake, please contact"
            " the Faculty Affairs office.",
        ),
    )


def preferred_mentor_unavailable(facts: dict, setting: Setting) -> Email:
    mentor = setting.name_of(
        facts["preferred_mentor_employee_id"], "the colleague you named"
    )
    return Email(
        "About the mentor you asked for",
        letter(
            setting,
            f"Thank you for your mentoring request. We cannot ask {mentor}, whom"
            f" you named as your preferred mentor: {facts['reason']}.",
            "Your request stays open, and we are asking other mentors in the same"
            " topic area instead. We will write to you as soon as one agrees;"
            " there is nothing you need to do.",
        ),
    )


def session_cancelled(facts: dict, setting: Setting) -> Email:
    mentor_id, mentee_id = facts["mentor_employee_id"], facts["mentee_employee_id"]
    other = (
        setting.name_of(mentee_id, "your mentee")
        if setting.recipient.employee_id == mentor_id
        else setting.name_of(mentor_id, "your mentor")
    )
    when = meeting_time(facts["starts_at"], facts["ends_at"], facts["time_zone"])
    why = facts["reason"]
    if setting.recipient.employee_id == mentee_id:
        if facts["reason_code"] == "mentee_cancelled":
            why = "as you cancelled your request"
    elif facts["reason_code"] == "mentor_unavailable":
        # The reason is worded for the mentee; the mentor is the one who left.
        why = "as you are no longer mentoring in the program"
    return Email(
        f"Cancelled: micro-mentoring meeting on {topic_phrase(facts['topic'])}",
        letter(
            setting,
            f"Your micro-mentoring meeting with {other} on {when} is cancelled: {why}.",
            "The attached calendar update removes it from your calendar, and the"
            " hour is free again.",
        ),
        session_cancellation(facts, setting),
        calendar_method="CANCEL",
    )


LETTERS = (
    request_cancelled_mentee,
    mentor_no_longer_available,
    request_cancelled_mentor,
    proposal_withdrawn,
    request_cancellation_rejected,
    preferred_mentor_unavailable,
    session_cancelled,
)
