"""Small helpers to publish to and read back from the real broker in tests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from shared.envelope import Envelope


async def wait_until(
    condition: Callable[[], Awaitable[Any]], *, timeout_s: float = 30, what: str = ""
) -> Any:
    """Poll ``condition`` until it returns something truthy, or fail at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(0.05)


class KafkaClient:
    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers, acks="all", linger_ms=1
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer:
            await self._producer.stop()

    @property
    def producer(self) -> AIOKafkaProducer:
        """The started producer, for records ``publish`` cannot make (headers)."""
        assert self._producer is not None, "start the client first"
        return self._producer

    async def publish(
        self, topic: str, value: Envelope | dict | bytes, key: str | bytes | None = None
    ) -> None:
        if isinstance(value, Envelope):
            key = key or value.subject
            value = value.to_bytes()
        elif isinstance(value, dict):
            value = json.dumps(value).encode()
        if isinstance(key, str):
            key = key.encode()
        await self._producer.send_and_wait(topic, value=value, key=key)

    async def read_all(self, topic: str) -> list[ConsumerRecord]:
        """Every record currently in ``topic``, across partitions, oldest first."""
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap_servers,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            partitions = consumer.partitions_for_topic(topic)
            if partitions is None:
                await consumer._client.force_metadata_update()
                partitions = consumer.partitions_for_topic(topic) or set()
            assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
            if not assigned:
                return []
            consumer.assign(assigned)
            end = await consumer.end_offsets(assigned)
            await consumer.seek_to_beginning(*assigned)
            records: list[ConsumerRecord] = []
            while await _behind(consumer, assigned, end):
                batch = await consumer.getmany(timeout_ms=200)
                for items in batch.values():
                    records.extend(items)
            return sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset))
        finally:
            await consumer.stop()

    async def events(self, topic: str, event_type: str | None = None) -> list[Envelope]:
        found = []
        for record in await self.read_all(topic):
            try:
                envelope = Envelope.model_validate_json(record.value)
            except Exception:
                continue
            if event_type is None or envelope.event_type == event_type:
                found.append(envelope)
        return found

    async def wait_for_events(
        self, topic: str, event_type: str, count: int = 1, timeout_s: float = 30
    ) -> list[Envelope]:
        async def enough() -> list[Envelope] | None:
            events = await self.events(topic, event_type)
            return events if len(events) >= count else None

        return await wait_until(
            enough, timeout_s=timeout_s, what=f"{count} x {event_type} on {topic}"
        )


async def _behind(
    consumer: AIOKafkaConsumer, assigned: list[TopicPartition], end: dict
) -> bool:
    for tp in assigned:
        if await consumer.position(tp) < end[tp]:
            return True
    return False
