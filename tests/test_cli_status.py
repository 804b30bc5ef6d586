"""``micromentor status`` checks what stack.json claims against the processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import psutil
import pytest
from typer.testing import CliRunner

from micromentor.cli import app
from micromentor.config import StackConfig
from micromentor.embedded.ports import free_port
from micromentor.embedded.smtp import EmbeddedSmtp
from micromentor.stack_file import StackInfo
from micromentor.up import StackAlreadyRunning, refuse_second_stack


def a_zombie() -> subprocess.Popen:
    """A child that has ended but that nobody has reaped yet."""
    child = subprocess.Popen(["true"])
    deadline = time.monotonic() + 30
    while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < deadline, "the child never ended"
        time.sleep(0.05)
    return child


def write_stack_file(folder, **pids: int) -> None:
    """stack.json for a stack on unused ports whose parts have these pids."""
    StackInfo(
        started_at="2026-01-05T09:00:00+00:00",
        data_dir=str(folder),
        bootstrap_servers="127.0.0.1:1",
        database_url="postgresql://micromentor@127.0.0.1:2/micromentor",
        topic_prefix="",
        mail_dir=str(folder / "mail"),
        ports={"kafka": 1, "postgres": 2, "smtp": 3},
        pids=pids,
    ).write(folder / "stack.json")


def test_status_reports_a_dead_but_unreaped_postgresql_as_gone(tmp_path):
    zombie = a_zombie()
    try:
        write_stack_file(
            tmp_path,
            supervisor=os.getpid(),
            broker=os.getpid(),
            postgres=zombie.pid,
        )

        result = CliRunner().invoke(
            app, ["status", "--data-dir", str(tmp_path)], env={"COLUMNS": "200"}
        )
    finally:
        zombie.wait()

    assert result.exit_code == 1, result.output
    postgres_row = next(
        line for line in result.output.splitlines() if "postgres" in line
    )
    assert "gone" in postgres_row
    assert "running" not in postgres_row
    broker_row = next(line for line in result.output.splitlines() if "broker" in line)
    assert "running" in broker_row


def test_parts_left_running_by_a_killed_supervisor_are_named_with_how_to_stop_them(
    tmp_path,
):
    # A stand-in for a service whose supervisor was killed with SIGKILL.
    orphan = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "services.matching"]
    )
    gone = subprocess.Popen(["true"])
    gone.wait()
    try:
        # The test's own pid runs, but is no program of a stack.
        write_stack_file(
            tmp_path, supervisor=gone.pid, matching=orphan.pid, broker=os.getpid()
        )
        status = CliRunner().invoke(
            app, ["status", "--data-dir", str(tmp_path)], env={"COLUMNS": "250"}
        )
        # What `up` and `demo` check before starting anything.
        with pytest.raises(StackAlreadyRunning) as refused:
            refuse_second_stack(StackConfig(tmp_path))
    finally:
        orphan.kill()
        orphan.wait()

    assert status.exit_code == 1
    for text in (" ".join(status.output.split()), str(refused.value)):
        assert f"the parts it started still run: matching (pid {orphan.pid})." in text
        assert f"Stop the parts with `kill {orphan.pid}`" in text
        assert "e-mails wait in notifications' queue" in text
        assert "broker" not in text
    assert str(refused.value).startswith("an earlier stack from")


def test_addresses_are_shown_whole_on_a_narrow_terminal(tmp_path):
    write_stack_file(tmp_path, supervisor=os.getpid(), broker=os.getpid())

    result = CliRunner().invoke(
        app, ["status", "--data-dir", str(tmp_path)], env={"COLUMNS": "70"}
    )

    shown = "".join(
        cell.strip()
        for line in result.output.splitlines()
        for cell in line.split("│")[3:4]
    )
    assert "postgresql://micromentor@127.0.0.1:2/micromentor" in shown


def test_piped_output_keeps_addresses_whole_and_says_whether_smtp_greets(tmp_path):
    smtp = EmbeddedSmtp(port=free_port(), mail_dir=tmp_path / "mail")
    smtp.start()
    # Something that takes connections but never greets, like a stopped sink.
    mute = socket.create_server(("127.0.0.1", 0))
    try:
        write_stack_file(tmp_path, supervisor=os.getpid(), broker=os.getpid())
        info = StackInfo.read(tmp_path / "stack.json")
        info.ports["smtp"] = smtp.port
        info.write(tmp_path / "stack.json")
        answering = CliRunner().invoke(
            app, ["status", "--data-dir", str(tmp_path)], env={"COLUMNS": None}
        )
        info.ports["smtp"] = mute.getsockname()[1]
        info.write(tmp_path / "stack.json")
        silent = CliRunner().invoke(
            app, ["status", "--data-dir", str(tmp_path)], env={"COLUMNS": None}
        )
    finally:
        mute.close()
        smtp.stop()

    rows = answering.output.splitlines()
    postgres_row = next(line for line in rows if "postgres" in line)
    assert "postgresql://micromentor@127.0.0.1:2/micromentor" in postgres_row
    assert "running" in next(line for line in rows if "smtp" in line)
    assert "gone" in next(line for line in silent.output.splitlines() if "smtp" in line)
