"""Letters to someone whose answer or report about a mentoring was not accepted."""

from __future__ import annotations

from services.notifications.domain.prose import Email, letter
from services.notifications.domain.setting import Setting


def proposal_response_rejected(facts: dict, setting: Setting) -> Email:
    return Email(
        "Your answer to a mentoring request was not recorded",
        letter(
            setting,
            "We could not record your answer to the micro-mentoring request:"
            f" {facts['reason']}.",
            "Nothing has changed. If you believe this is a mistake, please contact"
            " the Faculty Affairs office.",
        ),
    )


def session_report_rejected(facts: dict, setting: Setting) -> Email:
    return Email(
        "Your meeting report was not recorded",
        letter(
            setting,
            "We could not record your report of a micro-mentoring meeting:"
            f" {facts['reason']}.",
            "If the meeting did take place and you believe this is a mistake,"
            " please contact the Faculty Affairs office.",
        ),
    )


LETTERS = (proposal_response_rejected, session_report_rejected)
