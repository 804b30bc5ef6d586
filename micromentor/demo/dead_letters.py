"""HR records of this run that profiles refused onto the dead-letter topic."""

from __future__ import annotations

import json

from aiokafka import AIOKafkaConsumer, TopicPartition

from micromentor.closing import close_quietly
from micromentor.demo.tracker import RunTracker


class DeadLetterWatch:
    """Reads a dead-letter topic from where it ended when the run began."""

    def __init__(self, bootstrap_servers: str, topic: str, tracker: RunTracker) -> None:
        self.topic = topic
        self._tracker = tracker
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            client_id="micromentor-demo-dlq",
        )

    async def start(self) -> None:
        """Remember the topic's end offsets: only what arrives later counts."""
        await self._consumer.start()
        partitions = self._consumer.partitions_for_topic(self.topic)
        if not partitions:
            await self._consumer._client.force_metadata_update()
            partitions = self._consumer.partitions_for_topic(self.topic) or set()
        assigned = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self._consumer.assign(assigned)
        for partition, offset in (await self._consumer.end_offsets(assigned)).items():
            self._consumer.seek(partition, offset)

    async def poll(self) -> None:
        """Note every refused record of this run that has arrived so far."""
        batches = await self._consumer.getmany(timeout_ms=0, max_records=1000)
        for records in batches.values():
            for record in records:
                self._note(record.value, dict(record.headers or ()))

    def _note(self, value: bytes | None, headers: dict[str, bytes]) -> None:
        try:
            document = json.loads(value or b"")
            employee_id = document["employee_id"]
            version = document["record_version"]
        except (ValueError, TypeError, KeyError):
            return
        error_class = headers.get("dlq.error.class", b"unknown").decode()
        self._tracker.note_hr_refused(employee_id, version, error_class)

    async def stop(self) -> None:
        await close_quietly(self._consumer.stop())
