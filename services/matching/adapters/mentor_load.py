"""SQL that decides who can be asked and books or frees a mentor's slots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import asyncpg

WEIGHT_ORDER = (
    "department",
    "free_capacity",
    "rotation",
    "availability",
    "track_record",
    "relevance",
)

# Hard rules in WHERE; the ranking is a weighted mean of factor shares (each
# between 0 and 1) in ORDER BY, computed only for the mentors that pass. The
# GIN index on topics keeps the candidate set from reading every mentor. A
# mentor the mentee named always comes first.
_CANDIDATES = """
WITH request AS (
    SELECT r.*, plainto_tsquery('english', r.need_statement) AS need
    FROM requests r WHERE r.request_id = $2
), candidates AS (
    SELECT m.employee_id, m.reserved, m.capacity, m.last_proposed_at,
           m.department = $3 AS same_department,
           CASE WHEN r.scope_preference = 'own' THEN m.department = $3
                ELSE m.department <> $3 END AS department_preferred,
           COALESCE(m.employee_id = r.preferred_mentor_employee_id, false)
               AS named_by_mentee,
           COALESCE((SELECT sum(upper(shared) - lower(shared))
                     FROM unnest(m.weekly_minutes * r.weekly_minutes) AS shared),
                    0)::int AS shared_minutes,
           r.weekly_minutes IS NOT NULL AS availability_given,
           r.meetings,
           COALESCE(t.sessions_completed, 0) AS sessions_completed,
           ts_rank(m.statement_terms, r.need) AS relevance_rank
    FROM request r
    JOIN mentors m ON m.topics @> ARRAY[$1]::text[]
    LEFT JOIN track_records t ON t.employee_id = m.employee_id
    WHERE m.active
      AND m.reserved < m.capacity
      AND m.employee_id <> r.mentee_employee_id
      AND m.employee_id IS DISTINCT FROM $4
      AND mentor_scope_allows(m.department_scope, m.department, $3)
      AND mentee_scope_allows(r.scope_preference, r.scope_required, m.department, $3)
      AND NOT EXISTS (SELECT 1 FROM proposals p
                      WHERE p.request_id = r.request_id
                        AND p.mentor_employee_id = m.employee_id)
      AND NOT m.employee_id = ANY($5::text[])
), shares AS (
    SELECT c.*,
           department_preferred::int::float8 AS department_share,
           (capacity - reserved)::float8 / capacity AS free_capacity_share,
           CASE WHEN last_proposed_at IS NULL THEN 1.0
                ELSE least(extract(epoch FROM now() - last_proposed_at)
                           / 86400 / $13::float8, 1.0)
           END::float8 AS rotation_share,
           CASE WHEN availability_given
                THEN least(shared_minutes / (60.0 * meetings), 1.0)
                ELSE 0 END::float8 AS availability_share,
           least(sessions_completed / $14::float8, 1.0) AS track_record_share,
           -- A rank of 0.1 (one strong term) counts as half relevant.
           (relevance_rank / (relevance_rank + 0.1))::float8 AS relevance_share
    FROM candidates c
)
SELECT s.*,
       ($7::float8 * department_share + $8::float8 * free_capacity_share
        + $9::float8 * rotation_share + $10::float8 * availability_share
        + $11::float8 * track_record_share + $12::float8 * relevance_share)
       / ($7::float8 + $8 + $9 + $10 + $11 + $12) AS score
FROM shares s
ORDER BY named_by_mentee DESC, score DESC, employee_id
LIMIT $6
"""

_PREFERRED_MENTOR = """
SELECT m.active, m.reserved < m.capacity AS has_free_slot,
       m.topics @> ARRAY[$2]::text[] AS offers_topic,
       mentor_scope_allows(m.department_scope, m.department, $3) AS mentor_scope_ok,
       mentee_scope_allows($4, $5, m.department, $3) AS mentee_scope_ok
FROM mentors m WHERE m.employee_id = $1
"""


async def find_candidates(
    conn: asyncpg.Connection,
    *,
    request: asyncpg.Record,
    mentee_department: str,
    supervisor: str | None,
    excluded: Sequence[str],
    weights: Mapping[str, float],
    rotation_horizon_days: float,
    track_record_full_at: int,
    limit: int = 5,
) -> list[asyncpg.Record]:
    """The best mentors who may be asked for ``request``, best first, with scores."""
    return await conn.fetch(
        _CANDIDATES,
        request["topic"],
        request["request_id"],
        mentee_department,
        supervisor,
        list(excluded),
        limit,
        *(weights[factor] for factor in WEIGHT_ORDER),
        rotation_horizon_days,
        track_record_full_at,
    )


async def preferred_mentor_facts(
    conn: asyncpg.Connection, *, request: asyncpg.Record, mentee_department: str
) -> asyncpg.Record | None:
    """How the mentor the mentee named fares against the hard rules; None if unknown."""
    return await conn.fetchrow(
        _PREFERRED_MENTOR,
        request["preferred_mentor_employee_id"],
        request["topic"],
        mentee_department,
        request["scope_preference"],
        request["scope_required"],
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
