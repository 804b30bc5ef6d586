"""One service run as a child process, its output prefixed with its name."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Mapping

OutputSink = Callable[[str, str], None]


class ServiceProcess:
    """``python -m services.<name>`` with settings passed as environment variables."""

    def __init__(
        self, name: str, *, env: Mapping[str, str], output: OutputSink
    ) -> None:
        self.name = name
        self._env = env
        self._output = output
        self._process: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process else None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            f"services.{self.name}",
            env={**os.environ, "PYTHONUNBUFFERED": "1", **self._env},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            limit=4 * 1024 * 1024,
            # Its own session: Ctrl-C reaches the supervisor only, which then
            # stops the services in order.
            start_new_session=True,
        )
        self._pump = asyncio.create_task(self._forward_output(), name=self.name)

    async def _forward_output(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        async for line in self._process.stdout:
            self._output(self.name, line.decode(errors="replace").rstrip())

    async def wait(self) -> int:
        """Wait for the process to exit (its output fully read) and return its code."""
        assert self._process is not None
        code = await self._process.wait()
        if self._pump is not None:
            with contextlib.suppress(Exception):
                await self._pump
        return code

    async def stop(self, deadline_s: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited by the deadline."""
        if self._process is None:
            return None
        if self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.wait(), deadline_s)
            except TimeoutError:
                self._output(
                    self.name, f"did not stop within {deadline_s:.0f}s; killed"
                )
                with contextlib.suppress(ProcessLookupError):
                    self._process.kill()
        return await self.wait()
