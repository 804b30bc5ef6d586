"""Creating the system's topics (and their dead-letter topics) explicitly."""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.contracts.topics import Topics


async def create_topics(
    bootstrap_servers: str,
    topics: Topics,
    *,
    partitions: int = 3,
    timeout_s: float = 30,
) -> list[str]:
    """Create every topic that does not exist yet; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await admin.start()
            break
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)
    try:
        existing = set(await admin.list_topics())
        wanted = [name for name in topics.all_with_dlq() if name not in existing]
        for name in wanted:
            try:
                await admin.create_topics(
                    [NewTopic(name, num_partitions=partitions, replication_factor=1)]
                )
            except TopicAlreadyExistsError:
                pass
        return wanted
    finally:
        await admin.close()
