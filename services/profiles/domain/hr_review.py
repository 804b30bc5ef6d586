"""What an HR change means for someone who mentors (or mentored)."""

from __future__ import annotations

from enum import StrEnum

from services.profiles.domain.lifecycle import MentorStatus


class HrReview(StrEnum):
    UNCHANGED = "unchanged"
    DEACTIVATE = "deactivate"
    RESTORE = "restore"
    REFRESH_PROFILE = "refresh_profile"


def review_mentor(
    status: MentorStatus,
    *,
    eligible: bool,
    placement_changed: bool,
) -> HrReview:
    """Deactivate, restore, or refresh a mentor after their HR record changed.

    Only a mentor HR deactivated is restored: one who withdrew left by choice.
    """
    if status in (MentorStatus.APPROVED, MentorStatus.PAUSED):
        if not eligible:
            return HrReview.DEACTIVATE
        return HrReview.REFRESH_PROFILE if placement_changed else HrReview.UNCHANGED
    if status is MentorStatus.DEACTIVATED and eligible:
        return HrReview.RESTORE
    return HrReview.UNCHANGED
