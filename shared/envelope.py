"""The one envelope every micromentor event travels in (JSON in the message body)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator


class Envelope(BaseModel):
    """Metadata shared by every event; ``payload`` holds the typed body.

    ``subject`` is the id of the aggregate the event is about and is also the
    Kafka message key, so all events about one aggregate stay in order.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: uuid.UUID
    event_type: str = Field(min_length=1, max_length=100)
    event_version: int = Field(default=1, ge=1)
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=100)
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    subject: str = Field(min_length=1, max_length=200)
    actor: str | None = Field(
        default=None,
        max_length=64,
        description="Employee id of the faculty member who acted, when one did.",
    )
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    def key_bytes(self) -> bytes:
        return self.subject.encode()


def new_event(
    payload: BaseModel,
    *,
    subject: str,
    producer: str,
    cause: Envelope | None = None,
    correlation_id: uuid.UUID | None = None,
    actor: str | None = None,
) -> Envelope:
    """Wrap ``payload`` in a fresh envelope, inheriting correlation from ``cause``."""
    if correlation_id is None:
        correlation_id = cause.correlation_id if cause else uuid.uuid4()
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=type(payload).__name__,
        event_version=getattr(type(payload), "event_version", 1),
        occurred_at=datetime.now(UTC),
        producer=producer,
        correlation_id=correlation_id,
        causation_id=cause.event_id if cause else None,
        subject=subject,
        actor=actor,
        payload=payload.model_dump(mode="json"),
    )


def envelope_json_sql(
    event_class: type[BaseModel],
    *,
    row: str,
    event_id: str,
    subject: str,
    producer: str,
    correlation_id: str,
) -> str:
    """A SQL expression for the JSON text of a fresh envelope around ``row``'s columns.

    For bulk writes, where an event's payload is exactly one stored row: the
    database builds the events beside the rows it writes, instead of the
    service building them one by one. Each payload field is read from the
    column of the same name; the other arguments are SQL expressions, and
    ``event_id`` and ``correlation_id`` must be uuids. The event has no cause
    and no actor, and its payload is not validated: use it for text, number,
    date and uuid columns whose values were validated on the way in, where it
    reads like ``Envelope.to_bytes()`` of the same event (tests compare the two).

    The envelope is joined as text around ``row_to_json`` of the payload:
    ``json_build_object`` looks up how to write each argument's type on every
    call, which costs twice as much for a thousand rows.
    """
    columns = ", ".join(f"{row}.{name}" for name in event_class.model_fields)
    version = getattr(event_class, "event_version", 1)
    occurred_at = (
        "to_char(clock_timestamp() AT TIME ZONE 'UTC', "
        """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    )
    return (
        f"""'{{"event_id":"' || {event_id}::text"""
        f""" || '","event_type":"{event_class.__name__}","event_version":{version}"""
        f""","occurred_at":"' || {occurred_at}"""
        f""" || '","producer":' || to_json({producer}::text)"""
        f""" || ',"correlation_id":"' || {correlation_id}::text"""
        f""" || '","causation_id":null,"subject":' || to_json({subject}::text)"""
        f""" || ',"actor":null,"payload":'"""
        f" || row_to_json((SELECT payload FROM (SELECT {columns}) AS payload))"
        " || '}'"
    )
