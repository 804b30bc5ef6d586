"""A real Kafka-protocol broker and PostgreSQL for the tests.

Given KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL, those are used; otherwise
testcontainers when a Docker engine answers; otherwise the embedded broker and
database from pip wheels. Nothing is mocked.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)


@dataclass
class Infrastructure:
    bootstrap_servers: str
    admin_database_url: str
    kind: str
    postgres: object | None = None
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    async def new_database(self, name: str) -> str:
        """Create an empty database for one test and return its URL."""
        import asyncpg

        conn = await asyncpg.connect(self.admin_database_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        base, _, _ = self.admin_database_url.rpartition("/")
        return f"{base}/{name}"

    def close(self) -> None:
        self._stack.close()


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
    except Exception:
        return False
    return True


def start_infrastructure() -> Infrastructure:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    database = os.environ.get("DATABASE_URL")
    if bootstrap and database:
        return Infrastructure(bootstrap, database, "environment")
    if _docker_answers():
        return _testcontainers()
    return _embedded()


def _testcontainers() -> Infrastructure:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    stack = contextlib.ExitStack()
    kafka = stack.enter_context(KafkaContainer().with_kraft())
    postgres = stack.enter_context(PostgresContainer("postgres:16", driver=None))
    infra = Infrastructure(
        kafka.get_bootstrap_server(), postgres.get_connection_url(), "testcontainers"
    )
    infra._stack = stack
    return infra


def _embedded() -> Infrastructure:
    from micromentor.embedded.broker import EmbeddedBroker
    from micromentor.embedded.ports import free_port
    from micromentor.embedded.postgres import EmbeddedPostgres

    folder = Path(tempfile.mkdtemp(prefix="micromentor-tests-"))
    stack = contextlib.ExitStack()
    # Registered first, so it runs last: after the broker and PostgreSQL stop.
    stack.callback(shutil.rmtree, folder, ignore_errors=True)
    broker = EmbeddedBroker(port=free_port(), log_path=folder / "broker.log")
    broker.start()
    stack.callback(broker.stop)
    postgres = EmbeddedPostgres(
        port=free_port(), data_dir=folder / "postgres" / "data", durable=False
    )
    postgres.start()
    stack.callback(postgres.stop)
    infra = Infrastructure(
        broker.bootstrap_servers, postgres.url("postgres"), "embedded", postgres
    )
    infra._stack = stack
    return infra


@contextlib.contextmanager
def infrastructure() -> Iterator[Infrastructure]:
    infra = start_infrastructure()
    try:
        yield infra
    finally:
        infra.close()
