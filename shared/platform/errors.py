"""How a failure is treated: retried forever, retried a few times, or dead-lettered."""

from __future__ import annotations

import asyncio
from enum import Enum

import asyncpg
from aiokafka import errors as kafka_errors


class PermanentMessageError(Exception):
    """The message can never be processed (not JSON, schema violation)."""

    def __init__(
        self,
        reason: str,
        *,
        error_class: str | None = None,
        event_type: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error_class = error_class or type(self).__name__
        # Named only for types the consumer knows, so metric labels stay bounded.
        self.event_type = event_type or "unknown"


class ConcurrentChange(Exception):
    """Another transaction committed what this one was about to write.

    Applying the message again sees that change and decides accordingly, so
    one retry settles a true race. It is retried a few times, like an
    unexpected failure, not forever like an outage: if it keeps happening, the
    check and the database disagree, and the message is dead-lettered with
    this reason rather than holding up everything behind it.
    """


class FailureKind(Enum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNEXPECTED = "unexpected"


_TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57", "58")
_DATA_EXCEPTION_CLASS = "22"


def classify(error: BaseException) -> FailureKind:
    """Outages are transient; bad messages permanent; anything else unexpected."""
    if isinstance(error, PermanentMessageError):
        return FailureKind.PERMANENT
    if isinstance(error, ConcurrentChange):
        return FailureKind.UNEXPECTED
    if isinstance(error, asyncpg.exceptions.DataError):
        # A value PostgreSQL cannot hold (out of range, bad encoding): retrying
        # the same message can never succeed.
        return FailureKind.PERMANENT
    if isinstance(error, asyncpg.PostgresError):
        sqlstate = getattr(error, "sqlstate", "") or ""
        if sqlstate.startswith(_TRANSIENT_SQLSTATE_CLASSES):
            return FailureKind.TRANSIENT
        if sqlstate.startswith(_DATA_EXCEPTION_CLASS):
            return FailureKind.PERMANENT
        return FailureKind.UNEXPECTED
    if isinstance(
        error,
        (
            asyncpg.InterfaceError,
            asyncpg.exceptions.ConnectionDoesNotExistError,
            OSError,
            ConnectionError,
            asyncio.TimeoutError,
            TimeoutError,
        ),
    ):
        return FailureKind.TRANSIENT
    if isinstance(error, kafka_errors.KafkaError):
        if getattr(error, "retriable", False) or isinstance(
            error,
            (kafka_errors.KafkaConnectionError, kafka_errors.KafkaTimeoutError),
        ):
            return FailureKind.TRANSIENT
    return FailureKind.UNEXPECTED


def backoff_delay(attempt: int, *, initial: float, maximum: float) -> float:
    """Exponential backoff capped at ``maximum``; ``attempt`` starts at 1.

    Retries of an outage are counted without end; past 64 doublings every
    delay is the maximum anyway, and ``2 ** attempt`` would no longer fit in a
    float (after about 1,000 failures, some eight hours at 30 s apart).
    """
    return min(maximum, initial * 2.0 ** min(attempt - 1, 64))
