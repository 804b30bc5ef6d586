"""SQL for requests, the proposals made for them, and their expiry timers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from shared.contracts.matching import RequestSubmitted

EXPIRY_TIMER = "proposal_expiry"
OPEN_STATUSES = ("proposed", "waiting", "matched")
# Spelled out, not passed as a parameter, so the planner can use the partial
# indexes on open requests (their predicate is this same list) in a plan
# prepared once for every mentee.
_IS_OPEN = "status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_STATUSES))

_INSERT_REQUEST = """
INSERT INTO requests (request_id, mentee_employee_id, topic, need_statement,
    meetings, scope_preference, scope_required, meeting_format,
    preferred_mentor_employee_id, status, reason_code, correlation_id,
    availability, weekly_minutes)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
    CASE WHEN $13::jsonb IS NULL THEN NULL ELSE weekly_minutes($13::jsonb) END)
ON CONFLICT DO NOTHING
RETURNING *
"""


# The request's attempt count, the proposal and its expiry timer in one round trip.
_RECORD_PROPOSAL = """
WITH attempt AS (
    UPDATE requests SET status = 'proposed', reason_code = NULL,
        attempts = attempts + 1, updated_at = now()
    WHERE request_id = $1 RETURNING attempts
), proposal AS (
    INSERT INTO proposals (proposal_id, request_id, mentor_employee_id, attempt,
        status, score, rationale, expires_at)
    SELECT $2, $1, $3, attempts, 'open', $4, $5, $6 FROM attempt
    RETURNING attempt
), timer AS (
    INSERT INTO timers (kind, subject, due_at) VALUES ($7, $2::text, $6)
)
SELECT attempt FROM proposal
"""


async def get_request(
    conn: asyncpg.Connection, request_id: uuid.UUID, *, lock: bool = False
) -> asyncpg.Record | None:
    query = "SELECT * FROM requests WHERE request_id = $1"
    return await conn.fetchrow(query + (" FOR UPDATE" if lock else ""), request_id)


async def count_open_requests(conn: asyncpg.Connection, mentee: str) -> int:
    return await conn.fetchval(
        f"SELECT count(*) FROM requests WHERE mentee_employee_id = $1 AND {_IS_OPEN}",
        mentee,
    )


async def insert_request(
    conn: asyncpg.Connection,
    request: RequestSubmitted,
    *,
    status: str,
    correlation_id: uuid.UUID,
    reason_code: str | None = None,
) -> asyncpg.Record | None:
    """The stored row, or None when the id or an open (mentee, topic) exists."""
    return await conn.fetchrow(
        _INSERT_REQUEST,
        request.request_id,
        request.mentee_employee_id,
        request.topic,
        request.need_statement,
        request.meetings,
        request.scope_preference.value,
        request.scope_required,
        request.meeting_format.value if request.meeting_format else None,
        request.preferred_mentor_employee_id,
        status,
        reason_code,
        correlation_id,
        request.availability.model_dump(mode="json") if request.availability else None,
    )


async def set_request_status(
    conn: asyncpg.Connection,
    request_id: uuid.UUID,
    status: str,
    *,
    reason_code: str | None = None,
) -> None:
    await conn.execute(
        "UPDATE requests SET status = $2, reason_code = $3, updated_at = now(),"
        " cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() END"
        " WHERE request_id = $1",
        request_id,
        status,
        reason_code,
    )


async def open_requests_of(conn: asyncpg.Connection, mentee: str) -> list[uuid.UUID]:
    """Ids of the mentee's open requests, oldest first."""
    rows = await conn.fetch(
        f"SELECT request_id FROM requests WHERE mentee_employee_id = $1 AND {_IS_OPEN}"
        " ORDER BY submitted_at, request_id",
        mentee,
    )
    return [row["request_id"] for row in rows]


async def open_proposals_for(
    conn: asyncpg.Connection, request_id: uuid.UUID
) -> list[uuid.UUID]:
    """Ids of the request's open proposals (at most one), read without locking."""
    rows = await conn.fetch(
        "SELECT proposal_id FROM proposals WHERE request_id = $1 AND status = 'open'",
        request_id,
    )
    return [row["proposal_id"] for row in rows]


