"""How far a service's consumer group is behind on a topic."""

from __future__ import annotations

from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from micromentor.closing import close_quietly


class LagProbe:
    """Compares a group's committed offsets with the topic's end offsets."""

    def __init__(self, bootstrap_servers: str) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=None
        )

    async def start(self) -> None:
        await self._admin.start()
        await self._consumer.start()

    async def stop(self) -> None:
        await close_quietly(self._consumer.stop())
        await close_quietly(self._admin.close())

    async def lag(
        self,
        group: str,
        topic: str,
        read_to: Mapping[TopicPartition, int] | None = None,
    ) -> int | None:
        """Messages ``group`` has yet to commit, or None if it never read ``topic``.

        ``read_to`` gives offsets known to exist (read by the caller); they count
        where the broker reports an end offset below them.
        """
        partitions = self._consumer.partitions_for_topic(topic)
        if not partitions:
            await self._consumer._client.force_metadata_update()
            partitions = self._consumer.partitions_for_topic(topic) or set()
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        ends = await self._consumer.end_offsets(assigned)
        for tp, known in (read_to or {}).items():
            if tp in ends:
                ends[tp] = max(ends[tp], known)
        committed = await self._admin.list_consumer_group_offsets(
            group, partitions=assigned
        )
        read = {tp: meta.offset for tp, meta in committed.items() if meta.offset >= 0}
        if not read:
            return None
        return sum(max(0, ends[tp] - read.get(tp, 0)) for tp in assigned)
