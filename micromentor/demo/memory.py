"""Peak resident memory of each service process while the demo runs."""

from __future__ import annotations

import asyncio
import contextlib

import psutil


class PeakMemory:
    """Samples the RSS of the given processes until stopped; keeps the peaks."""

    def __init__(self, pids: dict[str, int], interval_s: float = 0.25) -> None:
        self._processes = {}
        for name, pid in pids.items():
            with contextlib.suppress(psutil.Error):
                self._processes[name] = psutil.Process(pid)
        self._interval_s = interval_s
        self.peaks_mb: dict[str, float] = {}
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample_forever())

    async def stop(self) -> dict[str, float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()
        return self.peaks_mb

    async def _sample_forever(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self._interval_s)

    def _sample(self) -> None:
        for name, process in self._processes.items():
            with contextlib.suppress(psutil.Error):
                rss_mb = process.memory_info().rss / 2**20
                self.peaks_mb[name] = max(self.peaks_mb.get(name, 0.0), rss_mb)
