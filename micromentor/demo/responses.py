"""How the demo's faculty answer proposals and report meetings, deterministically."""

from __future__ import annotations

import random
from dataclasses import dataclass

from shared.contracts.matching import MatchProposed
from shared.contracts.scheduling import SessionScheduled

DECLINE_SHARE = 0.15
DECLINE_REASONS = {
    "schedule_conflict": "Clinical service weeks fill my calendar this month.",
    "outside_expertise": "This need is closer to a colleague's expertise than mine.",
    "at_personal_capacity": "I have taken on too much this term to do it justice.",
}
SESSION_NOTES = [
    "We reviewed the plan and agreed on next steps.",
    "Very practical advice; I left with a checklist.",
    "Good conversation; we will follow up by e-mail.",
    "Helpful perspective from outside my division.",
]


@dataclass(frozen=True)
class ProposalAnswer:
    accept: bool
    reason_code: str = ""
    note: str = ""


@dataclass(frozen=True)
class SessionReport:
    by: str
    rating: int
    note: str


def answer_proposal(
    seed: int, request_index: int, proposal: MatchProposed
) -> ProposalAnswer:
    """About 85% accept; the rest decline for a stated reason."""
    rng = random.Random(f"{seed}:proposal:{request_index}:{proposal.attempt}")
    if rng.random() >= DECLINE_SHARE:
        return ProposalAnswer(accept=True)
    reason_code = rng.choice(sorted(DECLINE_REASONS))
    return ProposalAnswer(False, reason_code, DECLINE_REASONS[reason_code])


def report_session(
    seed: int, request_index: int, session: SessionScheduled
) -> SessionReport:
    """Usually the mentee reports the meeting, sometimes the mentor."""
    rng = random.Random(f"{seed}:session:{request_index}:{session.sequence}")
    by = (
        session.mentee_employee_id
        if rng.random() < 0.75
        else session.mentor_employee_id
    )
    rating = rng.choices([3, 4, 5], weights=[1, 4, 6])[0]
    return SessionReport(by=by, rating=rating, note=rng.choice(SESSION_NOTES))
