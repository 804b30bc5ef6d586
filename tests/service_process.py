"""A service as its own operating-system process, started as an operator would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from micromentor.embedded.ports import free_port
from shared.platform.settings import ServiceSettings
from tests.kafka import wait_until


class ServiceProcess:
    """``python -m services.<name>`` configured through its environment variables.

    Every setting the test set explicitly is passed on, so the process runs with
    the same topics, database and timings as the test's in-process services.
    """

    def __init__(self, name: str, settings: ServiceSettings, log_path: Path) -> None:
        self.name = name
        self.http_port = free_port()
        prefix = settings.model_config.get("env_prefix", "")
        values = settings.model_dump(mode="json", include=settings.model_fields_set)
        values["http_port"] = self.http_port
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            f"{prefix}LOG_FORMAT": "json",
        }
        for key, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value)
            env[f"{prefix}{key.upper()}"] = text
        self.log_path = log_path
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"services.{name}"],
                env=env,
                cwd=Path(__file__).resolve().parent.parent,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self) -> None:
        url = f"http://127.0.0.1:{self.http_port}/health/ready"
        async with httpx.AsyncClient() as client:

            async def ready() -> bool:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"{self.name} exited with {self.process.returncode}:\n"
                        + self.log_path.read_text(errors="replace")[-3000:]
                    )
                try:
                    return (await client.get(url, timeout=2)).status_code == 200
                except httpx.HTTPError:
                    return False

            await wait_until(ready, what=f"{self.name} process ready", timeout_s=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
