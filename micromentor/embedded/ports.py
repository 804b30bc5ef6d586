"""Checking ports before starting anything, with a message a person can act on."""

from __future__ import annotations

import random
import socket
from pathlib import Path


class PortInUseError(RuntimeError):
    def __init__(self, port: int, what: str, option: str) -> None:
        super().__init__(
            f"port {port} ({what}) is already in use on 127.0.0.1. Stop whatever is"
            f" using it, or pick another port with {option}."
        )
        self.port = port


def ensure_free(port: int, what: str, option: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise PortInUseError(port, what, option) from error


_LOWEST_CHOSEN_PORT = 10_000


def outgoing_port_range() -> tuple[int, int]:
    """The ports the kernel gives outgoing connections (Linux; else its default)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def port_is_free(port: int) -> bool:
    """Whether a server could bind ``port`` on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A loopback port free now, for a server another process starts soon.

    Chosen below the range the kernel hands to outgoing connections: a port from
    that range can be taken by any client connecting meanwhile, before the
    server gets to bind it.
    """
    low, _high = outgoing_port_range()
    if low - 1 > _LOWEST_CHOSEN_PORT:
        for _ in range(100):
            port = random.randint(_LOWEST_CHOSEN_PORT, low - 1)
            if port_is_free(port):
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout_s: float) -> bool:
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False
