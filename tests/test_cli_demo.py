"""``micromentor demo`` end to end: reruns on one data dir, and a stack that dies."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli_up import RunningUp, _four_free_ports, free_port, wait_for

SMALL = ["--faculty", "100", "--requests", "5", "--volunteers", "5"]


class RunningDemo:
    """``micromentor demo`` as a child process, its output in a file."""

    def __init__(self, data_dir: Path, log: Path, ports: list[str], *args: str):
        self.log = log
        self.stack_file = data_dir / "stack.json"
        with log.open("w") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "micromentor.cli",
                    "demo",
                    "--data-dir",
                    str(data_dir),
                    *ports,
                    *args,
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def exit_code(self, timeout_s: float = 300) -> int:
        try:
            return self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"demo did not exit:\n{self.output()}") from None


def stack_ports() -> list[str]:
    return [
        "--kafka-port",
        str(free_port()),
        "--postgres-port",
        str(free_port()),
        "--smtp-port",
        str(free_port()),
        "--http-base-port",
        str(_four_free_ports()),
    ]


def table_count(output: str, measure: str) -> int:
    found = re.search(rf"│ {re.escape(measure)}\s+│\s+(\d+) │", output)
    assert found, f"no {measure!r} row in:\n{output}"
    return int(found.group(1))


def test_a_rerun_with_another_seed_settles_refused_hr_records_and_finishes(
    tmp_path,
):
    ports = stack_ports()
    first = RunningDemo(tmp_path / "data", tmp_path / "1.log", ports, *SMALL)
    assert first.exit_code() == 0, first.output()

    # Seed 6 gives one faculty member an e-mail address seed 7's roster owns.
    second = RunningDemo(
        tmp_path / "data", tmp_path / "2.log", ports, *SMALL, "--seed", "6"
    )
    code = second.exit_code()

    output = second.output()
    assert code == 0, output
    assert (
        table_count(
            output, "HR records refused by this run (see hr.faculty-records.dlq)"
        )
        == 1
    )
    assert table_count(output, "refused: DuplicateEmail") == 1
    bar = re.search(r"e-mails delivered by this run\s+━+\s+(\d+)/(\d+)", output)
    assert bar, output
    assert int(bar.group(1)) == table_count(output, "delivered by this run")
    assert table_count(output, "requests rejected") >= 0
    assert table_count(output, "cancelled") >= 0
    # Two runs on one stack: the table says which counts are whose.
    assert table_count(output, "approved, now") > 0
    assert "Counts cover every run on this stack" in " ".join(output.split())


@pytest.fixture
def running_up(tmp_path):
    up = RunningUp(tmp_path / "data", tmp_path / "up.log")
    try:
        up.wait_ready()
        yield up
    finally:
        up.kill()


def test_the_demo_stops_with_a_clear_message_when_the_running_stack_stops(
    running_up, tmp_path
):
    info = json.loads(running_up.stack_file.read_text())
    ports = [
        "--kafka-port",
        str(info["ports"]["kafka"]),
        "--http-base-port",
        str(info["http_ports"]["profiles"]),
    ]
    demo = RunningDemo(running_up.data_dir, tmp_path / "demo.log", ports)
    wait_for(
        lambda: (
            "Using the running stack" in demo.output()
            or demo.process.poll() is not None
        ),
        60,
        "the demo to use the stack",
    )
    running_up.process.send_signal(signal.SIGTERM)

    code = demo.exit_code(120)

    output = demo.output()
    assert code == 1, output
    assert re.search(r"the stack from \S+ has (stopped|lost its)", output), output
    assert "see the output of `micromentor up`" in output
    assert "Unable connect" not in output
    assert "Traceback" not in output


def test_a_demo_that_started_its_stack_stops_when_its_broker_dies(tmp_path):
    data_dir = tmp_path / "data"
    demo = RunningDemo(data_dir, tmp_path / "demo.log", stack_ports())
    wait_for(
        lambda: (
            data_dir.joinpath("stack.json").exists() or demo.process.poll() is not None
        ),
        120,
        "the demo's stack",
    )
    os.kill(json.loads((data_dir / "stack.json").read_text())["pids"]["broker"], 9)

    code = demo.exit_code(120)

    output = demo.output()
    assert code == 1, output
    assert "the Kafka broker exited unexpectedly (signal 9)" in output
    assert f"see the service logs in {data_dir}/logs" in output
    assert "Unable connect" not in output
    assert "Traceback" not in output
    assert not (data_dir / "stack.json").exists()
