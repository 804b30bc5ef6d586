"""Running a due-work poller forever, backing off while the database is away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

from shared.platform.errors import backoff_delay
from shared.platform.metrics import POLL_FAILURES

log = structlog.get_logger(__name__)


async def poll_forever(
    step: Callable[[], Awaitable[int]],
    *,
    task: str,
    interval_s: float,
    batch_size: int,
    initial_backoff_s: float,
    max_backoff_s: float,
    stopping: asyncio.Event | None = None,
) -> None:
    """Call ``step`` (which returns how much it did) until ``stopping`` is set.

    A full batch means more work may be due, so the next step runs at once;
    otherwise the poller rests for ``interval_s``. The due work itself is rows
    in the database, so nothing is lost when the process stops while resting;
    a step under way is finished first, so its effect is not cut in half.
    """
    stopping = stopping or asyncio.Event()
    failures = 0
    while not stopping.is_set():
        try:
            done = await step()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failures += 1
            POLL_FAILURES.labels(task).inc()
            delay = backoff_delay(
                failures, initial=initial_backoff_s, maximum=max_backoff_s
            )
            log.warning(
                "poll_failed_will_retry",
                task=task,
                error_class=type(error).__name__,
                error=str(error)[:500],
                attempt=failures,
                retry_in_s=round(delay, 2),
            )
            await _rest(delay, stopping)
            continue
        if failures:
            log.info("poll_recovered", task=task, failed_attempts=failures)
            failures = 0
        if done < batch_size:
            await _rest(interval_s, stopping)


async def _rest(seconds: float, stopping: asyncio.Event) -> None:
    """Sleep ``seconds``, or less if the service starts stopping."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stopping.wait()
