"""``micromentor up``: run the stack in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from micromentor.config import StackConfig
from micromentor.console import notice_printer, service_line_printer
from micromentor.stack import Stack, StackPartExited, StartInterrupted
from micromentor.stack_file import StackInfo


class StackAlreadyRunning(RuntimeError):
    pass


def install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)


def refuse_second_stack(config: StackConfig) -> None:
    """A data directory serves one stack at a time."""
    info = StackInfo.read(config.stack_file)
    if info is not None and info.supervisor_alive():
        raise StackAlreadyRunning(
            f"a stack is already running from {config.data_dir} (supervisor pid"
            f" {info.pids['supervisor']}); stop it first or use another --data-dir."
        )
    if info is not None and (advice := info.left_running_advice()):
        raise StackAlreadyRunning(
            f"an earlier stack from {config.data_dir} did not stop: {advice}"
        )


async def run_up(config: StackConfig, console: Console) -> int:
    """Start the stack, serve until told to stop, stop it; the process exit code."""
    refuse_second_stack(config)
    stop = asyncio.Event()
    install_stop_signals(stop)
    notice = notice_printer(console)
    stack = Stack(config, output=service_line_printer(console), notice=notice)
    stack.check_ports()
    try:
        info = await stack.start(stop)
        console.print(ready_banner(info, stack.startup_s or 0.0))
        await stack.run_until(stop)
        return 0
    except StartInterrupted:
        notice("interrupted while starting; stopping what was started")
        return 130
    except StackPartExited as exited:
        # Marked like every other line of the supervisor's, to be found by grep.
        notice(f"{exited}; stopping the rest of the stack")
        return 1
    finally:
        await stack.stop()


def ready_banner(info: StackInfo, startup_s: float) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Kafka", f"{info.bootstrap_servers} (in-memory)")
    grid.add_row("PostgreSQL", info.database_url)
    grid.add_row("SMTP", f"127.0.0.1:{info.ports['smtp']} → {info.mail_dir}")
    for service, port in info.http_ports.items():
        grid.add_row(service, f"http://127.0.0.1:{port}  (/health/ready, /v1/summary)")
    grid.add_row("stack file", f"{info.data_dir}/stack.json")
    return Panel(
        grid,
        title=f"micromentor is ready in {startup_s:.1f} s",
        subtitle="Ctrl-C stops everything",
        border_style="green",
    )
