"""``micromentor hr import`` against the real broker: all rows or none."""

from __future__ import annotations

import asyncio
import csv
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from micromentor.cli import app
from micromentor.hr_validation import COLUMNS
from tests.factories import hr_record, today_plus_years


def write_csv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") or "" for name in COLUMNS})
    return path


async def hr_import(env, *args: str, prefix: str | None = None):
    """Run the command in a thread: it runs its own event loop."""
    arguments = [
        "hr",
        "import",
        *args,
        "--bootstrap-servers",
        env.infra.bootstrap_servers,
        "--topic-prefix",
        env.topics.prefix if prefix is None else prefix,
    ]
    return await asyncio.to_thread(
        CliRunner().invoke, app, arguments, env={"COLUMNS": "250"}
    )


def reported(output: str, line: int, employee_id: str, reason: str) -> bool:
    pattern = rf"│\s+{line}\s+│\s+{employee_id}\s+│[^\n]*{re.escape(reason)}"
    return re.search(pattern, output) is not None


async def test_a_file_with_bad_rows_reports_each_by_line_and_publishes_nothing(
    env, tmp_path
):
    path = write_csv(
        tmp_path / "faculty.csv",
        [
            hr_record("E100"),
            hr_record("E101", email="not-an-address"),
            hr_record("E102", service_start_date=today_plus_years(1)),
            hr_record("E100"),
            hr_record("E103", email="e100@med.example.edu"),
            hr_record("E104", appointment_type="permanent"),
        ],
    )

    result = await hr_import(env, str(path))

    assert result.exit_code == 1, result.output
    assert reported(result.output, 3, "E101", "email: value is not a valid email")
    assert reported(result.output, 4, "E102", "is in the future")
    assert reported(result.output, 5, "E100", "also on line 2")
    assert reported(result.output, 6, "E103", "same e-mail address as employee E100")
    assert reported(result.output, 7, "E104", "appointment_type")
    assert not reported(result.output, 2, "E100", "")
    assert "Nothing was published" in result.output
    assert await env.kafka.read_all(env.topics.hr_faculty_records) == []


async def test_a_dry_run_validates_a_good_file_and_publishes_nothing(env, tmp_path):
    path = write_csv(tmp_path / "faculty.csv", [hr_record("E200"), hr_record("E201")])

    result = await hr_import(env, str(path), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "2 rows are valid; nothing published" in result.output
    assert await env.kafka.read_all(env.topics.hr_faculty_records) == []


async def test_a_good_file_lands_on_the_hr_topic_keyed_by_employee_id(env, tmp_path):
    rows = [hr_record("E300"), hr_record("E301", division=None), hr_record("E302")]
    path = write_csv(tmp_path / "faculty.csv", rows)

    result = await hr_import(env, str(path))

    assert result.exit_code == 0, result.output
    assert "Published 3 faculty records" in result.output
    records = await env.kafka.read_all(env.topics.hr_faculty_records)
    published = {r.key.decode(): json.loads(r.value) for r in records}
    assert set(published) == {"E300", "E301", "E302"}
    assert all(doc["employee_id"] == key for key, doc in published.items())
    assert published["E301"]["division"] is None
    assert published["E300"]["service_start_date"] == "2010-08-01"


def test_the_exported_sample_file_passes_validation(tmp_path):
    path = tmp_path / "sample.csv"
    runner = CliRunner()

    exported = runner.invoke(app, ["hr", "export-sample", str(path), "--faculty", "80"])
    checked = runner.invoke(app, ["hr", "import", str(path), "--dry-run"])

    assert exported.exit_code == 0, exported.output
    assert checked.exit_code == 0, checked.output
    assert "80 rows are valid" in checked.output


async def test_a_topic_prefix_no_service_reads_publishes_nothing(env, tmp_path):
    path = write_csv(tmp_path / "faculty.csv", [hr_record("E400")])
    typo = f"typo{env.topics.prefix}"

    result = await hr_import(env, str(path), prefix=typo)

    assert result.exit_code == 2, result.output
    assert f"topic '{typo}hr.faculty-records' does not exist" in result.output
    assert "nothing was published" in result.output
    assert "Check --topic-prefix" in result.output
    assert await env.kafka.read_all(env.topics.hr_faculty_records) == []
    assert await env.kafka.read_all(f"{typo}hr.faculty-records") == []


async def test_one_row_is_counted_in_the_singular(env, tmp_path):
    path = write_csv(tmp_path / "faculty.csv", [hr_record("E500")])

    checked = await hr_import(env, str(path), "--dry-run")
    published = await hr_import(env, str(path))

    assert "1 row is valid; nothing published" in checked.output
    assert "Published 1 faculty record to" in published.output
