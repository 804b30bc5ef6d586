"""``micromentor status``: what stack.json says, checked against reality."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from rich.console import Console
from rich.table import Table

from micromentor.config import StackConfig
from micromentor.health import is_ready
from micromentor.stack_file import StackInfo, pid_alive


async def show_status(config: StackConfig, console: Console) -> int:
    """0 when the stack runs and every service is ready, 1 otherwise."""
    info = StackInfo.read(config.stack_file)
    if info is None:
        console.print(f"No stack is running from {config.data_dir} (no stack.json).")
        return 1
    if not info.supervisor_alive():
        if advice := info.left_running_advice():
            console.print(
                f"stack.json in {config.data_dir} is stale: {advice}", soft_wrap=True
            )
            return 1
        console.print(
            f"stack.json in {config.data_dir} is stale: its supervisor (pid"
            f" {info.pids.get('supervisor')}) is gone."
        )
        return 1
    table = Table(title=f"micromentor stack, started {info.started_at}")
    table.add_column("part")
    table.add_column("pid", justify="right")
    table.add_column("address", overflow="fold")
    table.add_column("state")
    all_ready = True
    for part, address in (
        ("broker", info.bootstrap_servers),
        ("postgres", info.database_url),
    ):
        running = pid_alive(info.pids.get(part))
        all_ready &= running
        table.add_row(part, str(info.pids.get(part)), address, _state(running))
    smtp_up = await _greets("127.0.0.1", info.ports["smtp"])
    all_ready &= smtp_up
    table.add_row(
        "smtp",
        str(info.pids["supervisor"]),
        f"127.0.0.1:{info.ports['smtp']}",
        _state(smtp_up),
    )
    async with httpx.AsyncClient(trust_env=False) as client:
        for service in info.http_ports:
            ready = await is_ready(client, info.service_url(service))
            all_ready &= ready
            table.add_row(
                service,
                str(info.pids.get(service)),
                info.service_url(service),
                "[green]ready[/]" if ready else "[red]not ready[/]",
            )
    console.print(table)
    console.print(f"e-mails: {info.mail_dir}")
    return 0 if all_ready else 1


def _state(running: bool) -> str:
    return "[green]running[/]" if running else "[red]gone[/]"


async def _greets(host: str, port: int) -> bool:
    """Whether an SMTP server at ``host:port`` sends its 220 greeting within 2 s."""
    try:
        async with asyncio.timeout(2):
            reader, writer = await asyncio.open_connection(host, port)
            try:
                greeting = await reader.readline()
                writer.write(b"QUIT\r\n")
                await writer.drain()
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
    except (OSError, TimeoutError):
        return False
    return greeting.startswith(b"220")
