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

# The hard rules besides the topic that a mentor ``m`` must pass to be asked
# for the request ``r``: the mentee's department is $3, their supervisor $4, the
# mentors already tried in this transaction $5.
_HARD_RULES = """
    m.active
    AND m.reserved < m.capacity
    AND m.employee_id <> r.mentee_employee_id
    AND m.employee_id IS DISTINCT FROM $4
    AND mentor_scope_allows(m.department_scope, m.department, $3)
    AND mentee_scope_allows(r.scope_preference, r.scope_required, m.department, $3)
    AND NOT m.employee_id = ANY(r.already_asked)
    AND NOT m.employee_id = ANY($5::text[])
"""

# One mentor by primary key. OFFSET 0 keeps the planner from flattening it into
# a hash join that reads every mentor to find the few hundred in the pool.
_ONE_MENTOR = "SELECT * FROM mentors WHERE employee_id = {id} OFFSET 0"

# Mentors scored for one request, and how far down the topic's least recently
# asked mentors the search looks for them. Both bound a proposal's cost however
# many mentors offer the topic.
POOL_SIZE = 100
NEAREST = 300

# The pool scored for a request: the first POOL_SIZE mentors who pass the hard
# rules among the NEAREST least recently asked on the topic (an ordered index
# walk), plus the mentor the mentee named. Only when none of those may be asked
# does the search read the whole topic, so nobody who may be asked is missed.
# Within the pool the ranking is a weighted mean of factor shares (each between
# 0 and 1); a mentor the mentee named always comes first. The request is
# materialised so its search query is parsed, and the mentors it was already
# proposed to are read, once rather than once per mentor.
_RANKED = f"""
WITH request AS MATERIALIZED (
    SELECT r.*, plainto_tsquery('english', r.need_statement) AS need,
           ARRAY(SELECT p.mentor_employee_id FROM proposals p
                 WHERE p.request_id = r.request_id) AS already_asked
    FROM requests r WHERE r.request_id = $2
), nearest AS MATERIALIZED (
    SELECT a.employee_id, a.last_proposed_at FROM askable_mentors a
    WHERE a.topic = $1
    ORDER BY a.last_proposed_at NULLS FIRST, a.employee_id
    LIMIT {NEAREST}
), rested AS MATERIALIZED (
    SELECT m.employee_id
    FROM nearest a
    CROSS JOIN LATERAL ({_ONE_MENTOR.format(id="a.employee_id")}) m
    CROSS JOIN request r
    WHERE {_HARD_RULES}
    ORDER BY a.last_proposed_at NULLS FIRST, a.employee_id
    LIMIT {POOL_SIZE}
), farther AS (
    SELECT m.employee_id
    FROM askable_mentors a
    JOIN mentors m ON m.employee_id = a.employee_id
    CROSS JOIN request r
    WHERE a.topic = $1 AND NOT EXISTS (SELECT 1 FROM rested) AND {_HARD_RULES}
    ORDER BY a.last_proposed_at NULLS FIRST, a.employee_id
    LIMIT {POOL_SIZE}
), pool AS (
    SELECT employee_id FROM rested
    UNION
    SELECT employee_id FROM farther
    UNION
    SELECT preferred_mentor_employee_id FROM request
    WHERE preferred_mentor_employee_id IS NOT NULL
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
    CROSS JOIN pool
    CROSS JOIN LATERAL ({_ONE_MENTOR.format(id="pool.employee_id")}) m
    LEFT JOIN track_records t ON t.employee_id = m.employee_id
    -- The topic is checked here for the named mentor; the others came by it.
    -- (= ANY rather than @>, so the planner does not read every mentor of the
    -- topic through the GIN index to check a few hundred.)
    WHERE $1 = ANY(m.topics) AND {_HARD_RULES}
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
), ranked AS (
    SELECT s.*,
           ($7::float8 * department_share + $8::float8 * free_capacity_share
            + $9::float8 * rotation_share + $10::float8 * availability_share
            + $11::float8 * track_record_share + $12::float8 * relevance_share)
           / ($7::float8 + $8 + $9 + $10 + $11 + $12) AS score
    FROM shares s
    ORDER BY named_by_mentee DESC, score DESC, employee_id
    LIMIT $6
)"""

_CANDIDATES = (
    _RANKED + " SELECT * FROM ranked ORDER BY named_by_mentee DESC, score DESC,"
    " employee_id"
)

# The best candidate and, in the same statement, one of their places booked.
# ``booked`` is false when a concurrent booking took the last place first.
_BOOK_BEST = (
    _RANKED
    + """, booked AS (
    UPDATE mentors m SET reserved = m.reserved + 1, last_proposed_at = now(),
        updated_at = now()
    FROM ranked
    WHERE m.employee_id = ranked.employee_id AND m.active
      AND m.reserved < m.capacity
    RETURNING m.employee_id
)
SELECT ranked.*, EXISTS (SELECT 1 FROM booked) AS booked FROM ranked"""
)

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


async def book_best_candidate(
    conn: asyncpg.Connection,
    *,
    request: asyncpg.Record,
    mentee_department: str,
    supervisor: str | None,
    excluded: Sequence[str],
    weights: Mapping[str, float],
    rotation_horizon_days: float,
    track_record_full_at: int,
) -> asyncpg.Record | None:
    """The best candidate with one of their places booked, in one round trip.

    None when nobody may be asked; ``booked`` is false on the row when a
    concurrent booking took that mentor's last place first (ask again without
    them). The row shows the mentor's load before this booking.
    """
    return await conn.fetchrow(
        _BOOK_BEST,
        request["topic"],
        request["request_id"],
        mentee_department,
        supervisor,
        list(excluded),
        1,
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


async def release_slot(conn: asyncpg.Connection, employee_id: str) -> list[str]:
    """Free one slot; returns the mentor's topics (empty if nothing was reserved)."""
    topics = await conn.fetchval(
        "UPDATE mentors SET reserved = reserved - 1,"
        " capacity = GREATEST(max_mentees, reserved - 1), updated_at = now()"
        " WHERE employee_id = $1 AND reserved > 0 RETURNING topics",
        employee_id,
    )
    return list(topics or ())
