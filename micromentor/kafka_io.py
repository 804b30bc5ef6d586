"""Producing to Kafka the way HR and the portal would: acks from all replicas."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer

from shared.envelope import Envelope


def faculty_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id="micromentor-cli",
        acks="all",
        linger_ms=5,
    )


async def publish_json(
    producer: AIOKafkaProducer, topic: str, items: Iterable[tuple[str, dict]]
) -> int:
    """Publish (key, document) pairs as plain JSON; returns how many were confirmed."""
    sends = [
        await producer.send(
            topic, value=json.dumps(document).encode(), key=key.encode()
        )
        for key, document in items
    ]
    await asyncio.gather(*sends)
    return len(sends)


async def publish_envelope(
    producer: AIOKafkaProducer, topic: str, envelope: Envelope
) -> None:
    """Publish one event keyed by its subject and wait for the broker's ack."""
    await producer.send_and_wait(
        topic, value=envelope.to_bytes(), key=envelope.key_bytes()
    )
