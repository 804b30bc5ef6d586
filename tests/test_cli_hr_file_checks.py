"""``micromentor hr import`` refuses files it cannot read or values it cannot store."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from micromentor.cli import app
from micromentor.hr_validation import COLUMNS
from tests.factories import hr_record
from tests.test_cli_hr_import import write_csv

HEADER = ",".join(COLUMNS) + "\n"


def check(path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["hr", "import", str(path), "--dry-run"], env={"COLUMNS": "250"}
    )
    return result.exit_code, result.output


def row(record: dict) -> str:
    return ",".join(str(record.get(name) or "") for name in COLUMNS) + "\n"


def test_a_latin_1_file_is_refused_in_one_line_naming_the_file_and_line(tmp_path):
    path = tmp_path / "faculty-latin1.csv"
    good = row(hr_record("E100"))
    accented = row(hr_record("E101", family_name="Müller"))
    path.write_bytes((HEADER + good + accented).encode("latin-1"))

    code, output = check(path)

    assert code == 1, output
    assert len(output.strip().splitlines()) == 1, output
    assert f"{path} is not UTF-8 text" in output
    assert "byte 0xfc at line 3" in output
    assert "Traceback" not in output


def test_a_binary_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 8)

    code, output = check(path)

    assert code == 1, output
    assert len(output.strip().splitlines()) == 1, output
    assert str(path) in output
    assert "Traceback" not in output


def test_a_text_file_starting_with_nul_bytes_is_called_binary(tmp_path):
    path = tmp_path / "dump.bin"
    path.write_bytes(b"\x00\x00\x00\x01ELF\n\x00\x00")

    code, output = check(path)

    assert code == 1, output
    assert f"{path} looks like a binary file" in output


def test_an_empty_file_says_it_is_empty_rather_than_counting_a_bad_row(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")

    code, output = check(path)

    assert code == 1, output
    assert f"{path} is empty" in output
    assert "bad row" not in output


def test_a_header_only_file_says_it_has_no_data_rows(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text(HEADER)

    code, output = check(path)

    assert code == 1, output
    assert f"{path} has a header line but no data rows" in output
    assert "bad row" not in output


def test_one_bad_row_is_counted_in_the_singular(tmp_path):
    path = write_csv(
        tmp_path / "faculty.csv",
        [hr_record("E100"), hr_record("E101", email="not-an-address")],
    )

    code, output = check(path)

    assert code == 1, output
    assert "1 bad row in" in output
    assert "fix the 1 bad row above (1 row was valid)" in output
    assert "1 bad rows" not in output


def test_the_same_employee_twice_with_different_versions_names_both_lines(tmp_path):
    path = write_csv(
        tmp_path / "faculty.csv",
        [
            hr_record("E100", record_version=1),
            hr_record("E101"),
            hr_record("E100", record_version=2),
        ],
    )

    code, output = check(path)

    assert code == 1, output
    assert re.search(r"│\s+4\s+│\s+E100\s+│[^\n]*lines 2 and 4", output), output


def test_a_version_beyond_a_64_bit_integer_is_refused(tmp_path):
    path = write_csv(
        tmp_path / "faculty.csv",
        [hr_record("E100", record_version=2**63), hr_record("E101")],
    )

    code, output = check(path)

    assert code == 1, output
    assert re.search(r"│\s+2\s+│\s+E100\s+│[^\n]*record_version", output), output
    assert "Nothing was published" in output


def test_a_nul_character_in_a_name_is_refused(tmp_path):
    path = tmp_path / "faculty.csv"
    path.write_text(HEADER + row(hr_record("E100", given_name="A\x00da")))

    code, output = check(path)

    assert code == 1, output
    assert re.search(r"│\s+2\s+│\s+E100\s+│[^\n]*given_name: contains a NUL", output)


def test_an_empty_required_cell_is_called_empty(tmp_path):
    path = tmp_path / "faculty.csv"
    path.write_text(HEADER + row(hr_record("E120")) + row(hr_record("E121", email="")))

    code, output = check(path)

    assert code == 1, output
    assert "email: required, but the cell is empty" in output
    assert "valid string" not in output


def test_a_bad_header_is_named_as_the_header_not_as_a_row(tmp_path):
    path = tmp_path / "faculty.csv"
    path.write_text(HEADER.replace("email", "e_mail") + row(hr_record("E130")))

    code, output = check(path)

    assert code == 1, output
    assert "fix the header line above" in output
    assert "bad row" not in output.split("Nothing was published")[1]


def test_versions_in_a_csv_file_are_whole_numbers_written_as_text(tmp_path):
    path = write_csv(tmp_path / "faculty.csv", [hr_record("E140", record_version=7)])

    code, output = check(path)

    assert code == 0, output


def test_addresses_in_a_file_are_the_same_exactly_when_the_database_says_so(tmp_path):
    """Lower case as PostgreSQL has it, not as Python has it."""
    path = write_csv(
        tmp_path / "faculty.csv",
        [
            hr_record("E200", email="İlknur@med.example.edu"),
            hr_record("E201", email="ilknur@med.example.edu"),
            # A capital sigma and a final small sigma: different in lower case.
            hr_record("E202", email="bΣ@med.example.edu"),
            hr_record("E203", email="bς@med.example.edu"),
        ],
    )

    code, output = check(path)

    assert code == 1, output
    assert "1 bad row in" in output, output
    assert re.search(r"│\s+3\s+│\s+E201\s+│[^\n]*employee E200 on line 2", output)
