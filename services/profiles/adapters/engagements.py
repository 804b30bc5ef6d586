"""Scheduling's engagements, kept only to know how many each mentor has open."""

from __future__ import annotations

import uuid

import asyncpg


async def record_opened(
    conn: asyncpg.Connection, engagement_id: uuid.UUID, mentor_employee_id: str
) -> None:
    await conn.execute(
        "INSERT INTO mentor_engagements (engagement_id, mentor_employee_id)"
        " VALUES ($1, $2) ON CONFLICT (engagement_id) DO NOTHING",
        engagement_id,
        mentor_employee_id,
    )


async def record_closed(
    conn: asyncpg.Connection, engagement_id: uuid.UUID, mentor_employee_id: str
) -> None:
    """Close the engagement; a close seen before its opening is remembered too."""
    await conn.execute(
        "INSERT INTO mentor_engagements"
        " (engagement_id, mentor_employee_id, closed_at) VALUES ($1, $2, now())"
        " ON CONFLICT (engagement_id) DO UPDATE"
        " SET closed_at = coalesce(mentor_engagements.closed_at, now())",
        engagement_id,
        mentor_employee_id,
    )


async def open_count(conn: asyncpg.Connection, mentor_employee_id: str) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM mentor_engagements"
        " WHERE mentor_employee_id = $1 AND closed_at IS NULL",
        mentor_employee_id,
    )
