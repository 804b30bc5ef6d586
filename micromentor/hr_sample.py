"""A sample HR file: the demo roster written as CSV in FacultyRecord columns."""

from __future__ import annotations

import csv
from pathlib import Path

from micromentor.demo.roster import build_roster
from micromentor.hr_validation import COLUMNS


def write_sample(path: Path, *, seed: int, count: int) -> None:
    """Write ``count`` roster records to ``path``, header first."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for record in build_roster(seed, count):
            row = record.model_dump(mode="json")
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
