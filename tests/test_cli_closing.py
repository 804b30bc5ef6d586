"""Closing a Kafka client never hides what went wrong, nor swallows Ctrl-C."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka.errors import KafkaConnectionError

from micromentor.closing import close_quietly


async def _raises(error: BaseException) -> None:
    raise error


async def test_a_stray_cancellation_or_kafka_error_while_closing_is_absorbed():
    await close_quietly(_raises(asyncio.CancelledError()))
    await close_quietly(_raises(KafkaConnectionError("broker gone")))


async def test_cancelling_the_task_that_closes_still_cancels_it():
    started = asyncio.Event()

    async def slow_stop() -> None:
        started.set()
        await asyncio.sleep(3600)

    task = asyncio.create_task(close_quietly(slow_stop()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_other_errors_while_closing_are_not_hidden():
    with pytest.raises(ValueError):
        await close_quietly(_raises(ValueError("a bug")))
