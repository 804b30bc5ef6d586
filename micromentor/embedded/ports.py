"""Checking ports before starting anything, with a message a person can act on."""

from __future__ import annotations

import socket


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


def free_port() -> int:
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
