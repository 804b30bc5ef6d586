"""Initial HR load: the profiles service against a raw consume-and-insert loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.partitioner import DefaultPartitioner

from bench.harness import BenchStack
from shared.platform.heap import freeze_startup_heap, space_out_young_collections

_RAW_TABLE = """
CREATE TABLE IF NOT EXISTS {table} (
    employee_id text PRIMARY KEY, given_name text, family_name text, email text,
    department text, division text, rank text, appointment_type text,
    service_start_date date, employment_status text, supervisor_employee_id text,
    record_version bigint, updated_at timestamptz NOT NULL DEFAULT now())
"""
_RAW_INSERT = """
INSERT INTO {table} (employee_id, given_name, family_name, email, department,
    division, rank, appointment_type, service_start_date, employment_status,
    supervisor_employee_id, record_version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (employee_id) DO NOTHING
"""


def record(n: int) -> dict:
    return {
        "employee_id": f"H{n:07d}",
        "given_name": "Given",
        "family_name": f"Family{n}",
        "email": f"h{n:07d}@bulk.example.edu",
        "department": f"Department {n % 30}",
        "division": f"Division {n % 7}",
        "rank": "associate_professor",
        "appointment_type": "full_time_regular",
        "service_start_date": (
            date(1990, 1, 1) + timedelta(days=n % 12000)
        ).isoformat(),
        "employment_status": "active",
        "record_version": 1,
    }


async def publish(bootstrap: str, topic: str, count: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        if topic not in await admin.list_topics():
            await admin.create_topics([NewTopic(topic, 3, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=256 * 1024
    )
    await producer.start()
    try:
        for n in range(count):
            value = record(n)
            await producer.send(
                topic, json.dumps(value).encode(), key=value["employee_id"].encode()
            )
        await producer.flush()
    finally:
        await producer.stop()


async def _poll(
    dsn: str,
    query: str,
    done: Callable,
    *,
    interval_s: float,
    timeout_s: float,
    what: str,
) -> asyncpg.Record:
    """The first row of ``query`` for which ``done(row)`` holds."""
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                row = await conn.fetchrow(query)
            except asyncpg.UndefinedTableError:
                row = None
            if row and done(row):
                return row
            await asyncio.sleep(interval_s)
        raise RuntimeError(f"{what} did not happen in {timeout_s}s")
    finally:
        await conn.close()


async def _rates(dsn: str, table: str, count: int, timeout_s: float) -> dict:
    """Records/s from the first row stored to the last, once all are in.

    Also how long after the first row the last partition of the feed had its
    first row stored: a partition that starts late (a consumer-group member
    kept waiting while the group formed, say) shows there.
    """
    await _poll(
        dsn,
        f"SELECT count(*) AS n FROM {table}",
        lambda row: row["n"] >= count,
        interval_s=0.5,
        timeout_s=timeout_s,
        what=f"storing all {count} records",
    )
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(f"SELECT employee_id, updated_at FROM {table}")
    finally:
        await conn.close()
    place = DefaultPartitioner()
    partitions = [0, 1, 2]
    first_in: dict[int, datetime] = {}
    for row in rows:
        partition = place(row["employee_id"].encode(), partitions, partitions)
        if partition not in first_in or row["updated_at"] < first_in[partition]:
            first_in[partition] = row["updated_at"]
    first = min(row["updated_at"] for row in rows)
    last = max(row["updated_at"] for row in rows)
    return {
        "per_s": len(rows) / (last - first).total_seconds(),
        "late_start_s": (max(first_in.values()) - first).total_seconds(),
    }


async def _announced(dsn: str, timeout_s: float) -> float:
    """Seconds from the first stored record until the outbox is empty.

    Every stored record is announced as FacultyProfileChanged through the
    outbox; the raw loop has nothing like it.
    """
    row = await _poll(
        dsn,
        "SELECT (SELECT count(*) FROM profiles.outbox) AS waiting,"
        " clock_timestamp() - (SELECT min(updated_at) FROM profiles.faculty)"
        " AS since_first",
        lambda row: row["waiting"] == 0,
        interval_s=0.1,
        timeout_s=timeout_s,
        what="draining the outbox",
    )
    return row["since_first"].total_seconds()


@contextlib.contextmanager
def services_collector_settings() -> Iterator[None]:
    """Python's cycle collector set up as a service sets it up once started.

    The heap built so far is frozen and young collections are spaced out
    (``shared.platform.heap``); both are undone on leaving.
    """
    thresholds = gc.get_threshold()
    freeze_startup_heap()
    space_out_young_collections()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


async def raw_loop(
    stack: BenchStack, topic: str, count: int, *, table: str = "raw_faculty"
) -> dict:
    """aiokafka getmany + asyncpg executemany, one transaction and commit per batch."""
    conn = await asyncpg.connect(stack.postgres.url())
    await conn.execute(_RAW_TABLE.format(table=table))
    insert = _RAW_INSERT.format(table=table)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=stack.broker.bootstrap_servers,
        group_id=f"{table}-loop",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
    )
    await consumer.start()
    stored = 0
    try:
        while stored < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            rows = []
            for records in batch.values():
                for item in records:
                    r = json.loads(item.value)
                    rows.append(
                        (
                            r["employee_id"],
                            r["given_name"],
                            r["family_name"],
                            r["email"],
                            r["department"],
                            r.get("division"),
                            r["rank"],
                            r["appointment_type"],
                            date.fromisoformat(r["service_start_date"]),
                            r["employment_status"],
                            r.get("supervisor_employee_id"),
                            r["record_version"],
                        )
                    )
            if rows:
                async with conn.transaction():
                    await conn.executemany(insert, rows)
                await consumer.commit()
                stored += len(rows)
    finally:
        await consumer.stop()
        await conn.close()
    return await _rates(stack.postgres.url(), table, count, 60)


async def run(stack: BenchStack, count: int = 50_000) -> dict:
    await publish(
        stack.broker.bootstrap_servers, stack.topics.hr_faculty_records, count
    )
    raw_topic = "bench.raw-faculty-records"
    await publish(stack.broker.bootstrap_servers, raw_topic, count)
    tuned_topic = "bench.raw-faculty-records-tuned"
    await publish(stack.broker.bootstrap_servers, tuned_topic, count)

    raw = await raw_loop(stack, raw_topic, count)
    # The same loop with the cycle collector as the services run it.
    with services_collector_settings():
        tuned = await raw_loop(stack, tuned_topic, count, table="raw_faculty_tuned")

    await stack.start_service("profiles")
    peak = 0.0

    async def sample_rss() -> None:
        nonlocal peak
        while True:
            peak = max(peak, stack.rss_mb("profiles"))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample_rss())
    try:
        service = await _rates(stack.postgres.url(), "profiles.faculty", count, 900)
        announced_seconds = await _announced(stack.postgres.url(), 900)
    finally:
        sampler.cancel()
    return {
        "records": count,
        "service_per_s": service["per_s"],
        "raw_per_s": raw["per_s"],
        "ratio": service["per_s"] / raw["per_s"],
        "tuned_raw_per_s": tuned["per_s"],
        "tuned_ratio": service["per_s"] / tuned["per_s"],
        "service_late_start_s": service["late_start_s"],
        "profiles_peak_rss_mb": peak,
        "announced_s": announced_seconds,
    }
