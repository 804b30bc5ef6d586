"""Stopping background tasks so that a service always finishes shutting down."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection

import structlog

log = structlog.get_logger(__name__)


async def cancel_and_wait(
    tasks: Collection[asyncio.Task], *, within_s: float, recancel_every_s: float = 0.5
) -> set[asyncio.Task]:
    """Cancel ``tasks`` and wait until they end; returns those still running.

    A cancellation can be lost: on Python 3.11, ``asyncio.wait_for`` (used by
    asyncpg, aiokafka and aiosmtplib) returns its result instead of raising when
    the awaited call finishes at the moment of cancellation, so a loop around
    it carries on. Cancelling again until the task ends, within a deadline,
    makes shutdown certain; a task that still runs is reported by name.
    """
    pending = {task for task in tasks if not task.done()}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while pending:
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        for task in pending:
            task.cancel()
        _done, pending = await asyncio.wait(
            pending, timeout=min(recancel_every_s, remaining)
        )
    for task in tasks:
        if task.done() and not task.cancelled():
            task.exception()  # retrieved here, so asyncio does not warn later
    if pending:
        log.warning(
            "tasks_did_not_stop",
            tasks=sorted(task.get_name() for task in pending),
            waited_s=within_s,
        )
    return pending


async def finish_within(step: Awaitable[None], *, seconds: float, what: str) -> bool:
    """Await one shutdown ``step``; give up after ``seconds`` and say so."""
    try:
        async with asyncio.timeout(seconds):
            await step
    except TimeoutError:
        log.warning("shutdown_step_timed_out", step=what, waited_s=seconds)
        return False
    except Exception as error:
        log.warning(
            "shutdown_step_failed",
            step=what,
            error_class=type(error).__name__,
            error=str(error)[:500],
        )
        return False
    return True
