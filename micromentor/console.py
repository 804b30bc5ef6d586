"""Rich output shared by the commands: service prefixes and notices."""

from __future__ import annotations

import os

from rich.console import Console
from rich.text import Text

SERVICE_COLOURS = {
    "profiles": "cyan",
    "matching": "magenta",
    "scheduling": "green",
    "notifications": "yellow",
}


UNWRAPPED_WIDTH = 200
"""Columns for output that goes to a file or a pipe."""


def make_console(*, stderr: bool = False) -> Console:
    """A console sized and coloured for wherever output goes right now.

    Output that goes to a file or a pipe is not cut to 80 columns (unless
    ``COLUMNS`` says so): a wrapped address or path could not be copied from
    there.
    """
    console = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = max(console.width, UNWRAPPED_WIDTH)
    return console


def service_line_printer(console: Console):
    """Print a service's output line behind a coloured ``[name]`` prefix."""

    def print_line(service: str, line: str) -> None:
        prefix = Text(f"[{service}] ", style=SERVICE_COLOURS.get(service, "blue"))
        console.print(prefix + Text(line), soft_wrap=True)

    return print_line


def service_log_writer(folder):
    """Append a service's output to ``<folder>/<service>.log`` instead of the screen."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}

    def write_line(service: str, line: str) -> None:
        if service not in files:
            files[service] = (folder / f"{service}.log").open("a", buffering=1)
        files[service].write(line + "\n")

    return write_line


def notice_printer(console: Console):
    def notice(message: str) -> None:
        console.print(Text("[stack] ", style="bold blue") + Text(message))

    return notice
