"""SQL that decides who can be asked and books or frees a mentor's slots."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

# Hard rules in WHERE, ranking in ORDER BY; the GIN index on topics and the
# partial index on free slots keep this from reading every mentor.
_CANDIDATES = """
SELECT m.employee_id, m.reserved, m.capacity, m.last_proposed_at,
       m.department = $3 AS same_department,
       CASE WHEN $4 = 'own' THEN m.department = $3
            ELSE m.department <> $3 END AS department_preferred,
       COALESCE(m.employee_id = $8, false) AS named_by_mentee
FROM mentors m
WHERE m.active
  AND m.reserved < m.capacity
  AND m.topics @> ARRAY[$1]::text[]
  AND m.employee_id <> $2
  AND m.employee_id IS DISTINCT FROM $6
  AND (m.department_scope = 'both'
       OR (m.department_scope = 'own' AND m.department = $3)
       OR (m.department_scope = 'other' AND m.department <> $3))
  AND (NOT $5 OR $4 = 'any'
       OR ($4 = 'own' AND m.department = $3)
       OR ($4 = 'other' AND m.department <> $3))
  AND NOT EXISTS (SELECT 1 FROM proposals p
                  WHERE p.request_id = $7 AND p.mentor_employee_id = m.employee_id)
  AND NOT m.employee_id = ANY($9::text[])
ORDER BY named_by_mentee DESC, m.reserved ASC, m.last_proposed_at ASC NULLS FIRST,
         department_preferred DESC, m.employee_id
LIMIT $10
"""


async def find_candidates(
    conn: asyncpg.Connection,
    *,
    request: asyncpg.Record,
    mentee_department: str,
    supervisor: str | None,
    excluded: Sequence[str],
    limit: int = 5,
) -> list[asyncpg.Record]:
    """The best mentors who may be asked for ``request``, best first."""
    return await conn.fetch(
        _CANDIDATES,
        request["topic"],
        request["mentee_employee_id"],
        mentee_department,
        request["scope_preference"],
        request["scope_required"],
        supervisor,
        request["request_id"],
        request["preferred_mentor_employee_id"],
        list(excluded),
        limit,
    )


async def reserve_slot(conn: asyncpg.Connection, employee_id: str) -> bool:
    """Book one slot; False when a concurrent booking took the last one first."""
    booked = await conn.fetchval(
        "UPDATE mentors SET reserved = reserved + 1, last_proposed_at = now(),"
        " updated_at = now()"
        " WHERE employee_id = $1 AND active AND reserved < capacity"
        " RETURNING employee_id",
        employee_id,
    )
    return booked is not None


async def release_slot(conn: asyncpg.Connection, employee_id: str) -> list[str]:
    """Free one slot; returns the mentor's topics (empty if nothing was reserved)."""
    topics = await conn.fetchval(
        "UPDATE mentors SET reserved = reserved - 1,"
        " capacity = GREATEST(max_mentees, reserved - 1), updated_at = now()"
        " WHERE employee_id = $1 AND reserved > 0 RETURNING topics",
        employee_id,
    )
    return list(topics or ())
