"""SQL for matching's own copies of faculty facts and approved mentors."""

from __future__ import annotations

import asyncpg

from shared.contracts.profiles import FacultyProfileChanged, MentorApproved

_UPSERT_FACULTY_IF_NEWER = """
INSERT INTO faculty (employee_id, department, division, employment_status,
    supervisor_employee_id, record_version)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (employee_id) DO UPDATE SET
    department = EXCLUDED.department, division = EXCLUDED.division,
    employment_status = EXCLUDED.employment_status,
    supervisor_employee_id = EXCLUDED.supervisor_employee_id,
    record_version = EXCLUDED.record_version, updated_at = now()
WHERE faculty.record_version < EXCLUDED.record_version
RETURNING employee_id
"""

# A re-approval (a changed profile) keeps slots already promised: capacity
# never drops below what is reserved.
_UPSERT_MENTOR = """
INSERT INTO mentors (employee_id, topics, max_mentees, capacity, department,
    division, department_scope, meeting_formats, availability, active, statement,
    weekly_minutes)
VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, weekly_minutes($8::jsonb))
ON CONFLICT (employee_id) DO UPDATE SET
    topics = EXCLUDED.topics, max_mentees = EXCLUDED.max_mentees,
    capacity = GREATEST(EXCLUDED.max_mentees, mentors.reserved),
    department = EXCLUDED.department, division = EXCLUDED.division,
    department_scope = EXCLUDED.department_scope,
    meeting_formats = EXCLUDED.meeting_formats,
    availability = EXCLUDED.availability, active = EXCLUDED.active,
    statement = EXCLUDED.statement, weekly_minutes = EXCLUDED.weekly_minutes,
    updated_at = now()
"""


async def store_faculty_if_newer(
    conn: asyncpg.Connection, change: FacultyProfileChanged
) -> bool:
    """Store ``change`` unless the same or a newer record version is stored."""
    stored = await conn.fetchval(
        _UPSERT_FACULTY_IF_NEWER,
        change.employee_id,
        change.department,
        change.division,
        change.employment_status.value,
        change.supervisor_employee_id,
        change.record_version,
    )
    return stored is not None


async def lock_faculty(
    conn: asyncpg.Connection, employee_id: str
) -> asyncpg.Record | None:
    """The faculty row, locked so one mentee's requests are decided one at a time."""
    return await conn.fetchrow(
        "SELECT * FROM faculty WHERE employee_id = $1 FOR UPDATE", employee_id
    )


async def get_faculty(
    conn: asyncpg.Connection, employee_id: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM faculty WHERE employee_id = $1", employee_id
    )


async def store_mentor_profile(
    conn: asyncpg.Connection, mentor: MentorApproved, *, active: bool = True
) -> None:
    await conn.execute(
        _UPSERT_MENTOR,
        mentor.employee_id,
        list(mentor.topics),
        mentor.max_mentees,
        mentor.department,
        mentor.division,
        mentor.department_scope.value,
        [fmt.value for fmt in mentor.meeting_formats],
        mentor.availability.model_dump(mode="json"),
        active,
        mentor.statement,
    )


async def set_mentor_active(
    conn: asyncpg.Connection, employee_id: str, *, active: bool
) -> list[str] | None:
    """The mentor's topics when this changed whether they can be asked, else None."""
    topics = await conn.fetchval(
        "UPDATE mentors SET active = $2, updated_at = now()"
        " WHERE employee_id = $1 AND active <> $2 RETURNING topics",
        employee_id,
        active,
    )
    return list(topics) if topics is not None else None


async def get_mentor(
    conn: asyncpg.Connection, employee_id: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM mentors WHERE employee_id = $1", employee_id
    )
