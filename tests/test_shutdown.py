"""A service finishes stopping even when a task ignores its first cancellation."""

from __future__ import annotations

import asyncio

from shared.platform.polling import poll_forever
from shared.platform.tasks import cancel_and_wait, finish_within


async def test_a_task_that_swallows_a_cancellation_is_cancelled_again():
    swallowed = 0

    async def stubborn_loop() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                # What asyncio.wait_for on Python 3.11 can do when the awaited
                # call finishes at the moment of cancellation.
                if swallowed == 0:
                    swallowed += 1
                    continue
                raise

    task = asyncio.create_task(stubborn_loop(), name="stubborn")
    await asyncio.sleep(0)

    still_running = await cancel_and_wait([task], within_s=30, recancel_every_s=0.05)

    assert still_running == set()
    assert task.cancelled()
    assert swallowed == 1


async def test_a_task_that_never_stops_is_reported_not_waited_for_forever():
    deaf = True

    async def deaf_loop() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if deaf:
                    continue
                raise

    task = asyncio.create_task(deaf_loop(), name="deaf")
    await asyncio.sleep(0)

    still_running = await cancel_and_wait([task], within_s=0.3, recancel_every_s=0.05)

    assert [t.get_name() for t in still_running] == ["deaf"]
    deaf = False
    assert await cancel_and_wait([task], within_s=30) == set()


async def test_a_stuck_shutdown_step_is_abandoned_after_its_deadline():
    finished = await finish_within(asyncio.sleep(3600), seconds=0.1, what="stuck")

    assert finished is False


async def test_a_poller_finishes_the_step_in_hand_and_then_stops():

    stopping = asyncio.Event()
    in_step = asyncio.Event()
    finished: list[int] = []

    async def step() -> int:
        in_step.set()
        await asyncio.sleep(0.05)  # a letter being handed to the SMTP server
        finished.append(len(finished))
        return 1

    poller = asyncio.create_task(
        poll_forever(
            step,
            task="test",
            interval_s=3600,
            batch_size=1,
            initial_backoff_s=1,
            max_backoff_s=1,
            stopping=stopping,
        )
    )
    await in_step.wait()
    stopping.set()

    await asyncio.wait_for(poller, 10)
    assert finished  # the step under way was completed, not cut off
