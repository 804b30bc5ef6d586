"""FacultyProfileChanged events the database builds read exactly like validated ones."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.profiles.adapters import repository
from shared.contracts.hr import FacultyRecord
from shared.contracts.profiles import FacultyProfileChanged
from shared.envelope import Envelope, new_event
from shared.platform.db import create_pool
from shared.platform.migrator import apply_migrations, load_migrations
from tests.factories import hr_record

SCHEMA = "profiles"


async def _migrated_pool(dsn: str):
    pool = await create_pool(dsn, schema=SCHEMA)
    migrations = load_migrations("platform", "shared.platform.migrations")
    migrations += load_migrations("profiles", "services.profiles.migrations")
    async with pool.acquire() as conn:
        await apply_migrations(conn, schema=SCHEMA, migrations=migrations)
    return pool


def _validated_event(record: FacultyRecord, correlation: uuid.UUID) -> Envelope:
    return new_event(
        FacultyProfileChanged.model_validate(
            record.model_dump(include=set(FacultyProfileChanged.model_fields))
        ),
        subject=record.employee_id,
        producer="profiles",
        correlation_id=correlation,
    )


def _without_fresh_fields(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in ("event_id", "occurred_at")}


async def test_stored_records_are_announced_like_validated_events_in_input_order(env):
    records = [
        FacultyRecord.model_validate(
            hr_record("E7", email="Grace.Hopper@Med.Example.EDU", division=None)
        ),
        FacultyRecord.model_validate(
            hr_record(
                "E8",
                given_name="Zoë",
                family_name='O\'Brien "Quote" \\ Back',
                supervisor_employee_id="E7",
                record_version=9_007_199_254_740_993,
            )
        ),
        FacultyRecord.model_validate(hr_record("E9", employment_status="on_leave")),
    ]
    correlations = [uuid.uuid4() for _ in records]
    pool = await _migrated_pool(env.database_url)
    try:
        async with pool.acquire() as conn, conn.transaction():
            before = datetime.now(UTC)
            stored = await repository.store_and_announce(
                conn, records, correlations, topic="faculty-topic", producer="profiles"
            )
            rows = await conn.fetch(
                "SELECT topic, message_key, event_id, event_type, value"
                " FROM outbox ORDER BY id"
            )
            # Nothing newer to store: nothing stored, nothing announced.
            again = await repository.store_and_announce(
                conn, records, correlations, topic="faculty-topic", producer="profiles"
            )
            rows_after_replay = await conn.fetchval("SELECT count(*) FROM outbox")
    finally:
        await pool.close()

    assert stored == {"E7": False, "E8": False, "E9": False}  # none is a mentor
    assert again == {}
    assert rows_after_replay == 3
    assert [row["message_key"] for row in rows] == [b"E7", b"E8", b"E9"]
    for row, record, correlation in zip(rows, records, correlations, strict=True):
        assert row["topic"] == "faculty-topic"
        assert row["event_type"] == "FacultyProfileChanged"
        built = json.loads(row["value"])
        expected = json.loads(_validated_event(record, correlation).to_bytes())
        assert _without_fresh_fields(built) == _without_fresh_fields(expected)
        assert list(built) == list(expected)
        assert list(built["payload"]) == list(expected["payload"])
        # What consumers do with it: the envelope and payload validate.
        envelope = Envelope.model_validate_json(row["value"])
        assert envelope.event_id == row["event_id"]
        assert before - timedelta(seconds=5) <= envelope.occurred_at
        assert envelope.occurred_at <= datetime.now(UTC)
        FacultyProfileChanged.model_validate(envelope.payload)
    assert len({row["event_id"] for row in rows}) == 3
    for row in rows:
        event_id = uuid.UUID(str(row["event_id"]))
        assert (event_id.version, event_id.variant) == (4, uuid.RFC_4122)
    first = json.loads(rows[0]["value"])
    assert first["payload"]["email"] == "Grace.Hopper@med.example.edu"
    assert first["payload"]["division"] is None


async def test_each_record_needs_its_own_correlation_id():
    record = FacultyRecord.model_validate(hr_record("E7"))
    with pytest.raises(ValueError, match="one correlation id"):
        await repository.store_and_announce(
            None, [record, record], [uuid.uuid4()], topic="t", producer="profiles"
        )


async def test_event_ids_differ_across_statements(env):
    """Ids come from one random seed per statement and the row's position."""
    batches = [
        [FacultyRecord.model_validate(hr_record(f"B{b}x{n}")) for n in range(200)]
        for b in range(3)
    ]
    pool = await _migrated_pool(env.database_url)
    try:
        async with pool.acquire() as conn, conn.transaction():
            for records in batches:
                await repository.store_and_announce(
                    conn,
                    records,
                    [uuid.uuid4() for _ in records],
                    topic="faculty-topic",
                    producer="profiles",
                )
            ids = [
                row["event_id"]
                for row in await conn.fetch("SELECT event_id FROM outbox")
            ]
    finally:
        await pool.close()
    assert len(ids) == 600
    assert len(set(ids)) == 600
