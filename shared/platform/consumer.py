"""Applying one Kafka message: inbox, handler, retries, dead-lettering, commit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord

from shared.contracts.topics import dead_letter_topic
from shared.platform.db import Database, UnitOfWork
from shared.platform.errors import (
    FailureKind,
    PermanentMessageError,
    backoff_delay,
    classify,
)
from shared.platform.inbound import Decoder, Inbound
from shared.platform.metrics import (
    EVENTS_CONSUMED,
    EVENTS_DEAD_LETTERED,
    HANDLER_LATENCY,
    HANDLER_RETRIES,
)

log = structlog.get_logger(__name__)

Handler = Callable[[UnitOfWork, Inbound], Awaitable[None]]


class RetryPolicy:
    def __init__(
        self,
        *,
        initial_s: float = 0.2,
        maximum_s: float = 30.0,
        unexpected_attempts: int = 5,
    ) -> None:
        self.initial_s = initial_s
        self.maximum_s = maximum_s
        self.unexpected_attempts = unexpected_attempts

    def delay(self, attempt: int) -> float:
        return backoff_delay(attempt, initial=self.initial_s, maximum=self.maximum_s)


class MessageProcessor:
    """Applies messages from one topic for one consumer, exactly once in effect.

    ``process`` returns only when the offset may be committed: the effect and
    its inbox row committed, the message was a duplicate or not for us, or it
    went to the dead-letter topic. Outages are retried without end.
    """

    def __init__(
        self,
        *,
        service: str,
        consumer: str,
        db: Database,
        producer: AIOKafkaProducer,
        decode: Decoder,
        handlers: Mapping[str, Handler],
        retry: RetryPolicy,
        remember_refusals: bool = False,
    ) -> None:
        """``remember_refusals``: a message refused as bad input stays refused.

        Its id goes into the inbox once it is dead-lettered, so a redelivery or
        a replay of the topic is a duplicate rather than a second judgement
        (for feeds whose corrections come as new messages, like HR versions).
        """
        self.remember_refusals = remember_refusals
        self.service = service
        self.consumer = consumer
        self.db = db
        self.retry = retry
        self.decode = decode
        self._producer = producer
        self._handlers = handlers

    async def process(self, record: ConsumerRecord) -> str:
        started = time.perf_counter()
        try:
            inbound = self.decode_or_refuse(record.value)
        except PermanentMessageError as error:
            await self.dead_letter(
                record, error, attempts=1, event_type=error.event_type
            )
            return "dead_lettered"
        if inbound is None:
            EVENTS_CONSUMED.labels(self.service, record.topic, "other", "ignored").inc()
            return "ignored"
        with structlog.contextvars.bound_contextvars(
            event_id=inbound.message_id,
            event_type=inbound.event_type,
            correlation_id=inbound.correlation_id,
        ):
            outcome = await self._apply_with_retries(record, inbound)
        EVENTS_CONSUMED.labels(
            self.service, record.topic, inbound.event_type, outcome
        ).inc()
        HANDLER_LATENCY.labels(self.service, inbound.event_type).observe(
            time.perf_counter() - started
        )
        return outcome

    def decode_or_refuse(self, raw: bytes | None) -> Inbound | None:
        """Decode ``raw``; a message no decoder can read is refused, never skipped."""
        try:
            return self.decode(raw)
        except PermanentMessageError:
            raise
        except Exception as error:
            raise PermanentMessageError(
                f"message could not be decoded: {type(error).__name__}: {error}",
                error_class="Undecodable",
            ) from error

    async def _apply_with_retries(
        self, record: ConsumerRecord, inbound: Inbound
    ) -> str:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._apply(inbound)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                kind = classify(error)
                if kind is FailureKind.PERMANENT or (
                    kind is FailureKind.UNEXPECTED
                    and attempt >= self.retry.unexpected_attempts
                ):
                    await self.dead_letter(
                        record, error, attempts=attempt, event_type=inbound.event_type
                    )
                    if self.remember_refusals and kind is FailureKind.PERMANENT:
                        await self.remember(inbound)
                    return "dead_lettered"
                delay = self.retry.delay(attempt)
                HANDLER_RETRIES.labels(self.service, record.topic, kind.value).inc()
                log.warning(
                    "handler_failed_will_retry",
                    failure=kind.value,
                    error_class=type(error).__name__,
                    error=str(error)[:500],
                    attempt=attempt,
                    retry_in_s=round(delay, 2),
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    exc_info=kind is FailureKind.UNEXPECTED,
                )
                await asyncio.sleep(delay)

    async def remember(self, inbound: Inbound) -> None:
        """Record the message as handled, in a transaction of its own."""
        async with self.db.unit_of_work() as uow:
            await self._first_time(uow, inbound)

    async def _first_time(self, uow: UnitOfWork, inbound: Inbound) -> bool:
        return bool(
            await uow.conn.fetchval(
                "INSERT INTO inbox (consumer, message_id, event_type)"
                " VALUES ($1, $2, $3)"
                " ON CONFLICT DO NOTHING RETURNING true",
                self.consumer,
                inbound.message_id,
                inbound.event_type,
            )
        )

    async def _apply(self, inbound: Inbound) -> str:
        async with self.db.unit_of_work() as uow:
            if not await self._first_time(uow, inbound):
                log.debug("duplicate_skipped")
                return "duplicate"
            await self._handlers[inbound.event_type](uow, inbound)
        return "applied"

    async def dead_letter(
        self,
        record: ConsumerRecord,
        error: Exception,
        *,
        attempts: int,
        event_type: str,
    ) -> None:
        error_class = getattr(error, "error_class", type(error).__name__)
        headers = [
            *(record.headers or ()),
            ("dlq.source.topic", record.topic.encode()),
            ("dlq.source.partition", str(record.partition).encode()),
            ("dlq.source.offset", str(record.offset).encode()),
            ("dlq.consumer", self.consumer.encode()),
            ("dlq.error.class", error_class.encode()),
            ("dlq.error.message", str(error)[:2000].encode()),
            ("dlq.attempts", str(attempts).encode()),
            ("dlq.failed.at", datetime.now(UTC).isoformat().encode()),
        ]
        target = dead_letter_topic(record.topic)
        attempt = 0
        while True:
            attempt += 1
            try:
                await self._producer.send_and_wait(
                    target, value=record.value, key=record.key, headers=headers
                )
                break
            except asyncio.CancelledError:
                raise
            except Exception as publish_error:
                delay = self.retry.delay(attempt)
                log.warning(
                    "dead_letter_publish_failed_will_retry",
                    error=str(publish_error),
                    retry_in_s=round(delay, 2),
                )
                await asyncio.sleep(delay)
        EVENTS_DEAD_LETTERED.labels(
            self.service, record.topic, event_type, error_class
        ).inc()
        # Bad input is for its producer to fix (a warning); giving up on an
        # unexplained failure is ours to look into (an error).
        report = log.warning if isinstance(error, PermanentMessageError) else log.error
        report(
            "message_dead_lettered",
            dead_letter_topic=target,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key.decode(errors="replace")[:100] if record.key else None,
            error_class=error_class,
            error=str(error)[:500],
            attempts=attempts,
        )


def log_processing_crash(
    error: BaseException, first: ConsumerRecord, *, retry_in_s: float
) -> None:
    """Applying records crashed; they are fetched again from ``first`` on."""
    log.error(
        "message_processing_crashed_will_retry",
        error_class=type(error).__name__,
        error=str(error)[:500],
        topic=first.topic,
        partition=first.partition,
        offset=first.offset,
        retry_in_s=round(retry_in_s, 2),
        exc_info=error,
    )
