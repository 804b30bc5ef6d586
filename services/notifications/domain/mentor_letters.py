"""Letters to a mentor about their own place in the mentor pool."""

from __future__ import annotations

from datetime import date

from services.notifications.domain.prose import Email, letter, long_date
from services.notifications.domain.setting import Setting, topic_title

_CHANGES = {
    "update_profile": "Your change to your mentoring profile",
    "pause": "Your request to pause your mentoring",
    "resume": "Your request to resume your mentoring",
    "withdraw": "Your request to leave the mentor pool",
}


def mentor_paused(facts: dict, setting: Setting) -> Email:
    resume_on = facts.get("resume_on")
    until = (
        "You will be listed again automatically on"
        f" {long_date(date.fromisoformat(resume_on))}; you can also resume"
        f" earlier through {setting.portal_line()}."
        if resume_on
        else "Your pause has no end date. Whenever you are ready to take new"
        f" mentees again, you can resume through {setting.portal_line()}."
    )
    return Email(
        "Your mentoring is paused",
        letter(
            setting,
            "As you asked, your micro-mentoring is paused: you will not receive"
            " new requests for now. Requests already sent to you can still be"
            " answered, and meetings you have arranged stay as they are.",
            until,
        ),
    )


def mentor_resumed(facts: dict, setting: Setting) -> Email:
    ended = (
        "Your pause has ended on the day you chose"
        if facts["resumed_by"] == "schedule"
        else "As you asked, your pause has ended"
    )
    return Email(
        "You are taking new mentees again",
        letter(
            setting,
            f"{ended}, and you are listed in the mentor pool"
            " again. New requests in your topic areas may come to you by e-mail"
            " from now on.",
            f"You can pause again at any time through {setting.portal_line()}.",
        ),
    )


def mentor_withdrawn(facts: dict, setting: Setting) -> Email:
    return Email(
        "You have left the mentor pool",
        letter(
            setting,
            "As you asked, you are no longer in the micro-mentoring pool and will"
            " not receive new requests. Requests you had not yet answered have"
            " been passed on to other mentors; meetings you have already arranged"
            " stay as they are.",
            "Thank you for the guidance you have given colleagues. You are welcome"
            f" to volunteer again at any time through {setting.portal_line()}.",
        ),
    )


def mentor_restored(facts: dict, setting: Setting) -> Email:
    topics = "\n".join(f"  - {topic_title(slug)}" for slug in facts["topics"])
    return Email(
        "You are back in the mentor pool",
        letter(
            setting,
            "Following an update to your faculty record, you are eligible to"
            " mentor again and are listed once more in the mentor pool for these"
            " topic areas:\n" + topics,
            "New requests may come to you by e-mail from now on. If you would"
            " rather not take mentees at the moment, you can pause or withdraw"
            f" through {setting.portal_line()}.",
        ),
    )


def mentor_change_rejected(facts: dict, setting: Setting) -> Email:
    what = _CHANGES.get(facts["requested_change"], "A change to your mentoring")
    return Email(
        "Your mentoring change was not made",
        letter(
            setting,
            f"{what} was not made: {facts['reason']}.",
            "Nothing else has changed. If you believe this is a mistake, please"
            " contact the Faculty Affairs office.",
        ),
    )


LETTERS = (
    mentor_paused,
    mentor_resumed,
    mentor_withdrawn,
    mentor_restored,
    mentor_change_rejected,
)
