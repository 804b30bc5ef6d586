"""Wiring one service: pool, migrations, Kafka consumers, outbox relay, HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import structlog
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared.contracts.routing import ROUTES
from shared.contracts.topics import Topics
from shared.platform.batch import BatchApplier, BatchHandler
from shared.platform.commits import OffsetCommitter
from shared.platform.consumer import (
    Handler,
    MessageProcessor,
    RetryPolicy,
    log_processing_crash,
)
from shared.platform.db import Database, create_pool
from shared.platform.errors import backoff_delay
from shared.platform.feeds import FeedConsumer
from shared.platform.http import health_router
from shared.platform.inbound import Decoder, SubmittedTopic, envelope_decoder
from shared.platform.migrator import apply_migrations, load_migrations
from shared.platform.outbox import OutboxRelay
from shared.platform.settings import ServiceSettings
from shared.platform.tasks import cancel_and_wait, finish_within

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Subscription:
    """A topic a service consumes and the handler for each event type on it."""

    topic: str
    handlers: Mapping[str, Handler]
    decoder: Decoder | None = None
    batch_handler: BatchHandler | None = None
    """Set for bulk feeds: consumed in batches of ``batch_size`` (see FeedConsumer)."""
    batch_handler_deduplicates: bool = False
    """The batch handler recognises redeliveries itself (see BatchApplier)."""


@dataclass
class ServiceContext:
    """What handlers and background tasks of a running service may use."""

    name: str
    settings: ServiceSettings
    topics: Topics
    db: Database = field(init=False)
    producer: AIOKafkaProducer = field(init=False)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the service stops; background tasks finish the step in hand."""


@dataclass(frozen=True)
class ServiceDefinition:
    """Everything that makes one service what it is; the runtime does the rest."""

    name: str
    migrations_package: str
    subscriptions: Callable[[ServiceContext], Sequence[Subscription]]
    background: Sequence[Callable[[ServiceContext], Awaitable[None]]] = ()
    routers: Callable[[ServiceContext], Sequence[APIRouter]] = lambda _ctx: ()
    batch_size: int = 1000
    database_settings: Mapping[str, str] = field(default_factory=dict)
    """PostgreSQL settings for the service's connections (``plan_cache_mode``...)."""


