"""SQL for each mentor's track record: the mentoring sessions they have held."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg


async def count_completed_session(
    conn: asyncpg.Connection,
    *,
    session_id: uuid.UUID,
    mentor: str,
    completed_at: datetime,
) -> int | None:
    """The mentor's new session count; None when this session was counted before."""
    inserted = await conn.fetchval(
        "INSERT INTO completed_sessions (session_id, mentor_employee_id, completed_at)"
        " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING session_id",
        session_id,
        mentor,
        completed_at,
    )
    if inserted is None:
        return None
    return await conn.fetchval(
        "INSERT INTO track_records (employee_id, sessions_completed) VALUES ($1, 1)"
        " ON CONFLICT (employee_id) DO UPDATE"
        " SET sessions_completed = track_records.sessions_completed + 1"
        " RETURNING sessions_completed",
        mentor,
    )
