"""Applying many messages of one topic in one transaction, for bulk feeds."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from aiokafka import ConsumerRecord

from shared.platform.consumer import MessageProcessor
from shared.platform.db import UnitOfWork
from shared.platform.errors import FailureKind, PermanentMessageError, classify
from shared.platform.inbound import Inbound
from shared.platform.metrics import (
    EVENTS_CONSUMED,
    HANDLER_LATENCY,
    HANDLER_RETRIES,
    observe_many,
)

log = structlog.get_logger(__name__)


@dataclass
class BatchOutcome:
    """What a batch handler did with the messages it was given."""

    refused: dict[str, PermanentMessageError] = field(default_factory=dict)
    """Message ids it refused, with why; they are dead-lettered."""
    superseded: set[str] = field(default_factory=set)
    """Message ids it left alone because what they say is already stored."""


BatchHandler = Callable[[UnitOfWork, list[Inbound]], Awaitable[BatchOutcome]]
"""Applies a batch of messages in the unit of work and says what it did."""

_REMEMBER = (
    "INSERT INTO inbox (consumer, message_id, event_type)"
    " SELECT $1, id, kind FROM unnest($2::text[], $3::text[])"
    " AS m(id, kind) ON CONFLICT DO NOTHING RETURNING message_id"
)


class BatchApplier:
    """One transaction per batch, still idempotent per message.

    By default every message id goes through the inbox first, and only new ones
    reach the handler. A handler that recognises a redelivered message by what
    it stores (``handler_deduplicates``: a record version no newer than the
    stored one changes nothing) is given every message it has not refused
    before: the inbox keeps only the ids it refused, so a redelivered or
    replayed refusal is neither judged nor dead-lettered again. Refused
    messages are dead-lettered before the commit, so a crash can only
    dead-letter one twice, never lose it. When a batch fails for a reason other
    than an outage, its messages are applied one at a time instead, so one bad
    message cannot hold the others back.
    """

    def __init__(
        self,
        processor: MessageProcessor,
        apply_batch: BatchHandler,
        *,
        handler_deduplicates: bool = False,
    ) -> None:
        self._processor = processor
        self._apply_batch = apply_batch
        self._handler_deduplicates = handler_deduplicates

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
                    # A handler that declines a batch (PERMANENT) says why it
                    # needs the slow path; anything else is worth a warning.
                    report = log.info if kind is FailureKind.PERMANENT else log.warning
                    report(
                        "batch_applied_one_by_one",
                        reason=str(error)[:500],
                        error_class=type(error).__name__,
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
            observe_many(HANDLER_LATENCY.labels(service, event_type), elapsed, count)

    async def _apply(
        self, decoded: list[tuple[ConsumerRecord, Inbound]], attempt: int
    ) -> list[tuple[str, str]]:
        outcomes: list[tuple[str, str]] = []
        async with self._processor.db.unit_of_work() as uow:
            if self._handler_deduplicates:
                # The inbox holds only refusals: one refused before stays refused,
                # whatever has changed since (a replay judges nothing again).
                refused_before = await self._known(uow, [m for _, m in decoded])
                fresh = []
                for record, inbound in decoded:
                    if inbound.message_id in refused_before:
                        outcomes.append((inbound.event_type, "duplicate"))
                    else:
                        fresh.append((record, inbound))
            else:
                fresh = []
                new_ids = await self._remember(uow, [m for _, m in decoded])
                for record, inbound in decoded:
                    if inbound.message_id in new_ids:
                        new_ids.discard(inbound.message_id)
                        fresh.append((record, inbound))
                    else:
                        outcomes.append((inbound.event_type, "duplicate"))
            done = await self._apply_batch(uow, [inbound for _, inbound in fresh])
            refused_first_time = set(done.refused)
            if self._handler_deduplicates and done.refused:
                refused_first_time = await self._remember(
                    uow, [m for _, m in fresh if m.message_id in done.refused]
                )
            for record, inbound in fresh:
                error = done.refused.get(inbound.message_id)
                if error is None:
                    outcome = (
                        "ignored"
                        if inbound.message_id in done.superseded
                        else "applied"
                    )
                    outcomes.append((inbound.event_type, outcome))
                elif inbound.message_id not in refused_first_time:
                    outcomes.append((inbound.event_type, "duplicate"))
                else:
                    refused_first_time.discard(inbound.message_id)
                    await self._processor.dead_letter(
                        record, error, attempts=attempt, event_type=inbound.event_type
                    )
                    outcomes.append((inbound.event_type, "dead_lettered"))
        return outcomes

    async def _known(self, uow: UnitOfWork, messages: list[Inbound]) -> set[str]:
        """The ids among ``messages`` that the inbox already holds."""
        rows = await uow.conn.fetch(
            "SELECT message_id FROM inbox WHERE consumer = $1"
            " AND message_id = ANY($2::text[])",
            self._processor.consumer,
            [inbound.message_id for inbound in messages],
        )
        return {row["message_id"] for row in rows}

    async def _remember(self, uow: UnitOfWork, messages: list[Inbound]) -> set[str]:
        """Record message ids in the inbox; returns those not there before."""
        rows = await uow.conn.fetch(
            _REMEMBER,
            self._processor.consumer,
            [inbound.message_id for inbound in messages],
            [inbound.event_type for inbound in messages],
        )
        return {row["message_id"] for row in rows}
