"""Keeping aiokafka's per-attempt connection errors off the demo's console."""

from __future__ import annotations

import logging

CONNECTION_ERRORS = (
    "Unable connect to",
    "Unable to request metadata",
    "Unable to update metadata",
)


class ConnectionErrorFilter(logging.Filter):
    """Drops reconnect chatter and counts it; the demo reports a dead stack itself."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith(CONNECTION_ERRORS):
            self.dropped += 1
            return False
        return True


def quiet_kafka_connection_errors() -> ConnectionErrorFilter:
    """aiokafka at ERROR, minus connection errors, on stderr; returns the filter."""
    kafka = logging.getLogger("aiokafka")
    kafka.setLevel(logging.ERROR)
    # Filters on a logger do not see records of its child loggers
    # (aiokafka.client, aiokafka.conn...); a filter on a handler does.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    connection_errors = ConnectionErrorFilter()
    handler.addFilter(connection_errors)
    kafka.addHandler(handler)
    kafka.propagate = False
    return connection_errors
