"""The outbox relay loses nothing when killed and repeats nothing when stopped."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections import defaultdict
from types import SimpleNamespace

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.platform.db import Database, create_pool
from shared.platform.migrator import apply_migrations, load_migrations
from shared.platform.outbox import OutboxRelay
from tests.kafka import wait_until

SCHEMA = "relaytest"
KEYS = [f"mentor-{n}" for n in range(8)]


class _Row:
    def __init__(self, key: str, seq: int) -> None:
        self.event_id = uuid.uuid4()
        self.event_type = "Numbered"
        self.subject = key
        self.seq = seq

    def key_bytes(self) -> bytes:
        return self.subject.encode()

    def to_bytes(self) -> bytes:
        return json.dumps({"key": self.subject, "seq": self.seq}).encode()


async def _prepare(dsn: str) -> Database:
    pool = await create_pool(dsn, schema=SCHEMA)
    async with pool.acquire() as conn:
        await apply_migrations(
            conn,
            schema=SCHEMA,
            migrations=load_migrations("platform", "shared.platform.migrations"),
        )
    return Database(pool, dsn=dsn, schema=SCHEMA)


async def _commit_rows(db: Database, topic: str, count_per_key: int) -> None:
    for seq in range(count_per_key):
        async with db.unit_of_work() as uow:
            for key in KEYS:
                await uow.emit(topic, _Row(key, seq))


async def _write_then_roll_back(db: Database, topic: str) -> None:
    try:
        async with db.unit_of_work() as uow:
            for key in KEYS:
                await uow.emit(topic, _Row(key, -1))
            raise RuntimeError("handler failed after emitting")
    except RuntimeError:
        pass


def _start_relay(dsn: str, bootstrap: str, throttle_s: float) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.relay_process",
            dsn,
            SCHEMA,
            bootstrap,
            str(throttle_s),
        ],
        cwd=os.getcwd(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _outbox_rows(db: Database) -> int:
    async with db.pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM outbox")


async def test_a_relay_killed_mid_stream_publishes_exactly_the_committed_rows_in_order(
    env,
):
    topic = f"{env.topics.prefix}relay.numbers"
    admin = AIOKafkaAdminClient(bootstrap_servers=env.infra.bootstrap_servers)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    await admin.close()
    db = await _prepare(env.database_url)
    per_key = 60
    await _commit_rows(db, topic, per_key)
    await _write_then_roll_back(db, topic)
    committed = len(KEYS) * per_key
    assert await _outbox_rows(db) == committed

    relay = _start_relay(env.database_url, env.infra.bootstrap_servers, throttle_s=0.3)

    async def some_but_not_all_published():
        remaining = await _outbox_rows(db)
        return 0 < remaining < committed

    await wait_until(some_but_not_all_published, what="the relay to be mid-stream")
    relay.send_signal(signal.SIGKILL)
    relay.wait(10)
    left_at_kill = await _outbox_rows(db)
    assert left_at_kill > 0

    restarted = _start_relay(env.database_url, env.infra.bootstrap_servers, 0.0)
    try:
        await wait_until(
            lambda: _is_zero(_outbox_rows(db)), timeout_s=60, what="an empty outbox"
        )
    finally:
        restarted.terminate()
        restarted.wait(10)

    records = await env.kafka.read_all(topic)
    seen: dict[str, list[int]] = defaultdict(list)
    for record in records:
        body = json.loads(record.value)
        assert record.key.decode() == body["key"]
        seen[body["key"]].append(body["seq"])
    for key in KEYS:
        first_seen_order = list(dict.fromkeys(seen[key]))
        assert first_seen_order == list(range(per_key)), key
    assert all(-1 not in seqs for seqs in seen.values())
    await db.close()


async def _is_zero(value) -> bool:
    return (await value) == 0


async def test_rows_of_a_rolled_back_transaction_never_reach_the_outbox(env):
    db = await _prepare(env.database_url)
    await _write_then_roll_back(db, "unused")
    assert await _outbox_rows(db) == 0
    await db.close()


async def test_a_relay_told_to_finish_mid_batch_still_deletes_what_it_published(env):
    topic = f"{env.topics.prefix}relay.finish"
    admin = AIOKafkaAdminClient(bootstrap_servers=env.infra.bootstrap_servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        await admin.close()
    db = await _prepare(env.database_url)
    producer = AIOKafkaProducer(
        bootstrap_servers=env.infra.bootstrap_servers, acks="all"
    )
    await producer.start()
    try:
        await _commit_rows(db, topic, 2)
        relay: OutboxRelay

        async def finish_while_in_hand(_rows: int) -> None:
            relay.finish()  # as ServiceRuntime.stop does

        relay = OutboxRelay(
            service="relaytest",
            db=db,
            producer=producer,
            batch_size=100,
            before_publish=finish_while_in_hand,
        )
        await asyncio.wait_for(relay.run(), 30)

        assert await _outbox_rows(db) == 0
        assert len(await env.kafka.read_all(topic)) == 2 * len(KEYS)
    finally:
        await producer.stop()
        await db.close()


class _OneBatchFails:
    """Packs real aiokafka batches; the second batch for one partition fails."""

    def __init__(self, failing_partition: int) -> None:
        self.packer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9")
        self.failing_partition = failing_partition
        self.sent: list[tuple[int, int]] = []

    async def partitions_for(self, _topic: str) -> set[int]:
        return {0, 1, 2}

    def create_batch(self):
        return self.packer.create_batch()

    async def send_batch(self, batch, _topic: str, *, partition: int):
        batch.close()
        earlier = sum(1 for p, _ in self.sent if p == partition)
        self.sent.append((partition, batch.record_count()))
        outcome = asyncio.get_running_loop().create_future()
        if partition == self.failing_partition and earlier == 1:
            outcome.set_exception(TimeoutError("no answer from the broker"))
        else:
            outcome.set_result(None)
        return outcome


async def test_a_failed_batch_keeps_its_rows_and_every_later_row_of_their_keys():
    from aiokafka.partitioner import DefaultPartitioner

    keys = [f"key-{n}" for n in range(12)]
    partition_of = {
        key: DefaultPartitioner()(key.encode(), [0, 1, 2], [0, 1, 2]) for key in keys
    }
    failing = partition_of[keys[0]]
    rows = [
        {
            "id": n,
            "topic": "t",
            "message_key": keys[n % len(keys)].encode(),
            "value": b"x" * 3000,
        }
        for n in range(240)
    ]
    producer = _OneBatchFails(failing)
    unused_db = SimpleNamespace(schema=SCHEMA)
    relay = OutboxRelay(service="relaytest", db=unused_db, producer=producer)
    try:
        confirmed = await relay._publish(rows)
    finally:
        await producer.packer.stop()

    # 3 kB values: each partition's 80 rows travel in a few batches, not 80 sends.
    assert 3 * 2 <= len(producer.sent) < 3 * 20
    assert sum(count for _, count in producer.sent) == len(rows)
    # The failing partition's batches hold its rows in order: the first went
    # through, the second failed, and nothing of the second's keys may follow.
    first, second = [count for p, count in producer.sent if p == failing][:2]
    in_partition = [
        row for row in rows if partition_of[row["message_key"].decode()] == failing
    ]
    failed_ids = {row["id"] for row in in_partition[first : first + second]}
    expected, blocked = [], set()
    for row in rows:
        if row["id"] in failed_ids:
            blocked.add(row["message_key"])
        elif row["message_key"] not in blocked:
            expected.append(row["id"])
    assert confirmed == expected
    assert {row["id"] for row in in_partition[:first]} <= set(confirmed)
    assert not blocked & {
        row["message_key"] for row in rows if row["id"] in confirmed[-5:]
    }
