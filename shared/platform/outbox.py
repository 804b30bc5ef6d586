"""The outbox relay: publishes committed outbox rows, then deletes them."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared.platform.db import Database, lock_key
from shared.platform.errors import backoff_delay
from shared.platform.metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG
from shared.platform.partitioning import partition_for

log = structlog.get_logger(__name__)

_HEADERS = [("content-type", b"application/json")]

_CLAIM = """
SELECT id, topic, message_key, event_type, value
FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
"""


class OutboxRelay:
    """Publishes outbox rows in id order with acks from all in-sync replicas.

    One relay per service publishes at a time (a transaction-scoped advisory
    lock), so per-key order holds across replicas. A row is deleted only in the
    transaction that saw the broker confirm it; a crash in between republishes.
    """

    def __init__(
        self,
        *,
        service: str,
        db: Database,
        producer: AIOKafkaProducer,
        batch_size: int = 500,
        poll_interval_s: float = 1.0,
        max_backoff_s: float = 30.0,
        before_publish: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._service = service
        self._db = db
        self._producer = producer
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._max_backoff_s = max_backoff_s
        self._wake = asyncio.Event()
        self._stopping = False
        self._lock_key = lock_key(f"{db.schema}.outbox_relay")
        self._before_publish = before_publish
        self._backlog_counted_at = float("-inf")

    def finish(self) -> None:
        """Stop after the batch in hand, whose confirmed rows are still deleted.

        Cancelling mid-batch would leave rows the broker already has, to be
        published a second time by the next start.
        """
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Publish until finished or cancelled, woken by NOTIFY and by polling."""
        listener = asyncio.create_task(self._listen(), name="outbox-listen")
        failures = 0
        try:
            while not self._stopping:
                try:
                    published = await self.publish_batch()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    failures += 1
                    delay = backoff_delay(
                        failures, initial=0.2, maximum=self._max_backoff_s
                    )
                    log.warning(
                        "outbox_publish_failed",
                        error_class=type(error).__name__,
                        error=str(error),
                        retry_in_s=round(delay, 2),
                    )
                    await asyncio.sleep(delay)
                    continue
                if published < self._batch_size and not self._stopping:
                    await self._wait_for_work()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def publish_batch(self) -> int:
        """Claim, publish and delete one batch; returns how many rows were published."""
        async with self._db.pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval(
                "SELECT pg_try_advisory_xact_lock($1)", self._lock_key
            ):
                return 0
            rows = await conn.fetch(_CLAIM, self._batch_size)
            if not rows:
                OUTBOX_BACKLOG.labels(self._service).set(0)
                return 0
            if self._before_publish is not None:
                await self._before_publish(len(rows))
            confirmed = await self._publish(rows)
            await conn.execute(
                "DELETE FROM outbox WHERE id = ANY($1::bigint[])", confirmed
            )
            backlog = await self._backlog(conn, drained=len(rows) < self._batch_size)
        if backlog is not None:
            OUTBOX_BACKLOG.labels(self._service).set(backlog)
        published = set(confirmed)
        counts = Counter(
            (row["topic"], row["event_type"]) for row in rows if row["id"] in published
        )
        for (topic, event_type), count in counts.items():
            EVENTS_PUBLISHED.labels(self._service, topic, event_type).inc(count)
        if len(confirmed) < len(rows):
            raise OutboxPartiallyPublished(len(rows) - len(confirmed))
        return len(rows)

    async def _backlog(self, conn: asyncpg.Connection, *, drained: bool) -> int | None:
        """Rows still waiting; counted at most once a second while draining a heap."""
        if drained:
            return 0
        now = asyncio.get_running_loop().time()
        if now - self._backlog_counted_at < 1.0:
            return None
        self._backlog_counted_at = now
        return await conn.fetchval("SELECT count(*) FROM outbox")

    async def _publish(self, rows: list[asyncpg.Record]) -> list[int]:
        """Send all rows, then keep only ids that are safe to delete.

        Rows are packed into one record batch per partition (more where a batch
        fills up), placed by key as the default partitioner would place them, so
        a thousand events cost a handful of produce calls rather than a thousand.
        A row whose batch failed stays, and so does every later row with the same
        key, so a retry cannot put a key's events out of order.
        """
        partitions = {
            topic: sorted(await self._producer.partitions_for(topic))
            for topic in {row["topic"] for row in rows}
        }
        by_partition: dict[tuple[str, int], list[asyncpg.Record]] = {}
        for row in rows:
            topic = row["topic"]
            partition = partition_for(row["message_key"], partitions[topic])
            by_partition.setdefault((topic, partition), []).append(row)
        sends: list[tuple[list[asyncpg.Record], asyncio.Future]] = []
        for (topic, partition), members in by_partition.items():
            for batch, packed in self._pack(members):
                sent = await self._producer.send_batch(
                    batch, topic, partition=partition
                )
                sends.append((packed, sent))
        results = await asyncio.gather(
            *(sent for _, sent in sends), return_exceptions=True
        )
        failed: set[int] = set()
        for (packed, _), result in zip(sends, results, strict=True):
            if isinstance(result, BaseException):
                failed.update(row["id"] for row in packed)
        if not failed:
            return [row["id"] for row in rows]
        blocked_keys: set[tuple[str, bytes]] = set()
        confirmed = []
        for row in rows:
            key = (row["topic"], row["message_key"])
            if row["id"] in failed or key in blocked_keys:
                blocked_keys.add(key)
                continue
            confirmed.append(row["id"])
        return confirmed

    def _pack(self, rows: list[asyncpg.Record]):
        """Yield (batch, its rows), starting a new batch whenever one is full."""
        batch, packed = self._producer.create_batch(), []
        for row in rows:
            key, value = row["message_key"], row["value"]
            appended = batch.append(
                timestamp=None, key=key, value=value, headers=_HEADERS
            )
            if appended is not None:
                packed.append(row)
                continue
            yield batch, packed
            batch, packed = self._producer.create_batch(), [row]
            # An empty batch takes any record, however large.
            batch.append(timestamp=None, key=key, value=value, headers=_HEADERS)
        if packed:
            yield batch, packed

    async def _wait_for_work(self) -> None:
        # asyncio.timeout rather than wait_for: on Python 3.11 wait_for can
        # swallow a cancellation that arrives as the event is set.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._poll_interval_s):
                await self._wake.wait()
        self._wake.clear()

    async def _listen(self) -> None:
        """Keep a LISTEN connection open; reconnect if it drops."""
        while True:
            try:
                conn = await asyncpg.connect(self._db.dsn)
            except Exception as error:
                log.debug("outbox_listen_unavailable", error=str(error))
                await asyncio.sleep(self._poll_interval_s * 5)
                continue
            try:
                await conn.add_listener(
                    self._db.outbox_channel, lambda *_args: self._wake.set()
                )
                while True:
                    await asyncio.sleep(self._poll_interval_s * 5)
                    await conn.fetchval("SELECT 1", timeout=5)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.debug("outbox_listen_lost", error=str(error))
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(), 2)


class OutboxPartiallyPublished(RuntimeError):
    def __init__(self, unconfirmed: int) -> None:
        super().__init__(
            f"{unconfirmed} outbox rows were not confirmed by the broker; they stay"
            " in the outbox and are retried"
        )
