"""SQL for the notifications schema; every function takes a connection."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg

from services.notifications.domain.recipients import Addressed
from services.notifications.domain.setting import Contact
from shared.contracts.profiles import FacultyProfileChanged

_UPSERT_NEWER_CONTACT = """
INSERT INTO contacts (employee_id, given_name, family_name, email, record_version)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (employee_id) DO UPDATE SET
    given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
    email = EXCLUDED.email, record_version = EXCLUDED.record_version,
    erased_at = NULL, updated_at = now()
WHERE contacts.record_version < EXCLUDED.record_version
RETURNING employee_id
"""

# Due letters whose recipient can be reached, or whose wait for an address is over.
_CLAIM_DUE = """
SELECT * FROM messages m
WHERE m.status = 'pending' AND m.next_attempt_at <= now()
  AND (m.contact_deadline_at <= now()
       OR EXISTS (SELECT 1 FROM contacts c
                  WHERE c.employee_id = m.recipient_employee_id))
ORDER BY m.next_attempt_at
LIMIT 1
FOR UPDATE OF m SKIP LOCKED
"""


async def store_contact_if_newer(
    conn: asyncpg.Connection, profile: FacultyProfileChanged
) -> bool:
    stored = await conn.fetchval(
        _UPSERT_NEWER_CONTACT,
        profile.employee_id,
        profile.given_name,
        profile.family_name,
        str(profile.email),
        profile.record_version,
    )
    return stored is not None


async def contacts_for(
    conn: asyncpg.Connection, employee_ids: Iterable[str]
) -> dict[str, Contact]:
    """How to reach and name each person; erased people are left out."""
    rows = await conn.fetch(
        "SELECT employee_id, given_name, family_name, email FROM contacts"
        " WHERE employee_id = ANY($1::text[]) AND erased_at IS NULL",
        sorted(set(employee_ids)),
    )
    return {row["employee_id"]: Contact(**dict(row)) for row in rows}


async def is_erased(conn: asyncpg.Connection, employee_id: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT erased_at IS NOT NULL FROM contacts WHERE employee_id = $1",
            employee_id,
        )
    )


async def erase_contact(
    conn: asyncpg.Connection, employee_id: str, placeholder: dict[str, str]
) -> None:
    """Replace name and address with placeholders; a tombstone if none was known."""
    await conn.execute(
        "INSERT INTO contacts (employee_id, given_name, family_name, email,"
        " record_version, erased_at) VALUES ($1, $2, $3, $4, 0, now())"
        " ON CONFLICT (employee_id) DO UPDATE SET"
        " given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,"
        " email = EXCLUDED.email, erased_at = now(), updated_at = now()",
        employee_id,
        placeholder["given_name"],
        placeholder["family_name"],
        placeholder["email"],
    )


async def fail_pending_to(
    conn: asyncpg.Connection, employee_id: str, *, error: str
) -> list[asyncpg.Record]:
    """Give up every letter still waiting to go to this person."""
    return await conn.fetch(
        "UPDATE messages SET status = 'failed', last_error = $2, finished_at = now()"
        " WHERE recipient_employee_id = $1 AND status = 'pending' RETURNING *",
        employee_id,
        error,
    )


async def messages_mentioning(
    conn: asyncpg.Connection, employee_id: str
) -> list[asyncpg.Record]:
    """Letters to the person, or whose facts name them in any role, locked."""
    return await conn.fetch(
        "SELECT message_id, recipient_employee_id, facts FROM messages m"
        " WHERE m.recipient_employee_id = $1 OR EXISTS ("
        "   SELECT 1 FROM jsonb_each_text(m.facts) f"
        "   WHERE (f.key LIKE '%employee_id' OR f.key = 'actor') AND f.value = $1)"
        " FOR UPDATE",
        employee_id,
    )


async def replace_facts(
    conn: asyncpg.Connection, message_id: uuid.UUID, facts: dict
) -> None:
    await conn.execute(
        "UPDATE messages SET facts = $2 WHERE message_id = $1", message_id, facts
    )


async def blank_errors_to(conn: asyncpg.Connection, employee_id: str) -> None:
    """SMTP errors may quote the address; keep only the reason code before it."""
    await conn.execute(
        "UPDATE messages SET last_error = split_part(last_error, ':', 1)"
        " WHERE recipient_employee_id = $1 AND last_error IS NOT NULL",
        employee_id,
    )


async def record_message(
    conn: asyncpg.Connection,
    letter: Addressed,
    *,
    source_event_id: uuid.UUID,
    source_event_type: str,
    facts: dict,
    contact_deadline_at: datetime,
) -> bool:
    """Store a letter unless this event already gave this person this letter."""
    inserted = await conn.fetchval(
        "INSERT INTO messages (message_id, source_event_id, source_event_type,"
        " recipient_employee_id, template, facts, contact_deadline_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT DO NOTHING RETURNING true",
        letter.message_id,
        source_event_id,
        source_event_type,
        letter.recipient_employee_id,
        letter.template,
        facts,
        contact_deadline_at,
    )
    return bool(inserted)


async def claim_due(conn: asyncpg.Connection) -> asyncpg.Record | None:
    """One due letter, locked until the transaction ends; other replicas skip it."""
    return await conn.fetchrow(_CLAIM_DUE)


async def mark_delivered(conn: asyncpg.Connection, message_id: uuid.UUID) -> None:
    await conn.execute(
        "UPDATE messages SET status = 'delivered', attempts = attempts + 1,"
        " last_error = NULL, finished_at = now() WHERE message_id = $1",
        message_id,
    )


async def postpone(
    conn: asyncpg.Connection,
    message_id: uuid.UUID,
    *,
    next_attempt_at: datetime,
    error: str,
) -> None:
    await conn.execute(
        "UPDATE messages SET attempts = attempts + 1, next_attempt_at = $2,"
        " last_error = $3 WHERE message_id = $1",
        message_id,
        next_attempt_at,
        error,
    )


async def mark_failed(
    conn: asyncpg.Connection, message_id: uuid.UUID, *, attempts: int, error: str
) -> None:
    await conn.execute(
        "UPDATE messages SET status = 'failed', attempts = $2, last_error = $3,"
        " finished_at = now() WHERE message_id = $1",
        message_id,
        attempts,
        error,
    )


async def requeue_failed(
    conn: asyncpg.Connection,
    *,
    recipient_employee_id: str | None,
    contact_wait_hours: float,
) -> int:
    """Put failed letters back in the queue as new; returns how many.

    Each gets its full number of tries again, and a letter that failed for
    want of an address waits for one as long as a new letter would.
    """
    return await conn.fetchval(
        "WITH requeued AS ("
        " UPDATE messages SET status = 'pending', attempts = 0,"
        " next_attempt_at = now(), finished_at = NULL,"
        " contact_deadline_at = greatest(contact_deadline_at,"
        "   now() + make_interval(secs => $2 * 3600))"
        " WHERE status = 'failed'"
        " AND ($1::text IS NULL OR recipient_employee_id = $1)"
        " RETURNING 1)"
        " SELECT count(*) FROM requeued",
        recipient_employee_id,
        contact_wait_hours,
    )


async def summary(conn: asyncpg.Connection) -> dict:
    """Counts by status; of the pending, those still waiting for an address."""
    rows = await conn.fetch("SELECT status, count(*) AS n FROM messages GROUP BY 1")
    counts = {row["status"]: row["n"] for row in rows}
    awaiting_address = await conn.fetchval(
        "SELECT count(*) FROM messages m"
        " WHERE m.status = 'pending' AND m.contact_deadline_at > now()"
        " AND NOT EXISTS (SELECT 1 FROM contacts c"
        "                 WHERE c.employee_id = m.recipient_employee_id)"
    )
    return {
        "emails_delivered": counts.get("delivered", 0),
        "emails_pending": counts.get("pending", 0),
        "emails_awaiting_address": awaiting_address,
        "emails_failed": counts.get("failed", 0),
    }
