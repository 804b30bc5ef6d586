"""Bulk feeds: one group member per process, its partitions applied side by side."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord
from aiokafka.errors import IllegalStateError, KafkaError
from aiokafka.structs import TopicPartition

from shared.platform.commits import OffsetCommitter
from shared.platform.consumer import log_processing_crash
from shared.platform.errors import backoff_delay
from shared.platform.settings import ServiceSettings
from shared.platform.tasks import cancel_and_wait

log = structlog.get_logger(__name__)

ApplyRecords = Callable[[Sequence[ConsumerRecord]], Awaitable[None]]
"""Applies records of one partition, in order; returns once they may be committed."""

FETCH_WAIT_MS = 1000
"""Longest one poll waits for records before polling again."""


class _Partition:
    """An assigned partition: records fetched but not yet applied, and its task."""

    def __init__(self) -> None:
        self.records: deque[ConsumerRecord] = deque()
        self.arrived = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.idle = False
        """True while the task holds no records, so it may be cancelled."""
        self.stopping = False


class FeedConsumer(ConsumerRebalanceListener):
    """Consumes bulk feeds as one member of their own consumer group.

    A bulk feed (the HR faculty records) is applied up to ``batch_size``
    records of one partition at a time, one transaction each. One task polls
    the broker for all the partitions this process holds and hands each
    partition's records to a task of its own, so partitions are applied side
    by side while each stays in order; a partition whose task has two batches
    waiting is paused until it catches up.

    Why not one consumer per partition, as for the other topics: several group
    members in one process start only once each has synced with the group,
    and the embedded broker answers a member that asks before the leader has
    assigned a full second late, leaving its partitions idle. Why one task
    polling for all: the Kafka client does not fetch for a connection while
    records fetched over it in the last 100 ms wait unread, so partitions
    read one at a time would wait on each other.

    A batch that fails is fetched again from its first record after a pause.
    When partitions are taken away, their tasks finish the batch in hand and
    commit it first; records fetched but not applied are left to the next
    owner, which starts from the committed offset.
    """

    def __init__(
        self,
        *,
        topics: Collection[str],
        group_id: str,
        client_id: str,
        apply: ApplyRecords,
        commits: OffsetCommitter,
        settings: ServiceSettings,
        batch_size: int,
    ) -> None:
        self._topics = list(topics)
        self.group_id = group_id
        self._client_id = client_id
        self._apply = apply
        self._commits = commits
        self._settings = settings
        self._batch_size = batch_size
        self._consumer: AIOKafkaConsumer | None = None
        self._poller: asyncio.Task | None = None
        self._partitions: dict[TopicPartition, _Partition] = {}

    @property
    def assignment(self) -> set[TopicPartition]:
        """The partitions this process is applying now."""
        return set(self._partitions)

    async def start(self) -> None:
        settings = self._settings
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=self._client_id,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=settings.kafka_session_timeout_ms,
            heartbeat_interval_ms=settings.kafka_heartbeat_interval_ms,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            request_timeout_ms=settings.kafka_request_timeout_ms,
        )
        self._consumer.subscribe(self._topics, listener=self)
        await self._consumer.start()
        self._poller = asyncio.create_task(self._poll(), name="feed-poller")
        self._poller.add_done_callback(_report_stopped_early)
        log.info("feed_consumer_started", topics=self._topics, group=self.group_id)

    async def stop(self, *, within_s: float = 15) -> None:
        """Finish the batches in hand, commit them and leave the group."""
        if self._consumer is None:
            return
        if self._poller is not None:
            await cancel_and_wait([self._poller], within_s=5)
        await self._release(set(self._partitions), within_s=within_s)
        await self._consumer.stop()
        self._consumer = None

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        for partition in assigned - set(self._partitions):
            state = self._partitions[partition] = _Partition()
            state.task = asyncio.create_task(
                self._apply_partition(partition, state),
                name=f"feed:{partition.topic}:{partition.partition}",
            )
            state.task.add_done_callback(_report_stopped_early)
        if assigned:
            log.info(
                "feed_partitions_assigned",
                partitions=sorted(f"{tp.topic}:{tp.partition}" for tp in assigned),
            )

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._release(revoked, within_s=10)

    async def _release(
        self, partitions: Collection[TopicPartition], *, within_s: float
    ) -> None:
        states = [
            self._partitions.pop(tp) for tp in partitions if tp in self._partitions
        ]
        if not states:
            return
        tasks = [state.task for state in states if state.task is not None]
        for state in states:
            state.stopping = True
            if state.idle and state.task is not None:
                state.task.cancel()
        _done, unfinished = await asyncio.wait(tasks, timeout=within_s)
        if unfinished:
            # A batch stuck past the deadline (its database is down, say) is
            # rolled back, not committed: the next owner applies it again.
            log.warning(
                "feed_batches_abandoned_at_release",
                tasks=sorted(task.get_name() for task in unfinished),
                waited_s=within_s,
            )
            await cancel_and_wait(unfinished, within_s=5)
        await self._commits.flush(within_s=5)

    async def _poll(self) -> None:
        """Fetch for every partition held and hand the records to their tasks."""
        consumer = self._consumer
        assert consumer is not None
        failures = 0
        while True:
            try:
                fetched = await consumer.getmany(timeout_ms=FETCH_WAIT_MS)
            except Exception as error:
                # The broker's trouble is a warning; anything else is a bug, said
                # loudly with its traceback, but the feed keeps going either way.
                failures += 1
                from_broker = isinstance(error, KafkaError)
                (log.warning if from_broker else log.error)(
                    "feed_fetch_failed_will_retry",
                    error_class=type(error).__name__,
                    error=str(error)[:300],
                    exc_info=None if from_broker else error,
                )
                await asyncio.sleep(self._delay(failures))
                continue
            failures = 0
            for partition, records in fetched.items():
                state = self._partitions.get(partition)
                if state is None or state.stopping:
                    continue  # no longer ours: the next owner reads from the commit
                state.records.extend(records)
                state.arrived.set()
                if len(state.records) >= 2 * self._batch_size:
                    consumer.pause(partition)

    async def _apply_partition(self, partition: TopicPartition, state: _Partition):
        consumer = self._consumer
        assert consumer is not None
        failures = 0
        while not state.stopping:
            if not state.records:
                async with self._idle(state):
                    await state.arrived.wait()
                state.arrived.clear()
                continue
            count = min(self._batch_size, len(state.records))
            batch = [state.records.popleft() for _ in range(count)]
            if len(state.records) < self._batch_size and partition in consumer.paused():
                consumer.resume(partition)
            try:
                await self._apply(batch)
            except Exception as error:
                # Processors dead-letter what they cannot apply, so this is a bug
                # or an outage they gave up on: go back to the batch's first record.
                failures += 1
                delay = self._delay(failures)
                log_processing_crash(error, batch[0], retry_in_s=delay)
                if state.stopping:
                    return  # the next owner starts from the committed offset
                state.records.clear()
                try:
                    consumer.seek(partition, batch[0].offset)
                    consumer.resume(partition)
                except IllegalStateError:
                    return  # no longer ours; the next owner starts from the commit
                async with self._idle(state):
                    await asyncio.sleep(delay)
                continue
            failures = 0
            self._commits.applied(consumer, batch)

    @staticmethod
    @contextlib.asynccontextmanager
    async def _idle(state: _Partition) -> AsyncIterator[None]:
        state.idle = True
        try:
            yield
        finally:
            state.idle = False

    def _delay(self, failures: int) -> float:
        return backoff_delay(
            failures, initial=0.5, maximum=self._settings.retry_max_backoff_s
        )


def _report_stopped_early(task: asyncio.Task) -> None:
    """A feed task ends only when cancelled or its partition is released."""
    error = None if task.cancelled() else task.exception()
    if error is not None:
        log.error(
            "feed_task_crashed",
            task=task.get_name(),
            error_class=type(error).__name__,
            error=str(error)[:300],
        )
