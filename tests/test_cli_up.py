"""``micromentor up`` refuses to start when a port it needs is taken."""

from __future__ import annotations

import socket
import subprocess
import sys

from micromentor.embedded.ports import free_port


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
