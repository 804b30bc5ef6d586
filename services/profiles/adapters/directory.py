"""Read-only SQL behind the mentor directory: listed mentors and their free places."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

# Only what a mentor chose to show, plus the department they work in.
_LISTED = """
WITH listed AS (
    SELECT m.employee_id, f.given_name, f.family_name, f.rank, f.department,
           f.division, m.profile,
           greatest((m.profile ->> 'max_mentees')::int - (
               SELECT count(*) FROM mentor_engagements e
               WHERE e.mentor_employee_id = m.employee_id AND e.closed_at IS NULL
           ), 0) AS free_capacity
    FROM mentors m JOIN faculty f USING (employee_id)
    WHERE m.status = 'approved' {where}
)
"""


@dataclass(frozen=True)
class MentorSearch:
    topic: str | None = None
    department: str | None = None
    division: str | None = None
    meeting_format: str | None = None
    has_capacity: bool | None = None
    words: str | None = None


def _filters(search: MentorSearch) -> tuple[str, str, list]:
    """SQL conditions inside and after the ``listed`` CTE, and their arguments."""
    inner, args = [], []

    def arg(value) -> str:
        args.append(value)
        return f"${len(args)}"

    if search.topic:
        inner.append(f"m.profile -> 'topics' ? {arg(search.topic)}")
    if search.meeting_format:
        inner.append(f"m.profile -> 'meeting_formats' ? {arg(search.meeting_format)}")
    if search.department:
        inner.append(f"lower(f.department) = lower({arg(search.department)})")
    if search.division:
        inner.append(f"lower(f.division) = lower({arg(search.division)})")
    if search.words:
        words = arg(search.words)
        inner.append(f"m.statement_search @@ websearch_to_tsquery('english', {words})")
    outer = ""
    if search.has_capacity is not None:
        outer = "WHERE (free_capacity > 0) = " + arg(search.has_capacity)
    where = "".join(f" AND {condition}" for condition in inner)
    return _LISTED.format(where=where), outer, args


async def search_mentors(
    conn: asyncpg.Connection, search: MentorSearch, *, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """A page of listed mentors, most free places first, then by name; and the total."""
    listed, outer, args = _filters(search)
    total = await conn.fetchval(f"{listed} SELECT count(*) FROM listed {outer}", *args)
    rows = await conn.fetch(
        f"{listed} SELECT * FROM listed {outer}"
        " ORDER BY free_capacity DESC, family_name, given_name, employee_id"
        f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args,
        limit,
        offset,
    )
    return rows, total


async def listed_mentor(
    conn: asyncpg.Connection, employee_id: str
) -> asyncpg.Record | None:
    listed = _LISTED.format(where="AND m.employee_id = $1")
    return await conn.fetchrow(f"{listed} SELECT * FROM listed", employee_id)
