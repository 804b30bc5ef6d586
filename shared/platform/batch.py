"""Applying many messages of one topic in one transaction, for bulk feeds."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable

import structlog
from aiokafka import ConsumerRecord

from shared.platform.consumer import MessageProcessor
from shared.platform.db import UnitOfWork
from shared.platform.errors import FailureKind, PermanentMessageError, classify
from shared.platform.inbound import Inbound
from shared.platform.metrics import EVENTS_CONSUMED, HANDLER_LATENCY, HANDLER_RETRIES

log = structlog.get_logger(__name__)

BatchHandler = Callable[
    [UnitOfWork, list[Inbound]], Awaitable[dict[str, PermanentMessageError]]
]
"""Applies new messages; returns the ones it refused, by message id, with why."""


class BatchApplier:
    """One transaction per batch, still idempotent per message through the inbox.

    Refused messages are dead-lettered before the commit, so a crash can only
    dead-letter one twice, never lose it. When a batch fails for a reason other
    than an outage, its messages are applied one at a time instead, so one bad
    message cannot hold the others back.
    """

    def __init__(self, processor: MessageProcessor, apply_batch: BatchHandler) -> None:
        self._processor = processor
        self._apply_batch = apply_batch

    async def process(self, records: list[ConsumerRecord]) -> None:
        started = asyncio.get_running_loop().time()
        decoded: list[tuple[ConsumerRecord, Inbound]] = []
        for record in records:
            try:
                inbound = self._processor.decode_or_refuse(record.value)
            except PermanentMessageError as error:
                await self._processor.dead_letter(
                    record, error, attempts=1, event_type=error.event_type
                )
                continue
            if inbound is not None:
                decoded.append((record, inbound))
        if not decoded:
            return
        topic = records[0].topic
        attempt = 0
        while True:
            attempt += 1
            try:
                applied = await self._apply(decoded, attempt)
                break
            except asyncio.CancelledError:
                raise
            except Exception as error:
                kind = classify(error)
                if kind is not FailureKind.TRANSIENT and (
                    attempt >= self._processor.retry.unexpected_attempts
                    or kind is FailureKind.PERMANENT
                ):
                    log.warning(
                        "batch_failed_applying_one_by_one",
                        error_class=type(error).__name__,
                        error=str(error)[:500],
                        size=len(decoded),
                    )
                    for record, _inbound in decoded:
                        await self._processor.process(record)
                    return
                delay = self._processor.retry.delay(attempt)
                HANDLER_RETRIES.labels(self._processor.service, topic, kind.value).inc()
                log.warning(
                    "batch_failed_will_retry",
                    failure=kind.value,
                    error_class=type(error).__name__,
                    error=str(error)[:500],
                    attempt=attempt,
                    retry_in_s=round(delay, 2),
                    size=len(decoded),
                )
                await asyncio.sleep(delay)
        service = self._processor.service
        # Counted per kind, not per message: a bulk batch holds a thousand alike.
        for (event_type, outcome), count in Counter(applied).items():
            EVENTS_CONSUMED.labels(service, topic, event_type, outcome).inc(count)
        elapsed = asyncio.get_running_loop().time() - started
        for event_type, count in Counter(kind for kind, _ in applied).items():
            latency = HANDLER_LATENCY.labels(service, event_type)
            for _ in range(count):
                latency.observe(elapsed)

    async def _apply(
        self, decoded: list[tuple[ConsumerRecord, Inbound]], attempt: int
    ) -> list[tuple[str, str]]:
        outcomes: list[tuple[str, str]] = []
        async with self._processor.db.unit_of_work() as uow:
            fresh_ids = {
                row["message_id"]
                for row in await uow.conn.fetch(
                    "INSERT INTO inbox (consumer, message_id, event_type)"
                    " SELECT $1, id, kind FROM unnest($2::text[], $3::text[])"
                    " AS m(id, kind) ON CONFLICT DO NOTHING RETURNING message_id",
                    self._processor.consumer,
                    [inbound.message_id for _, inbound in decoded],
                    [inbound.event_type for _, inbound in decoded],
                )
            }
            fresh: list[tuple[ConsumerRecord, Inbound]] = []
            for record, inbound in decoded:
                if inbound.message_id in fresh_ids:
                    fresh_ids.discard(inbound.message_id)
                    fresh.append((record, inbound))
                else:
                    outcomes.append((inbound.event_type, "duplicate"))
            refused = await self._apply_batch(uow, [inbound for _, inbound in fresh])
            for record, inbound in fresh:
                error = refused.get(inbound.message_id)
                if error is None:
                    outcomes.append((inbound.event_type, "applied"))
                    continue
                await self._processor.dead_letter(
                    record, error, attempts=attempt, event_type=inbound.event_type
                )
                outcomes.append((inbound.event_type, "dead_lettered"))
        return outcomes
