"""The demo uses a running stack, or starts one for itself and stops it after."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console

from micromentor.config import StackConfig
from micromentor.console import notice_printer, service_log_writer
from micromentor.health import is_ready
from micromentor.stack import Stack
from micromentor.stack_file import StackInfo, pid_alive
from micromentor.up import refuse_second_stack

UP_OUTPUT = "the output of `micromentor up`"


class StackGone(RuntimeError):
    """The stack the demo uses stopped underneath it."""


@dataclass
class StackHandle:
    info: StackInfo
    started_here: bool
    logs: str
    failure: asyncio.Future | None = None
    stack_file: Path | None = None

    def check_alive(self) -> None:
        """Raise StackGone when a stack started elsewhere has stopped or lost a part."""
        if self.started_here or self.stack_file is None:
            return
        current = StackInfo.read(self.stack_file)
        if current is None:
            raise StackGone(
                f"the stack from {self.info.data_dir} has stopped (its stack.json is"
                f" gone); see {self.logs}"
            )
        for part, label in (
            ("supervisor", "supervisor"),
            ("broker", "Kafka broker"),
            ("postgres", "PostgreSQL"),
        ):
            pid = current.pids.get(part)
            if not pid_alive(pid):
                raise StackGone(
                    f"the stack from {self.info.data_dir} has lost its {label}"
                    f" (pid {pid} is gone); see {self.logs}"
                )


async def running_stack(config: StackConfig) -> StackInfo | None:
    """The stack described by stack.json, if its supervisor lives and all are ready."""
    info = StackInfo.read(config.stack_file)
    if info is None or not info.supervisor_alive():
        return None
    async with httpx.AsyncClient(trust_env=False) as client:
        for service in info.http_ports:
            if not await is_ready(client, info.service_url(service)):
                return None
    return info


@contextlib.asynccontextmanager
async def demo_stack(
    config: StackConfig, console: Console, stop: asyncio.Event
) -> AsyncIterator[StackHandle]:
    """Yield a ready stack; one started here is stopped on the way out."""
    info = await running_stack(config)
    if info is not None:
        console.print(f"Using the running stack from {info.data_dir}.")
        yield StackHandle(
            info, started_here=False, logs=UP_OUTPUT, stack_file=config.stack_file
        )
        return
    refuse_second_stack(config)
    console.print(
        f"No running stack in {config.data_dir}; starting one (service logs in"
        f" {config.log_dir})."
    )
    stack = Stack(
        config,
        output=service_log_writer(config.log_dir),
        notice=notice_printer(console),
    )
    stack.check_ports()
    try:
        info = await stack.start(stop)
        console.print(f"Stack ready in {stack.startup_s:.1f} s.")
        watcher = stack.watch(stop)
        try:
            yield StackHandle(
                info,
                started_here=True,
                logs=f"the service logs in {config.log_dir}",
                failure=watcher,
            )
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    finally:
        await stack.stop()
