"""Closing Kafka clients on the way out, even when the broker is already gone."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable

from aiokafka.errors import KafkaError


async def close_quietly(closing: Awaitable[None]) -> None:
    """Await a client's ``stop()``/``close()``; a failure to close is not news.

    When the broker has gone, aiokafka can let the cancellation of its own
    fetch task escape ``stop()``. That must not replace the error that says
    what happened, so it is absorbed, unless this task is itself being
    cancelled (Ctrl-C), which still propagates.
    """
    try:
        with contextlib.suppress(KafkaError, OSError):
            await closing
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise
