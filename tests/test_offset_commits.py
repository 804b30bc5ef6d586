"""Background offset commits: only applied offsets, merged, retried, never lost."""

from __future__ import annotations

import asyncio

from aiokafka import ConsumerRecord, TopicPartition

from shared.platform.commits import OffsetCommitter
from tests.kafka import wait_until


class RecordingConsumer:
    """Stands in for AIOKafkaConsumer's commit bookkeeping (assignment, commit)."""

    def __init__(self, *partitions: TopicPartition, failures: int = 0) -> None:
        self.assigned = set(partitions)
        self.failures = failures
        self.commits: list[dict[TopicPartition, int]] = []
        self.release = asyncio.Event()
        self.release.set()

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        await self.release.wait()
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker unreachable")
        self.commits.append(dict(offsets))


def record(topic: str, partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord(
        topic, partition, offset, 0, 0, None, b"{}", None, 0, 2, [("h", b"")]
    )


A0, A1 = TopicPartition("a", 0), TopicPartition("a", 1)


async def test_offsets_applied_while_a_commit_is_in_flight_go_in_the_next_one():
    consumer = RecordingConsumer(A0, A1)
    committer = OffsetCommitter()
    consumer.release.clear()
    committer.applied(consumer, [record("a", 0, 0)])
    await asyncio.sleep(0)  # the first commit is now waiting on the broker
    committer.applied(consumer, [record("a", 0, 1), record("a", 1, 7)])
    committer.applied(consumer, [record("a", 0, 2)])
    consumer.release.set()

    await committer.flush(within_s=10)

    assert consumer.commits == [{A0: 1}, {A0: 3, A1: 8}]


async def test_a_failed_commit_is_retried_with_what_was_applied_since():
    consumer = RecordingConsumer(A0, failures=2)
    committer = OffsetCommitter(max_backoff_s=0.05)
    committer.applied(consumer, [record("a", 0, 4)])

    async def committed():
        return consumer.commits or None

    assert await wait_until(committed, what="a commit after two failures") == [{A0: 5}]


async def test_partitions_no_longer_assigned_are_left_to_their_new_owner():
    consumer = RecordingConsumer(A0, A1)
    committer = OffsetCommitter()
    consumer.release.clear()
    committer.applied(consumer, [record("a", 0, 0)])
    await asyncio.sleep(0)
    committer.applied(consumer, [record("a", 0, 1), record("a", 1, 3)])
    consumer.assigned.discard(A1)  # a rebalance gave partition 1 away
    consumer.release.set()

    await committer.flush(within_s=10)

    assert consumer.commits == [{A0: 1}, {A0: 2}]
