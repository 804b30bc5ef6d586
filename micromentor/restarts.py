"""When a crashed service is started again, and when the supervisor gives up."""

from __future__ import annotations

import time
from collections.abc import Callable


class CrashBudget:
    """Crashes allowed within a sliding window; each restart waits twice as long."""

    def __init__(
        self,
        *,
        limit: int = 5,
        window_s: float = 300.0,
        first_delay_s: float = 1.0,
        max_delay_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._first_delay_s = first_delay_s
        self._max_delay_s = max_delay_s
        self._clock = clock
        self._crashes: list[float] = []
        self.restarts = 0

    def record_crash(self) -> float | None:
        """The delay before the next restart, or None once the budget is spent."""
        now = self._clock()
        self._crashes = [t for t in self._crashes if now - t < self.window_s]
        self._crashes.append(now)
        if len(self._crashes) > self.limit:
            return None
        self.restarts += 1
        doubling = self._first_delay_s * 2 ** (len(self._crashes) - 1)
        return min(self._max_delay_s, doubling)

    @property
    def recent_crashes(self) -> int:
        return len(self._crashes)


def describe_exit(code: int | None) -> str:
    """``signal 9`` for a process killed by a signal, else ``exit code N``."""
    if code is None:
        return "still running"
    if code < 0:
        return f"signal {-code}"
    return f"exit code {code}"
