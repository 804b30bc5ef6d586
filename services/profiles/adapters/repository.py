"""SQL for the profiles schema; every function takes the unit of work's connection."""

from __future__ import annotations

import uuid

import asyncpg

from shared.contracts.hr import FacultyRecord
from shared.contracts.profiles import FacultyProfileChanged
from shared.envelope import envelope_json_sql
from shared.platform.errors import ConcurrentChange

_HR_COLUMNS = (
    "employee_id, given_name, family_name, email, department, division, rank,"
    " appointment_type, service_start_date, employment_status,"
    " supervisor_employee_id, record_version"
)

# Each stored record is announced as FacultyProfileChanged in the same
# statement, in input order: the database writes the event beside the row.
# The input is unnested once, with each record's correlation id and position.
# The statement also says which of the employees stored are mentors, whose
# standing the new record may change.
_STORE_AND_ANNOUNCE = f"""
WITH input AS MATERIALIZED (
    SELECT * FROM unnest($1::hr_record[], $2::uuid[]) WITH ORDINALITY
         AS i ({_HR_COLUMNS}, correlation_id, n)
),
stored AS (
    INSERT INTO faculty AS f ({_HR_COLUMNS})
    SELECT {_HR_COLUMNS} FROM input
    ON CONFLICT (employee_id) DO UPDATE SET
        given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
        email = EXCLUDED.email, department = EXCLUDED.department,
        division = EXCLUDED.division, rank = EXCLUDED.rank,
        appointment_type = EXCLUDED.appointment_type,
        service_start_date = EXCLUDED.service_start_date,
        employment_status = EXCLUDED.employment_status,
        supervisor_employee_id = EXCLUDED.supervisor_employee_id,
        record_version = EXCLUDED.record_version, updated_at = now()
    WHERE f.record_version < EXCLUDED.record_version
    RETURNING f.*
),
-- Event ids are version 4 uuids derived from one random uuid per statement
-- (gen_random_uuid() per row reads the system's random source a thousand
-- times): 120 bits hashed from the seed and the row's position, the variant's
-- two bits from the seed.
seed AS MATERIALIZED (
    SELECT value, substr(value, 20, 1) AS variant
    FROM (SELECT gen_random_uuid()::text AS value) AS fresh
),
announced AS (
    INSERT INTO outbox (topic, message_key, event_id, event_type, value)
    SELECT $3, convert_to(s.employee_id, 'UTF8'), s.event_id,
           'FacultyProfileChanged', convert_to({
    envelope_json_sql(
        FacultyProfileChanged,
        row="s",
        event_id="s.event_id",
        subject="s.employee_id",
        producer="$4",
        correlation_id="s.correlation_id",
    )
}, 'UTF8')
    FROM (SELECT stored.*, input.correlation_id, input.n,
                 overlay(overlay(md5(seed.value || input.n) PLACING '4' FROM 13)
                         PLACING seed.variant FROM 17)::uuid AS event_id
          FROM stored JOIN input USING (employee_id), seed) s
    ORDER BY s.n
)
SELECT stored.employee_id, mentors.employee_id IS NOT NULL AS mentor
FROM stored LEFT JOIN mentors USING (employee_id)
"""


async def store_and_announce(
    conn: asyncpg.Connection,
    records: list[FacultyRecord],
    correlation_ids: list[uuid.UUID] | list[str],
    *,
    topic: str,
    producer: str,
) -> dict[str, bool]:
    """Store each record unless a same-or-newer version is stored.

    At most one record per employee. Every record stored is announced on
    ``topic`` (through the outbox) with the correlation id at its position.
    Returns the employee ids stored, each with whether they are a mentor.
    """
    if len(correlation_ids) != len(records):
        raise ValueError("one correlation id is needed per record")
    if not records:
        return {}
    rows = [
        (
            r.employee_id,
            r.given_name,
            r.family_name,
            str(r.email),
            r.department,
            r.division,
            r.rank,
            r.appointment_type.value,
            r.service_start_date,
            r.employment_status.value,
            r.supervisor_employee_id,
            r.record_version,
        )
        for r in records
    ]
    try:
        stored = await conn.fetch(
            _STORE_AND_ANNOUNCE, rows, correlation_ids, topic, producer
        )
    except asyncpg.UniqueViolationError as error:
        if error.constraint_name != "faculty_email":
            raise
        # Checked free a moment ago, taken by a batch of another partition since.
        raise ConcurrentChange(
            "another transaction stored one of these e-mail addresses at the same"
            " moment; applying again refuses the later claim"
        ) from error
    return {row["employee_id"]: row["mentor"] for row in stored}


