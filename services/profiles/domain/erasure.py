"""What stays of a person once their personal data is erased."""

from __future__ import annotations


def erased_identity(employee_id: str) -> dict[str, str]:
    """Placeholders for the name and e-mail; unique so constraints still hold."""
    placeholder = f"erased-{employee_id}"
    return {
        "given_name": placeholder,
        "family_name": placeholder,
        "email": f"{placeholder.lower()}@erased.example",
    }
