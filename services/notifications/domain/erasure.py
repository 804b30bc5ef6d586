"""What notifications keeps of a person whose personal data was erased."""

from __future__ import annotations

from collections.abc import Mapping

ERASED = "erased"
ERASED_DETAIL = "the recipient's personal data was erased"
ERASED_REASON = f"{ERASED}: {ERASED_DETAIL}"

# Facts that hold someone's own words rather than identifiers or dates.
AUTHORED_TEXT = ("need_statement", "mentee_reason", "statement", "note")


def without_authored_text(facts: Mapping) -> dict:
    """The facts with every free-text field blanked."""
    return {
        key: ("" if key in AUTHORED_TEXT and value else value)
        for key, value in facts.items()
    }