async def waiting_requests(
    conn: asyncpg.Connection,
    topics: Sequence[str],
    *,
    limit: int,
    besides: uuid.UUID | None = None,
) -> list[asyncpg.Record]:
    """Waiting requests on ``topics``, oldest first, locked; others' are skipped."""
    return await conn.fetch(
        "SELECT * FROM requests WHERE status = 'waiting' AND topic = ANY($1::text[])"
        " AND request_id IS DISTINCT FROM $3"
        " ORDER BY submitted_at, request_id LIMIT $2 FOR UPDATE SKIP LOCKED",
        list(topics),
        limit,
        besides,
    )


async def record_proposal(
    conn: asyncpg.Connection,
    *,
    proposal_id: uuid.UUID,
    request_id: uuid.UUID,
    mentor: str,
    score: float,
    rationale: str,
    expires_at: datetime,
) -> int:
    """Store an open proposal and its expiry timer; returns the attempt number."""
    return await conn.fetchval(
        _RECORD_PROPOSAL,
        request_id,
        proposal_id,
        mentor,
        score,
        rationale,
        expires_at,
        EXPIRY_TIMER,
    )


async def lock_proposal(
    conn: asyncpg.Connection, proposal_id: uuid.UUID
) -> asyncpg.Record | None:
    """The proposal, with its expiry timer locked first (the expiry poller's order)."""
    await conn.execute(
        "SELECT 1 FROM timers WHERE kind = $1 AND subject = $2 FOR UPDATE",
        EXPIRY_TIMER,
        str(proposal_id),
    )
    return await conn.fetchrow(
        "SELECT * FROM proposals WHERE proposal_id = $1 FOR UPDATE", proposal_id
    )


async def close_proposal(
    conn: asyncpg.Connection, proposal_id: uuid.UUID, status: str
) -> None:
    """Move an open proposal to ``status`` and drop its expiry timer."""
    await conn.execute(
        "UPDATE proposals SET status = $2, closed_at = now()"
        " WHERE proposal_id = $1 AND status = 'open'",
        proposal_id,
        status,
    )
    await conn.execute(
        "DELETE FROM timers WHERE kind = $1 AND subject = $2",
        EXPIRY_TIMER,
        str(proposal_id),
    )


async def claim_due_expiry(conn: asyncpg.Connection) -> uuid.UUID | None:
    """The proposal id of one due expiry timer no other replica is handling."""
    subject = await conn.fetchval(
        "SELECT subject FROM timers WHERE kind = $1 AND due_at <= now()"
        " ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED",
        EXPIRY_TIMER,
    )
    return uuid.UUID(subject) if subject else None


async def accepted_mentor(conn: asyncpg.Connection, request_id: uuid.UUID) -> str:
    return await conn.fetchval(
        "SELECT mentor_employee_id FROM proposals"
        " WHERE request_id = $1 AND status = 'accepted'",
        request_id,
    )


async def matched_requests_of_mentor(
    conn: asyncpg.Connection, mentor: str
) -> list[uuid.UUID]:
    """Ids of requests matched to ``mentor`` whose engagement is still open."""
    rows = await conn.fetch(
        "SELECT r.request_id FROM requests r"
        " JOIN proposals p ON p.request_id = r.request_id AND p.status = 'accepted'"
        " WHERE p.mentor_employee_id = $1 AND r.status = 'matched'"
        " ORDER BY r.submitted_at, r.request_id",
        mentor,
    )
    return [row["request_id"] for row in rows]


async def open_proposals_of(conn: asyncpg.Connection, mentor: str) -> list[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT proposal_id FROM proposals"
        " WHERE mentor_employee_id = $1 AND status = 'open' ORDER BY proposed_at",
        mentor,
    )
    return [row["proposal_id"] for row in rows]


async def summary(conn: asyncpg.Connection) -> dict:
    counts = await conn.fetchrow(
        "SELECT count(*) AS requests,"
        " count(*) FILTER (WHERE status IN ('matched', 'completed')) AS matched,"
        " count(*) FILTER (WHERE status = 'waiting') AS waiting,"
        " count(*) FILTER (WHERE status = 'cancelled') AS cancelled"
        " FROM requests"
    )
    proposed = await conn.fetchval(
        "SELECT count(*) FROM proposals WHERE status = 'open'"
    )
    rows = await conn.fetch(
        "SELECT reason_code, count(*) AS n FROM requests WHERE status = 'rejected'"
        " GROUP BY reason_code ORDER BY reason_code"
    )
    return {
        "requests": counts["requests"],
        "matched": counts["matched"],
        "proposed": proposed,
        "waiting": counts["waiting"],
        "rejected": {row["reason_code"]: row["n"] for row in rows},
        "cancelled": counts["cancelled"],
    }
