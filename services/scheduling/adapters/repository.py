"""SQL for the scheduling schema; every function takes the unit of work's connection."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import asyncpg

from services.scheduling.domain.slots import Slot
from shared.contracts.matching import MatchConfirmed


async def insert_engagement(
    conn: asyncpg.Connection,
    engagement_id: uuid.UUID,
    match: MatchConfirmed,
    *,
    meeting_format: str,
) -> bool:
    """Store a new engagement; False when this request already has one."""
    inserted = await conn.fetchval(
        "INSERT INTO engagements (engagement_id, request_id, mentee_employee_id,"
        " mentor_employee_id, topic, planned_meetings, meeting_format, availability)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT DO NOTHING RETURNING true",
        engagement_id,
        match.request_id,
        match.mentee_employee_id,
        match.mentor_employee_id,
        match.topic,
        match.meetings,
        meeting_format,
        match.availability.model_dump(mode="json"),
    )
    return bool(inserted)


async def get_engagement(
    conn: asyncpg.Connection, engagement_id: uuid.UUID
) -> asyncpg.Record | None:
    """The engagement, locked so reports about it are applied one at a time."""
    return await conn.fetchrow(
        "SELECT * FROM engagements WHERE engagement_id = $1 FOR UPDATE", engagement_id
    )


async def get_session(
    conn: asyncpg.Connection, engagement_id: uuid.UUID, session_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM sessions WHERE session_id = $1 AND engagement_id = $2",
        session_id,
        engagement_id,
    )


async def lock_calendars(conn: asyncpg.Connection, employee_ids: Iterable[str]) -> None:
    """Serialise bookings per person; sorted order so two bookings never deadlock."""
    for employee_id in sorted(set(employee_ids)):
        await conn.execute(
            "INSERT INTO calendars (employee_id) VALUES ($1) ON CONFLICT DO NOTHING",
            employee_id,
        )
        await conn.execute(
            "SELECT 1 FROM calendars WHERE employee_id = $1 FOR UPDATE", employee_id
        )


async def busy_times(
    conn: asyncpg.Connection,
    employee_ids: Iterable[str],
    *,
    since: datetime,
    until: datetime,
) -> list[Slot]:
    rows = await conn.fetch(
        "SELECT DISTINCT starts_at, ends_at FROM bookings"
        " WHERE employee_id = ANY($1::text[]) AND ends_at > $2 AND starts_at < $3",
        sorted(set(employee_ids)),
        since,
        until,
    )
    return [Slot(row["starts_at"], row["ends_at"]) for row in rows]


async def book_session(
    conn: asyncpg.Connection,
    *,
    session_id: uuid.UUID,
    engagement: asyncpg.Record,
    sequence: int,
    slot: Slot,
) -> None:
    """The session and a booking in each participant's calendar."""
    await conn.execute(
        "INSERT INTO sessions (session_id, engagement_id, sequence, starts_at, ends_at)"
        " VALUES ($1, $2, $3, $4, $5)",
        session_id,
        engagement["engagement_id"],
        sequence,
        slot.starts_at,
        slot.ends_at,
    )
    participants = {engagement["mentor_employee_id"], engagement["mentee_employee_id"]}
    for employee_id in sorted(participants):
        await conn.execute(
            "INSERT INTO bookings (employee_id, session_id, starts_at, ends_at)"
            " VALUES ($1, $2, $3, $4)",
            employee_id,
            session_id,
            slot.starts_at,
            slot.ends_at,
        )
    await conn.execute(
        "UPDATE engagements SET unscheduled_reason = NULL WHERE engagement_id = $1",
        engagement["engagement_id"],
    )


async def mark_unscheduled(
    conn: asyncpg.Connection, engagement_id: uuid.UUID, reason: str
) -> None:
    await conn.execute(
        "UPDATE engagements SET unscheduled_reason = $2 WHERE engagement_id = $1",
        engagement_id,
        reason,
    )


async def complete_session(
    conn: asyncpg.Connection,
    session_id: uuid.UUID,
    *,
    reported_by: str,
    completed_at: datetime,
    rating: int | None,
    note: str | None,
) -> None:
    await conn.execute(
        "UPDATE sessions SET status = 'completed', reported_by = $2,"
        " completed_at = $3 WHERE session_id = $1",
        session_id,
        reported_by,
        completed_at,
    )
    if rating is not None or note:
        await conn.execute(
            "INSERT INTO feedback (session_id, employee_id, rating, note)"
            " VALUES ($1, $2, $3, $4)",
            session_id,
            reported_by,
            rating,
            note,
        )


async def release_booking(conn: asyncpg.Connection, session_id: uuid.UUID) -> None:
    """Free the session's hour in both calendars; the session itself is kept."""
    await conn.execute("DELETE FROM bookings WHERE session_id = $1", session_id)


async def count_held(conn: asyncpg.Connection, engagement_id: uuid.UUID) -> int:
    """Record one more meeting held and return the new total."""
    return await conn.fetchval(
        "UPDATE engagements SET sessions_held = sessions_held + 1"
        " WHERE engagement_id = $1 RETURNING sessions_held",
        engagement_id,
    )


async def close_engagement(
    conn: asyncpg.Connection, engagement_id: uuid.UUID, *, reason_code: str
) -> None:
    await conn.execute(
        "UPDATE engagements SET status = 'closed', closed_at = now(),"
        " close_reason = $2 WHERE engagement_id = $1",
        engagement_id,
        reason_code,
    )


async def sessions_of(
    conn: asyncpg.Connection, engagement_id: uuid.UUID
) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT * FROM sessions WHERE engagement_id = $1 ORDER BY sequence",
        engagement_id,
    )


async def cancel_session(conn: asyncpg.Connection, session_id: uuid.UUID) -> None:
    """Call the meeting off and free its hour in both calendars."""
    await conn.execute(
        "UPDATE sessions SET status = 'cancelled', cancelled_at = now()"
        " WHERE session_id = $1",
        session_id,
    )
    await conn.execute("DELETE FROM bookings WHERE session_id = $1", session_id)


async def erase_notes_by(conn: asyncpg.Connection, employee_id: str) -> int:
    """Blank the feedback notes this person wrote; returns how many were blanked."""
    result = await conn.execute(
        "UPDATE feedback SET note = NULL, erased_at = now()"
        " WHERE employee_id = $1 AND note IS NOT NULL",
        employee_id,
    )
    return int(result.rsplit(" ", 1)[1])


async def summary(conn: asyncpg.Connection) -> dict:
    row = await conn.fetchrow(
        "SELECT"
        " (SELECT count(*) FROM engagements WHERE status = 'open') AS open,"
        " (SELECT count(*) FROM engagements WHERE status = 'closed') AS closed,"
        " (SELECT count(*) FROM sessions WHERE status = 'scheduled') AS scheduled,"
        " (SELECT count(*) FROM sessions WHERE status = 'completed') AS completed,"
        " (SELECT count(*) FROM sessions WHERE status = 'cancelled') AS cancelled,"
        " (SELECT count(*) FROM engagements WHERE status = 'open'"
        "  AND unscheduled_reason IS NOT NULL) AS unbooked"
    )
    return {
        "engagements_open": row["open"],
        "engagements_closed": row["closed"],
        "sessions_scheduled": row["scheduled"],
        "sessions_completed": row["completed"],
        "sessions_cancelled": row["cancelled"],
        "engagements_without_meeting": row["unbooked"],
    }
