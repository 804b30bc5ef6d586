"""Committing consumed offsets without making every message wait for the broker."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.platform.errors import backoff_delay

log = structlog.get_logger(__name__)


class OffsetCommitter:
    """Commits the offsets of applied messages in the background.

    An offset is recorded only once its message's effect has committed (or the
    message was dead-lettered), so a commit never moves past unapplied work.
    At most one commit is in flight; offsets applied meanwhile are merged into
    the next one, so a busy consumer commits once per broker round trip instead
    of once per message. A crash can therefore redeliver the messages applied
    since the last commit, which the inbox recognises as duplicates.
    """

    def __init__(self, *, max_backoff_s: float = 5.0) -> None:
        self._max_backoff_s = max_backoff_s
        self._pending: dict[AIOKafkaConsumer, dict[TopicPartition, int]] = {}
        self._task: asyncio.Task | None = None

    def applied(
        self, consumer: AIOKafkaConsumer, records: Iterable[ConsumerRecord]
    ) -> None:
        """Record that ``records`` are applied; their offsets get committed soon."""
        pending = self._pending.setdefault(consumer, {})
        newest: dict[tuple[str, int], int] = {}
        for record in records:
            where = (record.topic, record.partition)
            if record.offset >= newest.get(where, -1):
                newest[where] = record.offset
        for (topic, partition), offset in newest.items():
            key = TopicPartition(topic, partition)
            pending[key] = max(pending.get(key, 0), offset + 1)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._commit_pending(), name="commits")

    @property
    def tasks(self) -> list[asyncio.Task]:
        """The commit in flight, if any, for the runtime to stop with the rest."""
        return [self._task] if self._task is not None else []

    async def flush(self, *, within_s: float) -> None:
        """Wait, up to ``within_s``, for what is applied so far to be committed."""
        task = self._task
        if task is None or task.done():
            return
        done, _pending = await asyncio.wait({task}, timeout=within_s)
        if not done:
            log.warning("offset_commits_unfinished_at_stop", waited_s=within_s)

    async def _commit_pending(self) -> None:
        failures = 0
        while self._pending:
            batch, self._pending = self._pending, {}
            failed: dict[AIOKafkaConsumer, dict[TopicPartition, int]] = {}
            for consumer, offsets in batch.items():
                # Partitions handed to another member meanwhile are theirs now;
                # they may redeliver a few applied messages, which the inbox absorbs.
                assigned = consumer.assignment()
                offsets = {tp: at for tp, at in offsets.items() if tp in assigned}
                if not offsets:
                    continue
                try:
                    await consumer.commit(offsets)
                except Exception as error:
                    failed[consumer] = offsets
                    log.warning(
                        "offset_commit_failed_will_retry",
                        error_class=type(error).__name__,
                        error=str(error)[:300],
                    )
            if not failed:
                failures = 0
                continue
            for consumer, offsets in failed.items():
                pending = self._pending.setdefault(consumer, {})
                for partition, offset in offsets.items():
                    pending[partition] = max(pending.get(partition, 0), offset)
            failures += 1
            await asyncio.sleep(
                backoff_delay(failures, initial=0.2, maximum=self._max_backoff_s)
            )
