"""Runs one outbox relay as its own process, so a test can kill it with SIGKILL.

Usage: python -m tests.support.relay_process DSN SCHEMA BOOTSTRAP [THROTTLE_S]
"""

from __future__ import annotations

import asyncio
import sys

from aiokafka import AIOKafkaProducer

from shared.platform.db import Database, create_pool
from shared.platform.outbox import OutboxRelay


async def main(dsn: str, schema: str, bootstrap: str, throttle_s: float) -> None:
    pool = await create_pool(dsn, schema=schema)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()

    async def slow_down(_rows: int) -> None:
        await asyncio.sleep(throttle_s)

    relay = OutboxRelay(
        service="relay-test",
        db=Database(pool, dsn=dsn, schema=schema),
        producer=producer,
        batch_size=20,
        poll_interval_s=0.1,
        before_publish=slow_down if throttle_s else None,
    )
    await relay.run()


if __name__ == "__main__":
    throttle = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], throttle))
