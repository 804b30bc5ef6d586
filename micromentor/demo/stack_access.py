"""The demo uses a running stack, or starts one for itself and stops it after."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from rich.console import Console

from micromentor.config import StackConfig
from micromentor.console import notice_printer, service_log_writer
from micromentor.health import is_ready
from micromentor.stack import Stack
from micromentor.stack_file import StackInfo


@dataclass
class StackHandle:
    info: StackInfo
    started_here: bool
    failure: asyncio.Future | None = None


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
        yield StackHandle(info, started_here=False)
        return
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
            yield StackHandle(info, started_here=True, failure=watcher)
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    finally:
        await stack.stop()
