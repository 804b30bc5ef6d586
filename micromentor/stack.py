"""The embedded stack supervisor: broker, PostgreSQL, SMTP sink and the services."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from micromentor.config import SERVICE_NAMES, StackConfig, installed_services
from micromentor.embedded.broker import EmbeddedBroker
from micromentor.embedded.ports import ensure_free
from micromentor.embedded.postgres import EmbeddedPostgres
from micromentor.embedded.smtp import EmbeddedSmtp
from micromentor.embedded.topics import create_topics
from micromentor.health import is_ready
from micromentor.restarts import CrashBudget, describe_exit
from micromentor.service_env import service_environment
from micromentor.service_process import OutputSink, ServiceProcess
from micromentor.stack_file import StackInfo
from shared.contracts.topics import Topics

Notice = Callable[[str], None]


class StackPartExited(RuntimeError):
    """A part of the stack ended and the stack cannot go on without it."""

    def __init__(self, message: str, name: str, code: int) -> None:
        super().__init__(message)
        self.name = name
        self.code = code


class ServiceExited(StackPartExited):
    """A service process ended while the stack was starting."""

    def __init__(self, name: str, code: int) -> None:
        super().__init__(
            f"the {name} service exited unexpectedly ({describe_exit(code)})",
            name,
            code,
        )


class ServiceKeepsCrashing(StackPartExited):
    """A service crashed more often than the supervisor restarts it."""

    def __init__(self, name: str, code: int, budget: CrashBudget) -> None:
        super().__init__(
            f"the {name} service exited unexpectedly ({describe_exit(code)}):"
            f" {budget.recent_crashes} crashes within {budget.window_s:.0f} s;"
            " giving up",
            name,
            code,
        )


class InfrastructureExited(StackPartExited):
    """The broker ended, or PostgreSQL kept ending; the stack cannot go on."""

    def __init__(self, name: str, code: int) -> None:
        super().__init__(
            f"{name} exited unexpectedly ({describe_exit(code)})", name, code
        )


class PostgresKeepsExiting(InfrastructureExited):
    """PostgreSQL exited more often than the supervisor starts it again."""

    def __init__(self, code: int, budget: CrashBudget) -> None:
        super().__init__("PostgreSQL", code)
        self.args = (
            f"PostgreSQL exited unexpectedly ({describe_exit(code)}):"
            f" {budget.recent_crashes} exits within {budget.window_s:.0f} s; giving"
            " up (messages the services had not read yet go with the broker)",
        )


class StartInterrupted(RuntimeError):
    """Ctrl-C or SIGTERM arrived while the stack was starting."""


class Stack:
    """Starts everything in dependency order and stops it in reverse."""

    def __init__(
        self,
        config: StackConfig,
        *,
        output: OutputSink,
        notice: Notice,
        ready_timeout_s: float = 90.0,
    ) -> None:
        self.config = config
        self.services = installed_services()
        self._output = output
        self._notice = notice
        self._ready_timeout_s = ready_timeout_s
        self._broker = EmbeddedBroker(
            port=config.kafka_port, log_path=config.log_dir / "broker.log"
        )
        self._postgres = EmbeddedPostgres(
            port=config.postgres_port, data_dir=config.data_dir / "postgres" / "data"
        )
        self._smtp = EmbeddedSmtp(port=config.smtp_port, mail_dir=config.mail_dir)
        self._processes: dict[str, ServiceProcess] = {}
        self._spawning: set[asyncio.Task] = set()
        self._stopping = False
        self._smtp_started = False
        self.info: StackInfo | None = None
        self.startup_s: float | None = None

    def check_ports(self) -> None:
        """Raise PortInUseError for the first port something else already holds."""
        wanted = {
            *{f"{name} HTTP" for name in self.services},
            "Kafka broker",
            "PostgreSQL",
            "SMTP server",
        }
        for port, what, option in self.config.ports():
            if what in wanted:
                ensure_free(port, what, option)

    async def start(self, stop: asyncio.Event) -> StackInfo:
        """Start every part; raises StartInterrupted if ``stop`` is set meanwhile."""
        began = time.monotonic()
        self.check_ports()
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        self._notice(
            f"Kafka broker on 127.0.0.1:{self.config.kafka_port} — in-memory:"
            " topics and offsets are lost when the stack stops"
        )
        await asyncio.to_thread(self._broker.start)
        _raise_if(stop)
        self._notice(
            f"PostgreSQL on 127.0.0.1:{self.config.postgres_port} — durable, data in"
            f" {self._postgres.data_dir}"
        )
        await asyncio.to_thread(self._postgres.start)
        _raise_if(stop)
        self._smtp.start()
        self._smtp_started = True
        self._notice(
            f"SMTP sink on 127.0.0.1:{self.config.smtp_port} — every message saved"
            f" as an .eml file in {self.config.mail_dir}"
        )
        topics = Topics(self.config.topic_prefix)
        created = await create_topics(self._broker.bootstrap_servers, topics)
        self._notice(f"{len(created)} topics created")
        _raise_if(stop)
        await self._start_services(stop)
        self.startup_s = time.monotonic() - began
        self.info = self._describe()
        self.info.write(self.config.stack_file)
        return self.info

    async def _start_services(self, stop: asyncio.Event) -> None:
        missing = [name for name in SERVICE_NAMES if name not in self.services]
        if missing:
            self._notice(f"not installed here, so not started: {', '.join(missing)}")
        for name in self.services:
            await self._spawn(name)
        async with httpx.AsyncClient(trust_env=False) as client:
            await asyncio.gather(
                *(self._wait_ready(client, p, stop) for p in self._processes.values())
            )

    async def _spawn(self, name: str) -> ServiceProcess:
        process = ServiceProcess(
            name,
            env=service_environment(
                name,
                self.config,
                bootstrap_servers=self._broker.bootstrap_servers,
                database_url=self._postgres.url(),
            ),
            output=self._output,
        )
        await process.start()
        self._processes[name] = process
        return process

    async def _wait_ready(
        self, client: httpx.AsyncClient, process: ServiceProcess, stop: asyncio.Event
    ) -> None:
        url = f"http://127.0.0.1:{self.config.http_port(process.name)}"
        deadline = time.monotonic() + self._ready_timeout_s
        while not await is_ready(client, url):
            _raise_if(stop)
            if process.returncode is not None:
                raise ServiceExited(process.name, await process.wait())
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the {process.name} service was not ready within"
                    f" {self._ready_timeout_s:.0f}s ({url}/health/ready)"
                )
            await asyncio.sleep(0.2)
        self._notice(f"{process.name} ready on {url}")

    def _describe(self) -> StackInfo:
        pids = {"supervisor": os.getpid()}
        pids |= {"broker": self._broker.pid, "postgres": self._postgres.pid}
        pids |= {name: p.pid for name, p in self._processes.items()}
        return StackInfo(
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            data_dir=str(self.config.data_dir.resolve()),
            bootstrap_servers=self._broker.bootstrap_servers,
            database_url=self._postgres.url(),
            topic_prefix=self.config.topic_prefix,
            mail_dir=str(self.config.mail_dir.resolve()),
            ports={
                "kafka": self.config.kafka_port,
                "postgres": self.config.postgres_port,
                "smtp": self.config.smtp_port,
            },
            pids=pids,
            http_ports={name: self.config.http_port(name) for name in self.services},
        )

    async def run_until(self, stop: asyncio.Event) -> None:
        """Return when ``stop`` is set; raise StackPartExited if the stack must end."""
        await self.supervise(stop)

    def watch(self, stop: asyncio.Event) -> asyncio.Future:
        """Supervise in the background; the future fails when the stack cannot go on."""
        return asyncio.ensure_future(self.supervise(stop))

    async def supervise(self, stop: asyncio.Event) -> None:
        """Restart crashed services, watch the broker and PostgreSQL, until ``stop``."""
        keepers = [
            asyncio.create_task(self._keep_running(name, stop), name=f"keep-{name}")
            for name in list(self._processes)
        ]
        keepers.append(asyncio.create_task(self._watch_infrastructure(stop)))
        stopping = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait(
                {*keepers, stopping}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                task.result()
        finally:
            for task in (*keepers, stopping):
                task.cancel()
            await asyncio.gather(*keepers, stopping, return_exceptions=True)

    async def _keep_running(self, name: str, stop: asyncio.Event) -> None:
        budget = CrashBudget()
        while True:
            code = await self._processes[name].wait()
            if stop.is_set() or self._stopping:
                return
            delay = budget.record_crash()
            if delay is None:
                raise ServiceKeepsCrashing(name, code, budget)
            self._notice(
                f"{name} exited unexpectedly ({describe_exit(code)}); restarting in"
                f" {delay:g} s (restart {budget.restarts})"
            )
            if await _set_within(stop, delay):
                return
            # Shielded: a process started while the stack stops must still be
            # registered, so that stop() ends it too.
            spawn = asyncio.create_task(self._spawn(name))
            self._spawning.add(spawn)
            spawn.add_done_callback(self._spawning.discard)
            process = await asyncio.shield(spawn)
            self._record_pid(name, process.pid)
            async with httpx.AsyncClient(trust_env=False) as client:
                await self._wait_ready_again(client, process, stop)

    async def _wait_ready_again(
        self, client: httpx.AsyncClient, process: ServiceProcess, stop: asyncio.Event
    ) -> None:
        url = f"http://127.0.0.1:{self.config.http_port(process.name)}"
        deadline = time.monotonic() + self._ready_timeout_s
        while not await is_ready(client, url):
            if stop.is_set() or process.returncode is not None:
                return
            if time.monotonic() > deadline:
                self._notice(
                    f"{process.name} restarted but not ready within"
                    f" {self._ready_timeout_s:.0f}s ({url}/health/ready)"
                )
                return
            await asyncio.sleep(0.2)
        self._notice(f"{process.name} ready again on {url} (pid {process.pid})")

    def _record_pid(self, name: str, pid: int | None) -> None:
        if self.info is None or pid is None or self._stopping:
            return
        self.info.pids[name] = pid
        self.info.write(self.config.stack_file)

    async def _watch_infrastructure(self, stop: asyncio.Event) -> None:
        # The broker keeps topics in memory: started again it would be empty,
        # so its exit stops the stack. PostgreSQL keeps everything on disk: it
        # is started again in place, and the services wait the gap out as they
        # wait out any database outage.
        budget = CrashBudget()
        while not stop.is_set():
            code = self._broker.exit_code()
            if code is not None:
                raise InfrastructureExited("the Kafka broker", code)
            code = self._postgres.exit_code()
            if code is not None and not self._stopping:
                if await self._start_postgres_again(code, budget, stop):
                    return
            await _set_within(stop, 0.5)

    async def _start_postgres_again(
        self, code: int, budget: CrashBudget, stop: asyncio.Event
    ) -> bool:
        """Start PostgreSQL again after a delay; True if the stack stopped meanwhile."""
        delay = budget.record_crash()
        if delay is None:
            raise PostgresKeepsExiting(code, budget)
        self._notice(
            f"PostgreSQL exited unexpectedly ({describe_exit(code)}); starting it"
            f" again in {delay:g} s (restart {budget.restarts}); the services wait"
            " for it"
        )
        if await _set_within(stop, delay):
            return True
        try:
            await asyncio.to_thread(self._postgres.start)
        except Exception as error:
            self._notice(f"PostgreSQL could not be started again: {error}")
            raise InfrastructureExited("PostgreSQL", code) from error
        self._record_pid("postgres", self._postgres.pid)
        self._notice(f"PostgreSQL running again (pid {self._postgres.pid})")
        return False

    async def stop(self) -> None:
        """Services first (SIGTERM, deadline, kill), then SMTP, broker, PostgreSQL."""
        self._stopping = True
        if self.info is not None:
            with contextlib.suppress(FileNotFoundError):
                self.config.stack_file.unlink()
        await asyncio.gather(*self._spawning, return_exceptions=True)
        processes = list(self._processes.values())
        running = [p for p in processes if p.returncode is None]
        if running:
            self._notice(f"stopping {', '.join(p.name for p in running)}")
        await asyncio.gather(*(p.stop() for p in processes))
        self._processes.clear()
        if self._smtp_started:
            self._smtp.stop()
            self._smtp_started = False
        await asyncio.to_thread(self._broker.stop)
        await asyncio.to_thread(self._postgres.stop)
        self._notice("stopped")


async def _set_within(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``event``; True if it was set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()


def _raise_if(stop: asyncio.Event) -> None:
    if stop.is_set():
        raise StartInterrupted("interrupted while starting")
