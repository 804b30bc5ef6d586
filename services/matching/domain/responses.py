"""Who may answer a proposal, and when."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.matching.domain.requests import Rejection


@dataclass(frozen=True)
class ProposalState:
    request_id: uuid.UUID
    mentor_employee_id: str
    status: str


def response_problem(
    proposal: ProposalState | None,
    *,
    request_id: uuid.UUID,
    answering_mentor: str,
    actor: str | None,
) -> Rejection | None:
    """A (reason_code, reason) when an accept or decline must not take effect."""
    if proposal is None or proposal.request_id != request_id:
        return ("unknown_proposal", "no such proposal exists for this request")
    if not (actor == answering_mentor == proposal.mentor_employee_id):
        return (
            "not_proposed_mentor",
            "only the mentor the request was proposed to can answer it",
        )
    if proposal.status != "open":
        return (
            "proposal_not_open",
            f"the proposal is already {proposal.status} and can no longer be answered",
        )
    return None
