"""``micromentor demo``: a semester of micro-mentoring in a few minutes."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiokafka.errors import KafkaError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from micromentor.closing import close_quietly
from micromentor.config import StackConfig
from micromentor.demo.dead_letters import DeadLetterWatch
from micromentor.demo.faculty_portal import FacultyPortalActor
from micromentor.demo.memory import PeakMemory
from micromentor.demo.requests import PlannedRequest, build_requests
from micromentor.demo.roster import build_roster
from micromentor.demo.stack_access import StackGone, StackHandle, demo_stack
from micromentor.demo.summary import RunFigures, fetch_summaries, summary_table
from micromentor.demo.tracker import RunTracker
from micromentor.demo.volunteers import build_volunteers
from micromentor.hr_import import publish_faculty_records
from micromentor.kafka_io import faculty_producer
from micromentor.kafka_lag import LagProbe
from micromentor.portal import Portal
from micromentor.stack import StackPartExited, StartInterrupted
from micromentor.up import install_stop_signals
from shared.contracts.matching import RequestSubmitted
from shared.contracts.topics import Topics, dead_letter_topic

QUIET_S = 3.0
ALIVE_CHECK_S = 1.0
# Letters still waiting for an address after this long are not waited for.
ADDRESS_WAIT_S = 15.0
FACULTY_READERS = ("matching", "scheduling", "notifications")


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 7
    faculty: int = 600
    requests: int = 240
    volunteers: int = 90
    stage_timeout_s: float = 300.0


class DemoTimedOut(RuntimeError):
    pass


def shortfalls(options: DemoOptions, volunteers: int, requests: int) -> list[str]:
    """What the roster had no room for, said before the demo plays less."""
    notes = []
    for asked, got, what in (
        (options.volunteers, volunteers, "mentor volunteers"),
        (options.requests, requests, "requests"),
    ):
        if got < asked:
            notes.append(
                f"A roster of {options.faculty} faculty has room for {got} {what},"
                f" not {asked}; the demo plays {got}. A larger --faculty makes room"
                " for more."
            )
    return notes


class DemoInterrupted(RuntimeError):
    pass


async def run_demo(config: StackConfig, options: DemoOptions, console: Console) -> int:
    """Run the whole program once; the process exit code."""
    began = time.monotonic()
    stop = asyncio.Event()
    install_stop_signals(stop)
    logs = f"the service logs in {config.log_dir}"
    try:
        async with demo_stack(config, console, stop) as handle:
            logs = handle.logs
            scenario = Scenario(handle, options, console, stop)
            memory = PeakMemory(
                {
                    name: pid
                    for name, pid in handle.info.pids.items()
                    if name in handle.info.http_ports
                }
            )
            memory.start()
            try:
                await scenario.run()
            finally:
                peaks_mb = await memory.stop()
            summaries = await fetch_summaries(handle.info)
            wall_s = time.monotonic() - began
            console.print(
                summary_table(
                    summaries,
                    run=scenario.figures(summaries),
                    mail_dir=config.mail_dir.resolve(),
                    wall_s=wall_s,
                    peaks_mb=peaks_mb,
                    title=f"micromentor demo (seed {options.seed})",
                )
            )
            scenario.print_loose_ends()
            return 0
    except DemoTimedOut as timed_out:
        console.print(
            f"[bold red]The demo did not finish:[/] {timed_out}", soft_wrap=True
        )
        return 1
    except (StackPartExited, StackGone) as failed:
        console.print(
            f"[bold red]{failed}[/]; the demo stopped (see {logs}).", soft_wrap=True
        )
        return 1
    except KafkaError as error:
        console.print(
            f"[bold red]Kafka did not answer ({error!r})[/]; the demo stopped"
            f" (see {logs}).",
            soft_wrap=True,
        )
        return 1
    except (StartInterrupted, DemoInterrupted):
        console.print("Interrupted; everything started here has been stopped.")
        return 130


class Scenario:
    def __init__(
        self,
        handle: StackHandle,
        options: DemoOptions,
        console: Console,
        stop: asyncio.Event,
    ) -> None:
        self.handle = handle
        self.info = handle.info
        self.options = options
        self.console = console
        self.stop = stop
        self.topics = Topics(self.info.topic_prefix)
        self.tracker = RunTracker(faculty_version=int(time.time()))
        self.actor_task: asyncio.Task | None = None
        self.actor: FacultyPortalActor | None = None
        self.mail = _MailWatch(self.info)
        self._alive_checked_at = 0.0

    async def run(self) -> None:
        """Play the semester; a Kafka failure is explained by the stack if it can be."""
        try:
            await self._play()
        except KafkaError:
            await self._explain_kafka_failure()
            raise

    async def _explain_kafka_failure(self) -> None:
        failure = self.handle.failure
        if failure is not None:
            # The supervisor checks the broker twice a second: give it a moment
            # to name the part that died.
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(failure), 2.0)
        self.handle.check_alive()

    async def _play(self) -> None:
        options = self.options
        roster = [
            record.model_copy(update={"record_version": self.tracker.faculty_version})
            for record in build_roster(options.seed, options.faculty)
        ]
        volunteers = build_volunteers(roster, options.seed, options.volunteers)
        planned = build_requests(roster, options.seed, options.requests)
        for note in shortfalls(options, len(volunteers), len(planned)):
            self.console.print(note, soft_wrap=True)
        await self.mail.baseline()
        producer = faculty_producer(self.info.bootstrap_servers)
        try:
            await producer.start()
            await self._play_with(producer, roster, volunteers, planned)
        finally:
            await close_quietly(producer.stop())

    async def _play_with(self, producer, roster, volunteers, planned) -> None:
        options = self.options
        portal = Portal(producer, self.topics, before_send=self.tracker.note_sent)
        actor = FacultyPortalActor(
            bootstrap_servers=self.info.bootstrap_servers,
            topics=self.topics,
            tracker=self.tracker,
            portal=portal,
            seed=options.seed,
        )
        self.actor = actor
        self.actor_task = asyncio.create_task(actor.run(), name="faculty-portal")
        progress = Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        try:
            with progress:
                await self._ingest(roster, progress)
                for submission in volunteers:
                    await portal.volunteer(submission)
                await self._wait_for_decisions(len(volunteers), progress)
                if "matching" not in self.info.http_ports:
                    self.console.print("The matching service is not running; done.")
                    return
                for request in planned:
                    await portal.submit_request(_submitted(request))
                await self._follow_through(len(planned), actor, progress)
        finally:
            self.actor_task.cancel()
            await asyncio.gather(self.actor_task, return_exceptions=True)

    def figures(self, summaries: dict[str, dict]) -> RunFigures:
        """What this run alone did, from the same summaries the table shows."""
        return RunFigures(
            emails_delivered=self.mail.delivered_in(summaries["notifications"]),
            hr_refused=dict(self.tracker.hr_refused),
            hr_dead_letter_topic=dead_letter_topic(self.topics.hr_faculty_records),
        )

    def print_loose_ends(self) -> None:
        """Say what this run left unfinished, if anything."""
        if unbooked := self.tracker.unbooked_engagements():
            self.console.print(
                f"[yellow]{unbooked} engagements of this run have no meeting booked:"
                " scheduling found no free hour in the mentor's weekly availability"
                " (SessionNotBooked); both people were e-mailed and the office can"
                " arrange a time.[/]"
            )
        if stalled := self.tracker.open_engagements() - unbooked:
            self.console.print(
                f"[yellow]{stalled} engagements of this run are still open.[/]"
            )
        for what, count in sorted(self.tracker.refusals.items()):
            self.console.print(f"[yellow]refused by a service: {what} x{count}[/]")

    async def _ingest(self, roster, progress: Progress) -> None:
        tracker = self.tracker
        tracker.roster_ids = {record.employee_id for record in roster}
        bar = progress.add_task("HR records applied or refused", total=len(roster))
        # A record profiles refuses (an e-mail an earlier roster already holds,
        # say) goes to the dead-letter topic and never becomes a profile.
        refused = DeadLetterWatch(
            self.info.bootstrap_servers,
            dead_letter_topic(self.topics.hr_faculty_records),
            tracker,
        )
        await refused.start()

        async def update() -> None:
            await refused.poll()
            progress.update(bar, completed=tracker.faculty_settled())

        try:
            await publish_faculty_records(
                self.info.bootstrap_servers, self.topics, roster
            )
            await self._until(
                lambda: tracker.faculty_settled() >= len(roster),
                update,
                "ingesting the HR roster",
            )
        finally:
            await refused.stop()
        await self._wait_for_projections(progress)

    async def _wait_for_projections(self, progress: Progress) -> None:
        """Requests must not outrun the faculty copies other services keep."""
        readers = [s for s in FACULTY_READERS if s in self.info.http_ports]
        if not readers:
            return
        bar = progress.add_task("faculty copied by other services", total=None)
        probe = LagProbe(self.info.bootstrap_servers)
        await probe.start()
        lags: dict[str, int | None] = {}

        async def update() -> None:
            for service in readers:
                lags[service] = await probe.lag(
                    f"micromentor-{service}",
                    self.topics.faculty,
                    self.actor.read_to if self.actor else None,
                )
            behind = sum(lag or 0 for lag in lags.values())
            waiting = f"faculty records still to reach matching and others: {behind}"
            progress.update(bar, description=waiting)

        def caught_up() -> bool:
            # matching must have read the topic; others only if they read it at all.
            return lags.get("matching", 0) is not None and all(
                not lag for lag in lags.values()
            )

        try:
            await self._until(caught_up, update, "copying faculty into projections")
        finally:
            await probe.stop()
            progress.update(bar, total=1, completed=1)

    async def _wait_for_decisions(self, count: int, progress: Progress) -> None:
        bar = progress.add_task("mentor volunteers decided", total=count)
        await self._until(
            lambda: len(self.tracker.mentor_decisions) >= count,
            lambda: progress.update(bar, completed=len(self.tracker.mentor_decisions)),
            "deciding on mentor volunteers",
        )

    async def _follow_through(
        self, count: int, actor: FacultyPortalActor, progress: Progress
    ) -> None:
        tracker = self.tracker
        settled = progress.add_task("requests matched/waiting/rejected", total=count)
        sessions = progress.add_task("sessions completed", total=0)
        closed = progress.add_task("engagements closed", total=0)
        emails = progress.add_task("e-mails delivered by this run", total=0)
        mail = self.mail

        async def update() -> None:
            progress.update(settled, completed=tracker.requests_settled())
            progress.update(
                sessions, completed=len(tracker.completed), total=len(tracker.scheduled)
            )
            progress.update(
                closed,
                completed=len(tracker.closed),
                total=len(tracker.engagement_request),
            )
            await mail.refresh()
            progress.update(emails, completed=mail.delivered, total=mail.expected)

        def done() -> bool:
            return (
                not tracker.outstanding()
                and mail.settled
                and time.monotonic() - actor.last_event_at > QUIET_S
            )

        await self._until(done, update, "following every request through")
        await mail.refresh(force=True)
        progress.update(emails, completed=mail.delivered, total=mail.expected)

    async def _until(
        self,
        done: Callable[[], bool],
        update: Callable[[], Awaitable[None] | None],
        what: str,
    ) -> None:
        deadline = time.monotonic() + self.options.stage_timeout_s
        while True:
            self._raise_failures()
            result = update()
            if asyncio.iscoroutine(result):
                await result
            if done():
                return
            if time.monotonic() > deadline:
                left = "; ".join(self.tracker.outstanding()) or (
                    f"see {self.handle.logs}"
                )
                raise DemoTimedOut(
                    f"{what} took longer than {self.options.stage_timeout_s:.0f}s"
                    f" (outstanding: {left})"
                )
            await asyncio.sleep(0.25)

    def _raise_failures(self) -> None:
        if self.stop.is_set():
            raise DemoInterrupted("interrupted")
        if self.handle.failure is not None and self.handle.failure.done():
            self.handle.failure.result()
        if time.monotonic() - self._alive_checked_at > ALIVE_CHECK_S:
            self._alive_checked_at = time.monotonic()
            self.handle.check_alive()
        if self.actor_task is not None and self.actor_task.done():
            self.actor_task.result()
            raise RuntimeError("the faculty-portal reader stopped unexpectedly")


class _MailWatch:
    """E-mail progress from the notifications summary, relative to the start."""

    def __init__(self, info) -> None:
        self.info = info
        self.present = "notifications" in info.http_ports
        self._start = 0
        self.delivered = 0
        self.pending = 0
        self.awaiting_address = 0
        self._awaiting_changed_at = 0.0
        self._last_poll = 0.0

    async def baseline(self) -> None:
        if self.present:
            summary = (await fetch_summaries(self.info))["notifications"]
            self._start = summary.get("emails_delivered", 0)

    async def refresh(self, *, force: bool = False) -> None:
        if not self.present:
            return
        if not force and time.monotonic() - self._last_poll < 1.0:
            return
        self._last_poll = time.monotonic()
        summary = (await fetch_summaries(self.info))["notifications"]
        self.delivered = summary.get("emails_delivered", self._start) - self._start
        self.pending = summary.get("emails_pending", 0)
        awaiting = summary.get("emails_awaiting_address", 0)
        if awaiting != self.awaiting_address:
            self.awaiting_address = awaiting
            self._awaiting_changed_at = time.monotonic()

    def delivered_in(self, summary: dict) -> int | None:
        """E-mails delivered since the run began, by a notifications summary."""
        if "emails_delivered" not in summary:
            return None
        return summary["emails_delivered"] - self._start

    @property
    def expected(self) -> int:
        return self.delivered + self.pending

    @property
    def settled(self) -> bool:
        """Nothing left to send but letters that have long waited for an address.

        A letter waits for its recipient's address (a profile event on its
        way) for hours; one to a person no HR record introduced, such as a
        refused record, waits in vain, so the run stops waiting for those once
        their number has not moved for a while.
        """
        if not self.present:
            return True
        if self._last_poll == 0 or self.pending > self.awaiting_address:
            return False
        return (
            self.awaiting_address == 0
            or time.monotonic() - self._awaiting_changed_at > ADDRESS_WAIT_S
        )


def _submitted(request: PlannedRequest) -> RequestSubmitted:
    return RequestSubmitted(
        request_id=uuid.uuid4(),
        mentee_employee_id=request.mentee_employee_id,
        topic=request.topic,
        need_statement=request.need_statement,
        meetings=request.meetings,
        scope_preference=request.scope_preference,
        meeting_format=request.meeting_format,
    )
