"""SQL that replaces a separated person's personal data with placeholders."""

from __future__ import annotations

import asyncpg

_CLAIM_EXPIRED = """
SELECT f.employee_id, f.record_version FROM faculty f
WHERE f.employment_status = 'separated'
  AND f.updated_at <= now() - make_interval(days => $1)
  AND NOT EXISTS (
      SELECT 1 FROM erasures e
      WHERE e.employee_id = f.employee_id AND e.record_version >= f.record_version)
ORDER BY f.updated_at
LIMIT $2
FOR UPDATE OF f SKIP LOCKED
"""


async def claim_expired(
    conn: asyncpg.Connection, *, retention_days: int, limit: int
) -> list[asyncpg.Record]:
    """Separated faculty kept past retention and not yet erased, locked for us."""
    return await conn.fetch(_CLAIM_EXPIRED, retention_days, limit)


async def erase(
    conn: asyncpg.Connection,
    employee_id: str,
    *,
    record_version: int,
    identity: dict[str, str],
) -> None:
    """Overwrite names and e-mail, clear a mentor statement, remember the erasure."""
    await conn.execute(
        "UPDATE faculty SET given_name = $2, family_name = $3, email = $4,"
        " supervisor_employee_id = NULL WHERE employee_id = $1",
        employee_id,
        identity["given_name"],
        identity["family_name"],
        identity["email"],
    )
    await conn.execute(
        "UPDATE mentors SET status = 'erased', reason_code = 'erased',"
        " profile = jsonb_set(profile, '{statement}', '\"\"'), decided_at = now()"
        " WHERE employee_id = $1",
        employee_id,
    )
    await conn.execute(
        "INSERT INTO erasures (employee_id, record_version) VALUES ($1, $2)"
        " ON CONFLICT (employee_id) DO UPDATE SET"
        " record_version = EXCLUDED.record_version, erased_at = now()",
        employee_id,
        record_version,
    )


async def erased_count(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM erasures")
