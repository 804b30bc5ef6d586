"""A throw-away embedded stack with services as real processes, for benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from micromentor.embedded.broker import EmbeddedBroker
from micromentor.embedded.ports import free_port
from micromentor.embedded.postgres import EmbeddedPostgres
from micromentor.embedded.topics import create_topics
from shared.contracts.topics import Topics


@dataclass
class BenchStack:
    folder: Path
    broker: EmbeddedBroker
    postgres: EmbeddedPostgres
    topics: Topics = field(default_factory=Topics)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    http_ports: dict[str, int] = field(default_factory=dict)

    async def start_service(self, name: str, **extra_env: str) -> None:
        prefix = f"{name.upper()}_"
        port = free_port()
        env = {
            **os.environ,
            f"{prefix}KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            f"{prefix}DATABASE_URL": self.postgres.url(),
            f"{prefix}HTTP_PORT": str(port),
            f"{prefix}LOG_FORMAT": "json",
            f"{prefix}LOG_LEVEL": "WARNING",
            **{f"{prefix}{key.upper()}": value for key, value in extra_env.items()},
        }
        log = (self.folder / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", f"services.{name}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.http_ports[name] = port
        await self.wait_ready(name)

    async def wait_ready(self, name: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        url = f"http://127.0.0.1:{self.http_ports[name]}/health/ready"
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.folder}/{name}.log")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(url, timeout=2)).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{name} not ready after {timeout_s}s")

    def rss_mb(self, name: str) -> float:
        import psutil

        return psutil.Process(self.processes[name].pid).memory_info().rss / 2**20


@contextlib.asynccontextmanager
async def bench_stack() -> AsyncIterator[BenchStack]:
    folder = Path(tempfile.mkdtemp(prefix="micromentor-bench-"))
    broker = EmbeddedBroker(port=free_port(), log_path=folder / "broker.log")
    postgres = EmbeddedPostgres(
        port=free_port(), data_dir=folder / "postgres" / "data", durable=False
    )
    stack = BenchStack(folder, broker, postgres)
    try:
        broker.start()
        postgres.start()
        await create_topics(broker.bootstrap_servers, stack.topics)
        yield stack
    finally:
        for process in stack.processes.values():
            process.terminate()
        for process in stack.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(15)
        broker.stop()
        postgres.stop()
        # A round's data is hundreds of megabytes; keep it only when asked.
        if not os.environ.get("BENCH_KEEP_DATA"):
            shutil.rmtree(folder, ignore_errors=True)
