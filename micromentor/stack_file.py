"""stack.json: how other commands find a running stack."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class StackInfo:
    """What ``micromentor up`` started, written once every service is ready."""

    started_at: str
    data_dir: str
    bootstrap_servers: str
    database_url: str
    topic_prefix: str
    mail_dir: str
    ports: dict[str, int]
    pids: dict[str, int]
    http_ports: dict[str, int] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2) + "\n")
        temporary.replace(path)

    @classmethod
    def read(cls, path: Path) -> StackInfo | None:
        """The stack described in ``path``, or None when there is none."""
        try:
            return cls(**json.loads(path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None

    def supervisor_alive(self) -> bool:
        return pid_alive(self.pids.get("supervisor"))

    def left_running(self) -> dict[str, int]:
        """Parts still running although their supervisor is gone (it was killed).

        A pid counts only while its command line is still one of the stack's
        programs, not a process that happens to reuse the number.
        """
        return {
            part: pid
            for part, pid in self.pids.items()
            if part != "supervisor" and pid_alive(pid) and _is_stack_program(pid)
        }

    def left_running_advice(self) -> str | None:
        """For an operator: what still runs, and how to stop it; None if nothing."""
        parts = self.left_running()
        if not parts:
            return None
        listed = ", ".join(f"{part} (pid {pid})" for part, pid in parts.items())
        pids = " ".join(str(pid) for pid in parts.values())
        return (
            f"its supervisor (pid {self.pids.get('supervisor')}) is gone but the"
            f" parts it started still run: {listed}. The SMTP sink ran inside the"
            " supervisor and went with it, so e-mails wait in notifications'"
            f" queue until the stack runs again. Stop the parts with `kill {pids}`,"
            " then start the stack again."
        )

    def service_url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.http_ports[service]}"


def pid_alive(pid: int | None) -> bool:
    """True when ``pid`` runs; a zombie (ended, not yet reaped) does not count."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        import psutil
    except ImportError:
        return False
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:
        return False


_SERVICE_MODULES = frozenset(
    f"services.{name}"
    for name in ("profiles", "matching", "scheduling", "notifications")
)


def _is_stack_program(pid: int) -> bool:
    """The broker, PostgreSQL, or a service (``python -m services.<name>``)."""
    try:
        import psutil
    except ImportError:
        return True
    try:
        command = psutil.Process(pid).cmdline()
    except psutil.Error:
        return False
    if not command:
        return False
    program = Path(command[0]).name
    return (
        program == "postgres"
        or program.startswith("tansu")
        or bool(_SERVICE_MODULES.intersection(command))
    )
