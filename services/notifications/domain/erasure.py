"""What notifications keeps of a person whose personal data was erased."""

from __future__ import annotations

from collections.abc import Mapping

ERASED = "erased"
ERASED_DETAIL = "the recipient's personal data was erased"
ERASED_REASON = f"{ERASED}: {ERASED_DETAIL}"

# Facts that hold someone's own words rather than identifiers or dates.
AUTHORED_TEXT = ("need_statement", "mentee_reason", "statement", "note")


def placeholder_identity(employee_id: str) -> dict[str, str]:
    """A name and address that identify no one and can never be delivered to."""
    return {
        "given_name": ERASED,
        "family_name": employee_id,
        "email": f"{ERASED}-{employee_id.lower()}@erased.invalid",
    }


def without_authored_text(facts: Mapping) -> dict:
    """The facts with every free-text field blanked."""
    return {
        key: ("" if key in AUTHORED_TEXT and value else value)
        for key, value in facts.items()
    }
