"""asyncpg pool bound to one service schema, and the unit of work around it."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg

from shared.envelope import Envelope


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(
            kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


class _StatelessConnection(asyncpg.Connection):
    """A pooled connection that is handed back without a reset round trip.

    asyncpg resets session state (advisory locks, LISTEN, SET, cursors) each
    time a connection returns to the pool, at the cost of one round trip per
    transaction. Services keep no session state on pooled connections: locks
    are transaction-scoped (the migrator unlocks its own), the relay listens
    on a connection of its own, and settings come from the connection start.
    An open transaction is still rolled back on release.
    """

    def get_reset_query(self) -> str:
        return ""


async def create_pool(
    dsn: str,
    *,
    schema: str,
    min_size: int = 2,
    max_size: int = 10,
    server_settings: Mapping[str, str] | None = None,
) -> asyncpg.Pool:
    """A pool whose connections see the service's own schema first."""
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        server_settings={
            "search_path": schema,
            "application_name": schema,
            **(server_settings or {}),
        },
        command_timeout=60,
        connection_class=_StatelessConnection,
    )


@dataclass
class UnitOfWork:
    """One transaction: the state change and the events it emits commit together."""

    conn: asyncpg.Connection

    async def emit(self, topic: str, event: Envelope) -> None:
        await self.conn.execute(
            "INSERT INTO outbox (topic, message_key, event_id, event_type, value)"
            " VALUES ($1, $2, $3, $4, $5)",
            topic,
            event.key_bytes(),
            event.event_id,
            event.event_type,
            event.to_bytes(),
        )


class Database:
    """The service's pool plus the channel its outbox relay listens on."""

    def __init__(self, pool: asyncpg.Pool, *, dsn: str, schema: str) -> None:
        self.pool = pool
        self.dsn = dsn
        self.schema = schema
        # Outbox inserts notify this channel (a trigger in the platform schema).
        self.outbox_channel = f"{schema}_outbox"

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[UnitOfWork]:
        async with self.pool.acquire() as conn, conn.transaction():
            yield UnitOfWork(conn)

    async def ping(self) -> None:
        async with self.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1", timeout=2)

    async def close(self, *, within_s: float = 10.0) -> None:
        """Close gracefully; connections still busy after ``within_s`` are cut."""
        try:
            async with asyncio.timeout(within_s):
                await self.pool.close()
        except TimeoutError:
            self.pool.terminate()
            raise


def lock_key(name: str) -> int:
    """A stable 64-bit advisory-lock key for a name."""
    return int.from_bytes(
        hashlib.sha256(name.encode()).digest()[:8], "big", signed=True
    )
