"""Decoding raw Kafka bytes into typed events; what cannot be decoded is permanent."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from shared.contracts import EVENT_TYPES
from shared.contracts.common import error_message
from shared.envelope import Envelope
from shared.platform.errors import PermanentMessageError


@dataclass(frozen=True)
class Inbound:
    """A decoded message: its inbox id, type, correlation and typed payload."""

    message_id: str
    event_type: str
    correlation_id: str
    payload: BaseModel
    envelope: Envelope | None = None

    @property
    def actor(self) -> str | None:
        return self.envelope.actor if self.envelope else None


Decoder = Callable[[bytes | None], Inbound | None]


@dataclass(frozen=True)
class SubmittedTopic:
    """What a topic written by another system carries, and the id it is keyed by."""

    events: frozenset[str]
    key: str


def _check_subject(envelope: Envelope, payload: BaseModel, key: str) -> None:
    expected = getattr(payload, key, None)
    if expected is not None and envelope.subject != str(expected):
        raise PermanentMessageError(
            f"subject {envelope.subject!r} differs from the payload's {key}"
            f" {str(expected)!r}; events are keyed by {key} so they stay in order",
            error_class="SubjectMismatch",
            event_type=envelope.event_type,
        )


def parse_json(raw: bytes | None) -> object:
    if raw is None:
        raise PermanentMessageError("message has no value", error_class="EmptyMessage")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PermanentMessageError(
            f"message is not UTF-8: {error}", error_class="NotUtf8"
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PermanentMessageError(
            f"message is not JSON: {error}", error_class="NotJson"
        ) from error
    except RecursionError as error:
        raise PermanentMessageError(
            "message is JSON nested too deeply to read", error_class="NotJson"
        ) from error
    except ValueError as error:
        # Python refuses to read integers of more than 4,300 digits.
        raise PermanentMessageError(
            "message holds a number too long to read (over 4,300 digits)",
            error_class="NotJson",
        ) from error


def schema_error(
    error: ValidationError, what: str, *, event_type: str | None = None
) -> PermanentMessageError:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or '(root)'}:"
        f" {error_message(item)}"
        for item in error.errors()[:10]
    )
    return PermanentMessageError(
        f"{what} violates its schema: {problems}",
        error_class="SchemaViolation",
        event_type=event_type,
    )


def envelope_decoder(
    handled: Collection[str], *, submitted: SubmittedTopic | None = None
) -> Decoder:
    """Decode enveloped events; types this consumer does not handle are skipped.

    On a topic others submit to (``submitted``), a type the topic does not carry
    is refused rather than skipped, so a misspelt submission is not lost
    silently, and the subject must be the id the topic is keyed by.
    """
    handled = frozenset(handled)

    def decode(raw: bytes | None) -> Inbound | None:
        document = parse_json(raw)
        try:
            envelope = Envelope.model_validate(document)
        except ValidationError as error:
            raise schema_error(error, "event envelope") from error
        if envelope.event_type not in handled:
            if submitted is not None and envelope.event_type not in submitted.events:
                raise PermanentMessageError(
                    f"unknown event type {envelope.event_type!r}; this topic carries"
                    f" {', '.join(sorted(submitted.events))}",
                    error_class="UnknownEventType",
                )
            return None
        model = EVENT_TYPES[envelope.event_type]
        supported = getattr(model, "event_version", 1)
        if envelope.event_version > supported:
            raise PermanentMessageError(
                f"{envelope.event_type} version {envelope.event_version} is newer than"
                f" the supported version {supported}",
                error_class="UnsupportedVersion",
                event_type=envelope.event_type,
            )
        try:
            payload = model.model_validate(envelope.payload)
        except ValidationError as error:
            raise schema_error(
                error, f"{envelope.event_type} payload", event_type=envelope.event_type
            ) from error
        if submitted is not None:
            _check_subject(envelope, payload, submitted.key)
        return Inbound(
            message_id=str(envelope.event_id),
            event_type=envelope.event_type,
            correlation_id=str(envelope.correlation_id),
            payload=payload,
            envelope=envelope,
        )

    return decode
