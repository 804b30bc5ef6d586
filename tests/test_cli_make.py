"""``make demo`` and ``make up`` hand ARGS to the command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("target", ["demo", "up"])
def test_make_passes_args_through_to_the_command(target):
    args = "--data-dir /tmp/elsewhere --kafka-port 29092"
    done = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", target, f"ARGS={args}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert f".venv/bin/micromentor {target} {args}" in done.stdout
