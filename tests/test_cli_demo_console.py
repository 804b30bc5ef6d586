"""The demo's console keeps aiokafka's real errors and drops reconnect chatter."""

from __future__ import annotations

import logging

from micromentor.demo.quiet_kafka import ConnectionErrorFilter


def record(name: str, level: int, message: str, *args) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_connection_errors_are_dropped_and_counted_but_other_errors_kept():
    connection_errors = ConnectionErrorFilter()
    unable = record(
        "aiokafka.client",
        logging.ERROR,
        "Unable connect to node with id %s: %s",
        1,
        "x",
    )
    real = record("aiokafka.consumer", logging.ERROR, "Commit failed: %s", "fenced")

    assert connection_errors.filter(unable) is False
    assert connection_errors.filter(real) is True
    assert connection_errors.dropped == 1
