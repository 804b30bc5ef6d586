from __future__ import annotations

import itertools
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from micromentor.embedded.ports import free_port
from micromentor.embedded.postgres import EmbeddedPostgres
from micromentor.embedded.smtp import EmbeddedSmtp
from micromentor.embedded.topics import create_topics
from shared.contracts.topics import Topics
from shared.platform.logging import configure_logging
from shared.platform.runtime import ServiceDefinition, ServiceRuntime
from shared.platform.settings import ServiceSettings
from tests.infrastructure import Infrastructure, infrastructure
from tests.kafka import KafkaClient
from tests.service_process import ServiceProcess

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def infra() -> Iterator[Infrastructure]:
    configure_logging(service="tests", level="INFO", log_format="console")
    with infrastructure() as running:
        yield running


@dataclass
class TestEnvironment:
    """One test's isolated world: its own database, topics and services."""

    infra: Infrastructure
    database_url: str
    topics: Topics
    kafka: KafkaClient
    runtimes: list[ServiceRuntime] = field(default_factory=list)
    processes: list[ServiceProcess] = field(default_factory=list)

    def settings(self, settings_class: type[ServiceSettings], **overrides):
        values = {
            "kafka_bootstrap_servers": self.infra.bootstrap_servers,
            "database_url": self.database_url,
            "topic_prefix": self.topics.prefix,
            "http_port": 0,
            "outbox_poll_interval_s": 0.2,
            "retry_max_backoff_s": 1.0,
            # The embedded broker completes a group join after half the session
            # timeout; a short one keeps each service start near a second.
            "kafka_session_timeout_ms": 3000,
            "kafka_heartbeat_interval_ms": 500,
        }
        values.update(overrides)
        return settings_class.model_validate(values)

    async def start(
        self, definition: ServiceDefinition, settings: ServiceSettings
    ) -> ServiceRuntime:
        runtime = ServiceRuntime(definition, settings)
        await runtime.start()
        self.runtimes.append(runtime)
        return runtime

    async def start_process(
        self, name: str, settings: ServiceSettings
    ) -> ServiceProcess:
        """The service as a process of its own, with the same settings."""
        folder = Path(tempfile.mkdtemp(prefix=f"micromentor-{name}-"))
        process = ServiceProcess(name, settings, folder / f"{name}.log")
        self.processes.append(process)
        await process.wait_ready()
        return process

    async def stop(self, runtime: ServiceRuntime) -> None:
        await runtime.stop()
        self.runtimes.remove(runtime)


@pytest.fixture
async def env(infra: Infrastructure) -> AsyncIterator[TestEnvironment]:
    suffix = f"{next(_counter)}_{uuid.uuid4().hex[:8]}"
    database_url = await infra.new_database(f"test_{suffix}")
    topics = Topics(prefix=f"t{suffix}.")
    await create_topics(infra.bootstrap_servers, topics, partitions=3)
    kafka = KafkaClient(infra.bootstrap_servers)
    await kafka.start()
    environment = TestEnvironment(infra, database_url, topics, kafka)
    try:
        yield environment
    finally:
        for process in environment.processes:
            process.stop()
        for runtime in reversed(environment.runtimes):
            await runtime.stop()
        await kafka.stop()


@pytest.fixture
async def own_postgres(env: TestEnvironment) -> AsyncIterator[EmbeddedPostgres]:
    """A PostgreSQL of the test's own, which the test may stop and start again."""
    folder = Path(tempfile.mkdtemp(prefix="micromentor-outage-"))
    postgres = EmbeddedPostgres(
        port=free_port(), data_dir=folder / "data", durable=False
    )
    postgres.start()
    try:
        yield postgres
    finally:
        for runtime in list(env.runtimes):
            await env.stop(runtime)
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def smtp(tmp_path) -> Iterator[EmbeddedSmtp]:
    """A development SMTP server that stores each message it takes as .eml."""
    server = EmbeddedSmtp(port=free_port(), mail_dir=tmp_path / "mail")
    server.start()
    yield server
    server.stop()
