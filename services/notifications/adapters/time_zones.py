"""SQL for notifications' copy of each mentor's time zone."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg


async def store_time_zone(
    conn: asyncpg.Connection, employee_id: str, time_zone: str
) -> None:
    await conn.execute(
        "INSERT INTO mentor_time_zones (employee_id, time_zone) VALUES ($1, $2)"
        " ON CONFLICT (employee_id) DO UPDATE SET time_zone = EXCLUDED.time_zone,"
        " updated_at = now()",
        employee_id,
        time_zone,
    )


async def time_zones_for(
    conn: asyncpg.Connection, employee_ids: Iterable[str]
) -> dict[str, str]:
    """The known time zone of each of these people who is or was a mentor."""
    rows = await conn.fetch(
        "SELECT employee_id, time_zone FROM mentor_time_zones"
        " WHERE employee_id = ANY($1::text[])",
        sorted(set(employee_ids)),
    )
    return {row["employee_id"]: row["time_zone"] for row in rows}
