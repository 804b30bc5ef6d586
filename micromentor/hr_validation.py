"""Checking an HR faculty CSV row by row before anything is published."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from shared.contracts.hr import FacultyRecord

COLUMNS = list(FacultyRecord.model_fields)
REQUIRED = [name for name, f in FacultyRecord.model_fields.items() if f.is_required()]


@dataclass(frozen=True)
class RowProblem:
    line: int
    employee_id: str
    reasons: tuple[str, ...]


@dataclass
class CheckedFile:
    """Every valid record with its line, and every problem found."""

    records: list[tuple[int, FacultyRecord]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.records)


def check_hr_file(path: Path, *, today: date | None = None) -> CheckedFile:
    """Validate every row of ``path``; the header names FacultyRecord fields."""
    today = today or datetime.now(UTC).date()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        checked = CheckedFile()
        if header is None:
            checked.problems.append(RowProblem(1, "", ("the file is empty",)))
            return checked
        header = [name.strip() for name in header]
        if header_problems := _header_problems(header):
            checked.problems.append(RowProblem(1, "", header_problems))
            return checked
        _check_rows(_numbered_rows(reader), header, today, checked)
    if not checked.records and not checked.problems:
        checked.problems.append(RowProblem(2, "", ("the file has no data rows",)))
    return checked


def _header_problems(header: list[str]) -> tuple[str, ...]:
    problems = []
    if missing := [name for name in REQUIRED if name not in header]:
        problems.append(f"missing columns: {', '.join(missing)}")
    if unknown := [name for name in header if name not in COLUMNS]:
        problems.append(
            f"unknown columns: {', '.join(unknown)} (expected {', '.join(COLUMNS)})"
        )
    if len(set(header)) != len(header):
        problems.append("a column appears more than once")
    return tuple(problems)


def _numbered_rows(reader) -> Iterable[tuple[int, list[str]]]:
    first_line = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            yield first_line, row
        first_line = reader.line_num + 1


def _check_rows(rows, header, today: date, checked: CheckedFile) -> None:
    versions: dict[tuple[str, int], int] = {}
    emails: dict[str, tuple[str, int]] = {}
    for line, row in rows:
        position = header.index("employee_id")
        employee_id = row[position].strip() if position < len(row) else ""
        if len(row) != len(header):
            reason = f"has {len(row)} cells; the header has {len(header)}"
            checked.problems.append(RowProblem(line, employee_id, (reason,)))
            continue
        document = {
            name: (value.strip() or None)
            for name, value in zip(header, row, strict=True)
        }
        try:
            record = FacultyRecord.model_validate(document)
        except ValidationError as error:
            checked.problems.append(
                RowProblem(line, employee_id, tuple(_describe(error)))
            )
            continue
        reasons = []
        if record.service_start_date > today:
            reasons.append(
                f"service_start_date {record.service_start_date} is in the future"
            )
        version = (record.employee_id, record.record_version)
        if version in versions:
            reasons.append(
                f"employee {record.employee_id} with record_version"
                f" {record.record_version} is also on line {versions[version]}"
            )
        email = str(record.email).lower()
        owner = emails.get(email)
        if owner is not None and owner[0] != record.employee_id:
            reasons.append(
                f"the same e-mail address as employee {owner[0]} on line {owner[1]}"
            )
        versions.setdefault(version, line)
        emails.setdefault(email, (record.employee_id, line))
        if reasons:
            checked.problems.append(RowProblem(line, employee_id, tuple(reasons)))
        else:
            checked.records.append((line, record))


def _describe(error: ValidationError) -> list[str]:
    reasons = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "row"
        reasons.append(f"{where}: {item['msg']}")
    return reasons