async def holders(
    conn: asyncpg.Connection, employee_ids: list[str], addresses: list[str]
) -> tuple[list[tuple[str, int, str]], dict[str, str]]:
    """Who is stored, and each of ``addresses`` as the unique index compares it.

    Returns (employee id, stored version, address in lower case) of everyone
    among ``employee_ids`` and of whoever holds one of ``addresses``; and each
    address lower-cased. Lower case is PostgreSQL's, as the unique index on
    ``lower(email)`` has it: Python's differs for some letters (a final Σ,
    a dotted İ), and a check that folds otherwise than the index would miss
    a holder the index then refuses.
    """
    # Holders of the addresses are found by joining each address to the index
    # on lower(email). Measured on a bulk load: "lower(email) IN (subquery)"
    # read the whole table for every batch, and "= ANY(ARRAY(subquery))" cost
    # the database about 60% more time per record than this join.
    rows = await conn.fetch(
        "SELECT employee_id, record_version, lower(email) AS folded, NULL AS address"
        " FROM faculty WHERE employee_id = ANY($1::text[])"
        " UNION SELECT f.employee_id, f.record_version, lower(f.email), NULL"
        " FROM unnest($2::text[]) AS address"
        " JOIN faculty AS f ON lower(f.email) = lower(address)"
        " UNION ALL SELECT NULL, NULL, lower(address), address"
        " FROM unnest($2::text[]) AS address",
        employee_ids,
        addresses,
    )
    stored, folded = [], {}
    for row in rows:
        if row["address"] is None:
            stored.append((row["employee_id"], row["record_version"], row["folded"]))
        else:
            folded[row["address"]] = row["folded"]
    return stored, folded


async def get_faculty(
    conn: asyncpg.Connection, employee_id: str
) -> FacultyRecord | None:
    row = await conn.fetchrow(
        "SELECT * FROM faculty WHERE employee_id = $1", employee_id
    )
    return FacultyRecord.model_validate(dict(row)) if row else None


async def get_mentor(
    conn: asyncpg.Connection, employee_id: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM mentors WHERE employee_id = $1 FOR UPDATE", employee_id
    )


async def save_mentor(
    conn: asyncpg.Connection,
    employee_id: str,
    *,
    status: str,
    profile: dict,
    reason_code: str,
) -> None:
    await conn.execute(
        "INSERT INTO mentors (employee_id, status, profile, reason_code)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (employee_id) DO UPDATE SET"
        " status = EXCLUDED.status, profile = EXCLUDED.profile,"
        " reason_code = EXCLUDED.reason_code, decided_at = now()",
        employee_id,
        status,
        profile,
        reason_code,
    )


async def set_mentor_status(
    conn: asyncpg.Connection, employee_id: str, *, status: str, reason_code: str
) -> None:
    await conn.execute(
        "UPDATE mentors SET status = $2, reason_code = $3, decided_at = now()"
        " WHERE employee_id = $1",
        employee_id,
        status,
        reason_code,
    )


async def record_decision(
    conn: asyncpg.Connection,
    event_id,
    employee_id: str,
    *,
    approved: bool,
    reason_code: str,
) -> None:
    await conn.execute(
        "INSERT INTO volunteer_decisions (event_id, employee_id, approved, reason_code)"
        " VALUES ($1, $2, $3, $4)",
        event_id,
        employee_id,
        approved,
        reason_code,
    )


async def summary(conn: asyncpg.Connection) -> dict:
    faculty = await conn.fetchval("SELECT count(*) FROM faculty")
    approved = await conn.fetchval(
        "SELECT count(*) FROM mentors WHERE status = 'approved'"
    )
    rows = await conn.fetch(
        "SELECT reason_code, count(*) AS n FROM volunteer_decisions"
        " WHERE NOT approved GROUP BY reason_code ORDER BY reason_code"
    )
    deactivated = await conn.fetchval(
        "SELECT count(*) FROM mentors WHERE status = 'deactivated'"
    )
    return {
        "faculty": faculty,
        "mentors_approved": approved,
        "mentors_deactivated": deactivated,
        "mentors_rejected": {row["reason_code"]: row["n"] for row in rows},
    }
