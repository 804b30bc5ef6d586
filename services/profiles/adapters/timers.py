"""Due-time rows for paused mentors, in the platform ``timers`` table."""

from __future__ import annotations

from datetime import datetime

import asyncpg

MENTOR_RESUME = "mentor_resume"


async def schedule_resume(
    conn: asyncpg.Connection, employee_id: str, *, due_at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO timers (kind, subject, due_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (kind, subject) DO UPDATE SET due_at = EXCLUDED.due_at",
        MENTOR_RESUME,
        employee_id,
        due_at,
    )


async def cancel_resume(conn: asyncpg.Connection, employee_id: str) -> None:
    await conn.execute(
        "DELETE FROM timers WHERE kind = $1 AND subject = $2",
        MENTOR_RESUME,
        employee_id,
    )


async def claim_due_resumes(conn: asyncpg.Connection, *, limit: int) -> list[str]:
    """Delete and return due resumptions; other replicas skip the rows held here."""
    rows = await conn.fetch(
        "DELETE FROM timers WHERE id IN ("
        " SELECT id FROM timers WHERE kind = $1 AND due_at <= now()"
        " ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)"
        " RETURNING subject",
        MENTOR_RESUME,
        limit,
    )
    return [row["subject"] for row in rows]
