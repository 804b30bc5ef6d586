"""Bulk feeds through the real broker: side by side, in order, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from aiokafka import ConsumerRecord

from shared.platform.commits import OffsetCommitter
from shared.platform.feeds import FeedConsumer
from shared.platform.settings import ServiceSettings
from tests.kafka import wait_until


class Recorder:
    """Applies records by noting them, per partition, in the order given."""

    def __init__(self, *, delay_s: float = 0.0) -> None:
        self.applied: dict[int, list[int]] = {}
        self.batches = 0
        self.delay_s = delay_s
        self.fail_at_offset: tuple[int, int] | None = None
        self.in_flight = 0
        self.most_in_flight = 0

    async def apply(self, records: Sequence[ConsumerRecord]) -> None:
        partitions = {record.partition for record in records}
        assert len(partitions) == 1, "a batch holds one partition's records"
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
            for record in records:
                if self.fail_at_offset == (record.partition, record.offset):
                    self.fail_at_offset = None
                    raise RuntimeError("the database went away mid-batch")
            for record in records:
                self.applied.setdefault(record.partition, []).append(record.offset)
            self.batches += 1
        finally:
            self.in_flight -= 1

    def count(self) -> int:
        return sum(len(offsets) for offsets in self.applied.values())


def feed(env, recorder: Recorder, group: str, *, batch_size: int = 50) -> FeedConsumer:
    settings = ServiceSettings(
        kafka_bootstrap_servers=env.infra.bootstrap_servers,
        retry_max_backoff_s=0.5,
        # The embedded broker holds a first join for half the session timeout.
        kafka_session_timeout_ms=2000,
        kafka_heartbeat_interval_ms=500,
    )
    return FeedConsumer(
        topics=[env.topics.hr_faculty_records],
        group_id=f"{env.topics.prefix}{group}",
        client_id="feed-test",
        apply=recorder.apply,
        commits=OffsetCommitter(max_backoff_s=0.5),
        settings=settings,
        batch_size=batch_size,
    )


@contextlib.asynccontextmanager
async def running(consumer: FeedConsumer) -> AsyncIterator[FeedConsumer]:
    await consumer.start()
    try:
        yield consumer
    finally:
        await consumer.stop()


async def applied(*recorders: Recorder, count: int, timeout_s: float = 30) -> None:
    await wait_until(
        lambda: _true(sum(r.count() for r in recorders) >= count),
        timeout_s=timeout_s,
        what=f"{count} records applied",
    )


async def publish(env, count: int, start: int = 0) -> None:
    producer = env.kafka.producer
    sent = [
        await producer.send(env.topics.hr_faculty_records, b"{}", key=f"E{n}".encode())
        for n in range(start, start + count)
    ]
    await asyncio.gather(*sent)


def assert_each_partition_in_order_once(recorder: Recorder) -> None:
    for partition, offsets in recorder.applied.items():
        assert offsets == list(range(len(offsets))), f"partition {partition}"


async def test_one_member_applies_its_partitions_side_by_side_in_order(env):
    recorder = Recorder(delay_s=0.02)
    await publish(env, 600)
    async with running(feed(env, recorder, "side-by-side")):
        await applied(recorder, count=600)
    assert sorted(recorder.applied) == [0, 1, 2]
    assert_each_partition_in_order_once(recorder)
    assert recorder.most_in_flight == 3


async def test_a_failed_batch_is_fetched_again_from_its_first_record(env):
    recorder = Recorder()
    recorder.fail_at_offset = (0, 30)  # in the middle of partition 0's first batch
    await publish(env, 300)
    async with running(feed(env, recorder, "crash")):
        await applied(recorder, count=300)
    assert recorder.fail_at_offset is None, "the failure happened"
    assert_each_partition_in_order_once(recorder)


async def test_a_slow_partition_is_paused_and_resumed_without_losing_records(env):
    recorder = Recorder(delay_s=0.01)
    await publish(env, 300)
    # Batches of 5: the first fetch brings far more than two batches, so every
    # partition is paused; records published later arrive only if it resumes.
    async with running(feed(env, recorder, "pausing", batch_size=5)):
        await applied(recorder, count=30)
        await publish(env, 600, start=300)
        await applied(recorder, count=900, timeout_s=60)
    assert recorder.count() == 900
    assert_each_partition_in_order_once(recorder)


async def test_a_second_member_takes_partitions_over_where_the_first_stopped(env):
    first, second = Recorder(delay_s=0.01), Recorder(delay_s=0.01)
    await publish(env, 300)
    async with running(feed(env, first, "handover", batch_size=20)) as one:
        await applied(first, count=60)
        async with running(feed(env, second, "handover", batch_size=20)) as two:
            await wait_until(
                lambda: _true(
                    len(one.assignment) + len(two.assignment) == 3 and two.assignment
                ),
                what="the partitions to be shared between the two",
            )
            await publish(env, 300, start=300)
            await applied(first, second, count=600)
    for partition in range(3):
        by_first = first.applied.get(partition, [])
        by_second = second.applied.get(partition, [])
        # The new owner starts at the old owner's committed offset: together
        # they apply each record exactly once, each in order.
        assert by_first + by_second == sorted(by_first + by_second)
        assert len(set(by_first + by_second)) == len(by_first + by_second)
    assert first.count() + second.count() == 600


async def _true(value: bool) -> bool:
    return value
