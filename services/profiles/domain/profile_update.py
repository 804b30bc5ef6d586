"""Applying a mentor's partial profile update to their current profile."""

from __future__ import annotations

from collections.abc import Mapping

from shared.contracts.profiles import MentorApproved, MentorProfileUpdated


def updated_profile(current: Mapping, update: MentorProfileUpdated) -> MentorApproved:
    """The current profile with every field the update names replaced."""
    return MentorApproved.model_validate({**current, **update.changes()})
