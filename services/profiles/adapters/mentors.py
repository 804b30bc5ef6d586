"""SQL for mentor profiles and their status after they were approved."""

from __future__ import annotations

import asyncpg


async def save_profile(
    conn: asyncpg.Connection, employee_id: str, *, profile: dict
) -> None:
    await conn.execute(
        "UPDATE mentors SET profile = $2 WHERE employee_id = $1", employee_id, profile
    )


async def set_status(
    conn: asyncpg.Connection,
    employee_id: str,
    *,
    status: str,
    reason_code: str,
    profile: dict | None = None,
) -> None:
    """Change the status, and the profile with it when one is given."""
    await conn.execute(
        "UPDATE mentors SET status = $2, reason_code = $3,"
        " profile = coalesce($4, profile), decided_at = now()"
        " WHERE employee_id = $1",
        employee_id,
        status,
        reason_code,
        profile,
    )


async def count_by_status(conn: asyncpg.Connection) -> dict[str, int]:
    rows = await conn.fetch("SELECT status, count(*) AS n FROM mentors GROUP BY status")
    return {row["status"]: row["n"] for row in rows}