class ServiceRuntime:
    """Starts and stops one service; in production it lives inside the HTTP app."""

    def __init__(
        self, definition: ServiceDefinition, settings: ServiceSettings
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.context = ServiceContext(
            definition.name, settings, Topics(settings.topic_prefix)
        )
        self.broker: KafkaBroker | None = None
        self._tasks: list[asyncio.Task] = []
        self.relay: OutboxRelay | None = None
        self.commits = OffsetCommitter(max_backoff_s=settings.retry_max_backoff_s)
        self.feeds: FeedConsumer | None = None

    @property
    def group_id(self) -> str:
        # The topic prefix names an environment, so it separates groups too.
        default = f"{self.settings.topic_prefix}micromentor-{self.definition.name}"
        return self.settings.consumer_group or default

    @property
    def feed_group_id(self) -> str:
        """The group of the service's bulk feeds (see FeedConsumer)."""
        return f"{self.group_id}-feeds"

    async def start(self) -> None:
        name, settings, ctx = self.definition.name, self.settings, self.context
        log.info("service_starting", kafka=settings.kafka_bootstrap_servers)
        pool = await create_pool(
            settings.database_url,
            schema=name,
            min_size=settings.db_pool_min_size,
            max_size=settings.db_pool_max_size,
            server_settings=self.definition.database_settings,
        )
        ctx.db = Database(pool, dsn=settings.database_url, schema=name)
        migrations = load_migrations("platform", "shared.platform.migrations")
        migrations += load_migrations(name, self.definition.migrations_package)
        async with pool.acquire() as conn:
            await apply_migrations(conn, schema=name, migrations=migrations)
        ctx.producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id=f"micromentor-{name}",
            acks="all",
            linger_ms=2,
            # The relay packs its own batches; a bulk load's worth of events then
            # travels in a few large ones (Kafka's default limit is 1 MiB).
            max_batch_size=256 * 1024,
            request_timeout_ms=settings.kafka_request_timeout_ms,
        )
        await ctx.producer.start()
        self.broker = self._build_broker()
        await self.broker.start()
        # Consumers are started together, so they join the group in one
        # rebalance rather than one after another.
        consumers = self._subscribe(self.broker)
        feeds = [self.feeds.start()] if self.feeds is not None else []
        await asyncio.gather(*(consumer.start() for consumer in consumers), *feeds)
        self.relay = OutboxRelay(
            service=name,
            db=ctx.db,
            producer=ctx.producer,
            batch_size=settings.outbox_batch_size,
            poll_interval_s=settings.outbox_poll_interval_s,
            max_backoff_s=settings.retry_max_backoff_s,
        )
        self._spawn(self.relay.run(), "outbox-relay")
        for task in self.definition.background:
            self._spawn(task(ctx), task.__name__)
        log.info(
            "service_started",
            consumer_group=self.group_id,
            feed_group=self.feeds.group_id if self.feeds is not None else None,
        )

    def _build_broker(self) -> KafkaBroker:
        settings = self.settings
        return KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=f"micromentor-{self.definition.name}",
            graceful_timeout=10.0,
            logger=logging.getLogger("faststream.micromentor"),
            log_level=logging.DEBUG,
            request_timeout_ms=settings.kafka_request_timeout_ms,
        )

    def _subscribe(self, broker: KafkaBroker) -> list:
        """The service's consumers on a running broker, not started yet."""
        settings, ctx = self.settings, self.context
        retry = RetryPolicy(
            initial_s=settings.retry_initial_backoff_s,
            maximum_s=settings.retry_max_backoff_s,
            unexpected_attempts=settings.unexpected_error_attempts,
        )
        processors: dict[str, MessageProcessor] = {}
        batch_appliers: dict[str, BatchApplier] = {}
        for subscription in self.definition.subscriptions(ctx):
            processor = processors[subscription.topic] = MessageProcessor(
                service=self.definition.name,
                consumer=f"{self.definition.name}:{subscription.topic}",
                db=ctx.db,
                producer=ctx.producer,
                decode=subscription.decoder
                or envelope_decoder(
                    subscription.handlers,
                    submitted=submitted_topics(ctx.topics).get(subscription.topic),
                ),
                handlers=subscription.handlers,
                retry=retry,
                remember_refusals=subscription.batch_handler_deduplicates,
            )
            if subscription.batch_handler is not None:
                batch_appliers[subscription.topic] = BatchApplier(
                    processor,
                    subscription.batch_handler,
                    handler_deduplicates=subscription.batch_handler_deduplicates,
                )
        if batch_appliers:

            async def apply(records: Sequence) -> None:
                await batch_appliers[records[0].topic].process(list(records))

            self.feeds = FeedConsumer(
                topics=list(batch_appliers),
                group_id=self.feed_group_id,
                client_id=f"micromentor-{self.definition.name}-feeds",
                apply=apply,
                commits=self.commits,
                settings=settings,
                batch_size=self.definition.batch_size,
            )
        one_by_one = {
            topic: processor
            for topic, processor in processors.items()
            if topic not in batch_appliers
        }
        if not one_by_one:
            return []
        return _subscribe(broker, self.group_id, one_by_one, self.commits, settings)

    def _spawn(self, coroutine: Awaitable[None], name: str) -> None:
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(_report_crash)
        self._tasks.append(task)

    async def stop(self) -> None:
        """Stop consuming, then background tasks, producer and pool.

        Each step has a deadline, so a stuck step is reported and the rest
        still run: the process always gets to exit.
        """
        log.info("service_stopping")
        if self.feeds is not None:
            await finish_within(self.feeds.stop(), seconds=20, what="feed_consumer")
        await self.commits.flush(within_s=5)
        if self.broker is not None:
            await finish_within(self.broker.stop(), seconds=15, what="kafka_consumer")
        # Background tasks finish the step in hand (a letter being sent, rows
        # the broker already confirmed) rather than leave it to be done twice.
        self.context.stopping.set()
        if self.relay is not None:
            self.relay.finish()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        await cancel_and_wait([*self._tasks, *self.commits.tasks], within_s=10)
        self._tasks.clear()
        producer = getattr(self.context, "producer", None)
        if producer is not None:
            await finish_within(producer.stop(), seconds=15, what="kafka_producer")
        db = getattr(self.context, "db", None)
        if db is not None:
            await finish_within(db.close(within_s=10), seconds=12, what="database_pool")
        log.info("service_stopped")

    async def readiness(self) -> dict[str, bool]:
        checks = {"kafka": False, "database": False}
        if self.broker is not None:
            with contextlib.suppress(Exception):
                checks["kafka"] = await self.broker.ping(timeout=2)
        with contextlib.suppress(Exception):
            await self.context.db.ping()
            checks["database"] = True
        return checks

    def http_app(
        self,
        *,
        owns_runtime: bool = True,
        after_start: Callable[[], object] | None = None,
    ) -> FastAPI:
        """The service's HTTP app; with ``owns_runtime`` it starts and stops it.

        ``after_start`` runs once the runtime has started (its consumers are
        already taking messages), before HTTP requests are served.
        """

        @contextlib.asynccontextmanager
        async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
            await self.start()
            if after_start is not None:
                after_start()
            try:
                yield
            finally:
                await self.stop()

        app = FastAPI(
            title=f"micromentor {self.definition.name}",
            lifespan=lifespan if owns_runtime else None,
        )
        app.include_router(health_router(self))
        for router in self.definition.routers(self.context):
            app.include_router(router)
        return app


