"""Checking an HR faculty CSV row by row before anything is published."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import ValidationError

from shared.contracts.common import error_message
from shared.contracts.email import folded_like_the_database
from shared.contracts.hr import FacultyRecord

COLUMNS = list(FacultyRecord.model_fields)
REQUIRED = [name for name, f in FacultyRecord.model_fields.items() if f.is_required()]
# record_version is stored as a PostgreSQL bigint.
LARGEST_VERSION = 2**63 - 1
_INTEGER = re.compile(r"[+-]?\d+")


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
    file_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.problems and bool(self.records)


def check_hr_file(path: Path, *, today: date | None = None) -> CheckedFile:
    """Validate every row of ``path``; the header names FacultyRecord fields."""
    today = today or datetime.now(UTC).date()
    checked = CheckedFile()
    try:
        text = _read_text(path)
    except UnreadableFile as error:
        checked.file_error = str(error)
        return checked
    if not text.strip():
        checked.file_error = f"{path} is empty: expected a header line and data rows"
        return checked
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
        if header_problems := _header_problems(header):
            checked.problems.append(RowProblem(1, "", header_problems))
            return checked
        _check_rows(_numbered_rows(reader), header, today, checked)
    except csv.Error as error:
        checked.file_error = (
            f"{path} is not a readable CSV at line {reader.line_num}: {error}"
        )
        return checked
    if not checked.records and not checked.problems:
        checked.file_error = f"{path} has a header line but no data rows"
    return checked


class UnreadableFile(ValueError):
    """The file is not UTF-8 text; the message names the file and where."""


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise UnreadableFile(
            f"{path} is not UTF-8 text: byte 0x{data[error.start]:02x} at line {line},"
            f" column {column} (byte offset {error.start}) cannot be decoded;"
            " export the file as CSV UTF-8"
        ) from None
    first_line = text.split("\n", 1)[0]
    if "\x00" in first_line:
        line, column = _position(data, data.index(b"\x00"))
        raise UnreadableFile(
            f"{path} looks like a binary file, not a CSV: NUL byte at line {line},"
            f" column {column}"
        )
    return text


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


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
    first_line: dict[str, int] = {}
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
        reasons = _unstorable(document)
        version = document.get("record_version")
        if version is not None and _INTEGER.fullmatch(version):
            document["record_version"] = int(version)
        try:
            record = FacultyRecord.model_validate(document)
        except ValidationError as error:
            reasons += _describe(error)
            record = None
        if record is None or reasons:
            reasons = list(dict.fromkeys(reasons))
            checked.problems.append(RowProblem(line, employee_id, tuple(reasons)))
            continue
        if record.service_start_date > today:
            reasons.append(
                f"service_start_date {record.service_start_date} is in the future"
            )
        if (earlier := first_line.get(record.employee_id)) is not None:
            reasons.append(
                f"employee {record.employee_id} is also on line {earlier} (lines"
                f" {earlier} and {line}); a file holds one record per employee"
            )
        email = folded_like_the_database(record.email)
        owner = emails.get(email)
        if owner is not None and owner[0] != record.employee_id:
            reasons.append(
                f"the same e-mail address as employee {owner[0]} on line {owner[1]}"
            )
        first_line.setdefault(record.employee_id, line)
        emails.setdefault(email, (record.employee_id, line))
        if reasons:
            checked.problems.append(RowProblem(line, employee_id, tuple(reasons)))
        else:
            checked.records.append((line, record))


def _unstorable(document: dict[str, str | None]) -> list[str]:
    """Values PostgreSQL cannot hold, whatever the contract accepts."""
    reasons = [
        f"{name}: contains a NUL character, which cannot be stored"
        for name, value in document.items()
        if value is not None and "\x00" in value
    ]
    version = document.get("record_version")
    if version and _INTEGER.fullmatch(version) and int(version) > LARGEST_VERSION:
        reasons.append(
            f"record_version: {version} is larger than the largest version that can"
            f" be stored ({LARGEST_VERSION})"
        )
    return reasons


def _describe(error: ValidationError) -> list[str]:
    reasons = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "row"
        if item["input"] is None and item["type"] != "missing":
            reasons.append(f"{where}: required, but the cell is empty")
        else:
            reasons.append(f"{where}: {error_message(item)}")
    return reasons
