"""Telling a mentee when the mentor they named cannot be asked."""

from __future__ import annotations

import asyncpg
import structlog

from services.matching.adapters import mentor_load
from services.matching.domain.preferred_mentor import (
    PreferredMentorFacts,
    preferred_mentor_problem,
)
from services.matching.proposing import Matchmaker
from shared.contracts.matching import PreferredMentorUnavailable
from shared.envelope import Envelope
from shared.platform.db import UnitOfWork

log = structlog.get_logger(__name__)


async def tell_if_preferred_mentor_unavailable(
    uow: UnitOfWork,
    matchmaker: Matchmaker,
    request: asyncpg.Record,
    *,
    mentee: asyncpg.Record,
    cause: Envelope | None,
) -> None:
    """Publish why the named mentor fails the hard rules; matching goes on anyway."""
    preferred = request["preferred_mentor_employee_id"]
    if preferred is None:
        return
    facts = await mentor_load.preferred_mentor_facts(
        uow.conn, request=request, mentee_department=mentee["department"]
    )
    problem = preferred_mentor_problem(
        preferred,
        PreferredMentorFacts(**dict(facts)) if facts else None,
        mentee=request["mentee_employee_id"],
        supervisor=mentee["supervisor_employee_id"],
    )
    if problem is None:
        return
    reason_code, reason = problem
    await uow.emit(
        matchmaker.topics.matching,
        matchmaker.event(
            PreferredMentorUnavailable(
                request_id=request["request_id"],
                mentee_employee_id=request["mentee_employee_id"],
                preferred_mentor_employee_id=preferred,
                reason_code=reason_code,
                reason=reason,
            ),
            request,
            cause,
        ),
    )
    log.info(
        "preferred_mentor_unavailable",
        request_id=str(request["request_id"]),
        preferred_mentor_employee_id=preferred,
        reason_code=reason_code,
    )