def _subscribe(
    broker: KafkaBroker,
    group_id: str,
    processors: Mapping[str, MessageProcessor],
    commits: OffsetCommitter,
    settings: ServiceSettings,
) -> list:
    """``kafka_consumers`` consumers in the service's group, each on all its topics.

    Each consumer applies the records of its partitions one at a time, in
    order; the consumers run side by side.
    """
    options: dict = {
        "group_id": group_id,
        "ack_policy": AckPolicy.MANUAL,
        "auto_offset_reset": "earliest",
        "session_timeout_ms": settings.kafka_session_timeout_ms,
        "heartbeat_interval_ms": settings.kafka_heartbeat_interval_ms,
        "fetch_max_wait_ms": settings.kafka_fetch_max_wait_ms,
        "title": group_id,
        # Processors read the raw records themselves, and dead-letter what they
        # cannot read; nothing may fail before they see it, or it is lost.
        "parser": _parse_any_headers,
        "decoder": _raw_records,
    }
    crashes: dict[object, int] = {}  # consecutive crashes, by consumer

    async def consume(msg: KafkaMessage) -> None:
        record = msg.raw_message
        try:
            await processors[record.topic].process(record)
            crashes.pop(msg.consumer, None)
        except Exception as error:
            # Processors dead-letter what they cannot apply, so this is a bug.
            # Rewind to the record rather than move past it.
            crashes[msg.consumer] = attempt = crashes.get(msg.consumer, 0) + 1
            delay = backoff_delay(
                attempt, initial=1.0, maximum=settings.retry_max_backoff_s
            )
            log_processing_crash(error, record, retry_in_s=delay)
            await msg.nack()
            await asyncio.sleep(delay)
            return
        commits.applied(msg.consumer, (record,))

    consumers = []
    for index in range(settings.kafka_consumers):
        consumer = broker.subscriber(
            *processors, **{**options, "title": f"{group_id}#{index}"}
        )
        consumer(consume)
        consumers.append(consumer)
    return consumers


def submitted_topics(topics: Topics) -> dict[str, SubmittedTopic]:
    """Topics other systems write envelopes to, by name, with what they carry."""
    return {
        route.address(topics): SubmittedTopic(frozenset(route.events), route.key)
        for route in ROUTES
        if route.submitted_by_others and route.enveloped
    }


async def _raw_records(_message: KafkaMessage) -> None:
    """Processors decode the raw records themselves; skip FastStream's decoding."""
    return None


async def _parse_any_headers(raw, parse: Callable[[object], Awaitable[KafkaMessage]]):
    """FastStream's parsing, also for records whose header values are not UTF-8.

    Its parser decodes every header value; one byte it cannot decode would drop
    the record before any processor saw it. Such values are read with
    replacement characters for FastStream's view only: the processors and the
    dead-letter topic get the record as it was sent.
    """
    try:
        return await parse(raw)
    except UnicodeDecodeError:
        records = raw if isinstance(raw, tuple) else (raw,)
        readable = tuple(
            replace(
                record,
                headers=tuple(
                    (name, value.decode(errors="replace").encode())
                    for name, value in record.headers
                ),
            )
            for record in records
        )
        message = await parse(readable if isinstance(raw, tuple) else readable[0])
        message.raw_message = raw
        return message


def _report_crash(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error(
            "background_task_crashed",
            task=task.get_name(),
            error=repr(task.exception()),
        )
