"""The headers a consumer adds when it moves a message to a dead-letter topic."""

from __future__ import annotations

DLQ_HEADERS: tuple[tuple[str, str], ...] = (
    ("dlq.source.topic", "Topic the message was read from."),
    ("dlq.source.partition", "Partition it was read from."),
    ("dlq.source.offset", "Its offset in that partition."),
    ("dlq.consumer", "Consumer that gave up on it: `<service>:<topic>`."),
    (
        "dlq.error.class",
        "Machine-readable cause: `NotJson`, `NotUtf8`, `EmptyMessage`,"
        " `SchemaViolation`, `UnsupportedVersion`, a service-specific class, or"
        " the exception type after repeated unexpected errors.",
    ),
    ("dlq.error.message", "Human explanation, at most 2000 characters."),
    ("dlq.attempts", "How many times the consumer tried."),
    ("dlq.failed.at", "When it gave up (ISO 8601, UTC)."),
)
