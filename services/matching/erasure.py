"""Erasing what a person wrote once profiles erased their personal data."""

from __future__ import annotations

import structlog

from shared.contracts.profiles import FacultyDataErased
from shared.platform.db import UnitOfWork
from shared.platform.inbound import Inbound

log = structlog.get_logger(__name__)


async def erase_words_of_person(uow: UnitOfWork, message: Inbound) -> None:
    """Blank the person's need statements and mentor statement.

    Matching keeps only employee ids, departments and load otherwise; the
    requests stay, so counts and the other person's history still add up.
    """
    erased: FacultyDataErased = message.payload
    requests = await uow.conn.execute(
        "UPDATE requests SET need_statement = ''"
        " WHERE mentee_employee_id = $1 AND need_statement <> ''",
        erased.employee_id,
    )
    statements = await uow.conn.execute(
        "UPDATE mentors SET statement = '' WHERE employee_id = $1 AND statement <> ''",
        erased.employee_id,
    )
    log.info(
        "person_words_erased",
        employee_id=erased.employee_id,
        need_statements=int(requests.split()[-1]),
        mentor_statements=int(statements.split()[-1]),
    )
