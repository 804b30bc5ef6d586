"""``micromentor up``: ports, restarting crashed services, stopping on failures."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from micromentor.embedded.ports import free_port, outgoing_port_range, port_is_free
from micromentor.stack_file import pid_alive


def test_up_with_a_port_in_use_exits_2_naming_the_port_and_option(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "micromentor.cli",
                "up",
                "--data-dir",
                str(tmp_path),
                "--kafka-port",
                str(free_port()),
                "--postgres-port",
                str(port),
                "--smtp-port",
                str(free_port()),
                "--http-base-port",
                str(free_port()),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
        )

    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert f"port {port} (PostgreSQL) is already in use" in output
    assert "--postgres-port" in output
    assert "Traceback" not in output
    assert not (tmp_path / "stack.json").exists()
    assert not (tmp_path / "postgres").exists()


class RunningUp:
    """``micromentor up`` as a child process on free ports, its output in a file."""

    def __init__(self, data_dir: Path, log: Path) -> None:
        self.data_dir = data_dir
        self.log = log
        self.stack_file = data_dir / "stack.json"
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "micromentor.cli",
                    "up",
                    "--data-dir",
                    str(data_dir),
                    "--kafka-port",
                    str(free_port()),
                    "--postgres-port",
                    str(free_port()),
                    "--smtp-port",
                    str(free_port()),
                    "--http-base-port",
                    str(_four_free_ports()),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self) -> dict[str, int]:
        return json.loads(self.stack_file.read_text())["pids"]

    def http_port(self, service: str) -> int:
        return json.loads(self.stack_file.read_text())["http_ports"][service]

    def wait_ready(self) -> None:
        wait_for(
            lambda: self.stack_file.exists() or self.process.poll() is not None,
            120,
            "stack.json",
            self,
        )
        assert self.process.poll() is None, self.output()

    def exit_code(self, timeout_s: float = 60) -> int:
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"up did not exit:\n{self.output()}") from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.exit_code()


def _four_free_ports() -> int:
    """Four free ports in a row, all below the range outgoing connections use."""
    outgoing_low, _ = outgoing_port_range()
    while True:
        base = free_port()
        if base + 3 < outgoing_low and all(
            port_is_free(base + offset) for offset in range(1, 4)
        ):
            return base


def wait_for(condition, timeout_s: float, what: str, up: RunningUp | None = None):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            output = up.output() if up else ""
            raise AssertionError(f"timed out waiting for {what}\n{output}")
        time.sleep(0.2)


def ready(port: int) -> bool:
    try:
        url = f"http://127.0.0.1:{port}/health/ready"
        response = httpx.get(url, timeout=2.0, trust_env=False)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@pytest.fixture
def running_up(tmp_path):
    up = RunningUp(tmp_path / "data", tmp_path / "up.log")
    try:
        up.wait_ready()
        yield up
    finally:
        up.kill()


def test_a_killed_service_is_restarted_and_the_stack_stops_cleanly_after(running_up):
    up = running_up
    killed = up.pids()["matching"]
    os.kill(killed, signal.SIGKILL)

    wait_for(lambda: up.pids()["matching"] != killed, 60, "a new matching pid", up)
    wait_for(lambda: ready(up.http_port("matching")), 60, "matching ready", up)
    restarted = up.pids()["matching"]
    up.process.send_signal(signal.SIGTERM)

    assert up.exit_code() == 0, up.output()
    assert "matching exited unexpectedly (signal 9); restarting in 1 s (restart 1)" in (
        up.output()
    )
    assert not up.stack_file.exists()
    assert not pid_alive(restarted)


def test_a_killed_postgresql_is_started_again_and_the_services_carry_on(running_up):
    up = running_up
    killed = up.pids()["postgres"]
    os.kill(killed, signal.SIGKILL)

    wait_for(lambda: up.pids()["postgres"] != killed, 60, "a new postgres pid", up)
    for name in ("profiles", "matching"):
        wait_for(lambda n=name: ready(up.http_port(n)), 60, f"{name} ready", up)
    up.process.send_signal(signal.SIGTERM)

    assert up.exit_code() == 0, up.output()
    output = " ".join(up.output().split())
    assert (
        "[stack] PostgreSQL exited unexpectedly (signal 9); starting it again in 1 s"
        " (restart 1)" in output
    )
    assert "PostgreSQL running again" in output
    assert not up.stack_file.exists()
