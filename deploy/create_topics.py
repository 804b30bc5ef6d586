"""Create every micromentor topic and its dead-letter topic; safe to run again.

Configured by environment: KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX,
TOPIC_PARTITIONS (default 3), TOPIC_REPLICATION_FACTOR (default 1) and
KAFKA_WAIT_S (how long to wait for the brokers, default 120).
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.contracts.topics import Topics


async def connect(bootstrap_servers: str, wait_s: float) -> AIOKafkaAdminClient:
    """An admin client, retrying while the brokers are still starting."""
    deadline = asyncio.get_running_loop().time() + wait_s
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
        try:
            await admin.start()
            return admin
        except Exception as error:
            await admin.close()
            if asyncio.get_running_loop().time() > deadline:
                message = f"kafka not reachable at {bootstrap_servers}: {error}"
                raise SystemExit(message) from error
            await asyncio.sleep(1)


async def create_missing(
    admin: AIOKafkaAdminClient, names: list[str], partitions: int, replicas: int
) -> list[str]:
    """Create the topics in ``names`` that do not exist yet; returns those created."""
    existing = set(await admin.list_topics())
    created = []
    for name in names:
        if name in existing:
            continue
        try:
            await admin.create_topics([NewTopic(name, partitions, replicas)])
            created.append(name)
        except TopicAlreadyExistsError:
            pass
    return created


async def main() -> int:
    admin = await connect(
        os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        float(os.environ.get("KAFKA_WAIT_S", "120")),
    )
    try:
        names = Topics(os.environ.get("TOPIC_PREFIX", "")).all_with_dlq()
        created = await create_missing(
            admin,
            names,
            int(os.environ.get("TOPIC_PARTITIONS", "3")),
            int(os.environ.get("TOPIC_REPLICATION_FACTOR", "1")),
        )
    finally:
        await admin.close()
    print(f"topics: {len(names)} wanted, {len(created)} created")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
