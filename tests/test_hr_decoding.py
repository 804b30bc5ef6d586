"""Decoding HR records takes a fast path that must decide exactly like the slow one."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date

import pytest

from services.profiles.hr_feed import HR_NAMESPACE, correlation_id_of, decode_hr_record
from shared.contracts.common import validate_contract_json
from shared.contracts.hr import FacultyRecord
from shared.platform.errors import PermanentMessageError
from tests.factories import hr_record


def test_correlation_ids_are_the_name_based_uuids_of_the_record_ids():
    rng = random.Random(7)
    for _ in range(20_000):
        message_id = f"E{rng.randrange(10**7)}:{rng.randrange(1, 2**63)}"
        assert correlation_id_of(message_id) == str(
            uuid.uuid5(HR_NAMESPACE, message_id)
        )
    assert correlation_id_of("Zoë-1:1") == str(uuid.uuid5(HR_NAMESPACE, "Zoë-1:1"))


@pytest.mark.parametrize(
    "raw",
    [
        json.dumps(hr_record("E1", given_name="Ada\u0000")).encode(),
        json.dumps(hr_record("E1", division="Cardio\u0000logy")).encode(),
        json.dumps(hr_record("E1", given_name="Ada\u0000"), ensure_ascii=False)
        .encode()
        .replace(b"\\u0000", b"\x00"),
    ],
    ids=["escaped-in-name", "escaped-in-optional-field", "raw-byte"],
)
def test_nul_characters_are_refused_on_the_fast_path_too(raw):
    with pytest.raises(ValueError, match=r"NUL|control character"):
        validate_contract_json(FacultyRecord, raw)
    with pytest.raises(PermanentMessageError):
        decode_hr_record(raw)


def test_a_number_too_long_to_read_is_refused_in_plain_words():
    raw = json.dumps(hr_record("E1")).replace(
        '"record_version": 1', '"record_version": ' + "1" * 5000
    )
    with pytest.raises(PermanentMessageError, match="number too long to read"):
        decode_hr_record(raw.encode())


def test_a_nul_refusal_names_the_field():
    raw = json.dumps(hr_record("E1", division="Cardio\u0000logy")).encode()
    with pytest.raises(PermanentMessageError, match="division must not contain NUL"):
        decode_hr_record(raw)


def test_text_that_only_mentions_the_escape_is_accepted():
    raw = json.dumps(hr_record("E1", rank="professor \\u0000 emeritus")).encode()
    assert decode_hr_record(raw).payload.rank == "professor \\u0000 emeritus"


BAD = {
    "no value": (None, "EmptyMessage"),
    "empty": (b"", "NotJson"),
    "not utf-8": (b'{"employee_id": "\xff\xfe"}', "NotUtf8"),
    "not json": (b"{employee_id: E1}", "NotJson"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "NotJson"),
    "a list": (b"[1, 2]", "SchemaViolation"),
    "missing id": (
        json.dumps({k: v for k, v in hr_record("E1").items() if k != "employee_id"}),
        "SchemaViolation",
    ),
    "bad e-mail": (
        json.dumps(hr_record("E1", email="not-an-address")),
        "SchemaViolation",
    ),
    "unknown appointment": (
        json.dumps(hr_record("E1", appointment_type="honorary")),
        "SchemaViolation",
    ),
    "version true": (
        json.dumps(hr_record("E1", record_version=True)),
        "SchemaViolation",
    ),
    "version 2.0": (json.dumps(hr_record("E1", record_version=2.0)), "SchemaViolation"),
    **{
        f"start date {written}": (
            json.dumps(hr_record("E1", service_start_date=written)),
            "SchemaViolation",
        )
        for written in (
            "2015-07-01T00:00:00Z",
            "2015-07-01 00:00",
            "2015-7-1",
            "20150701",
            "2015-13-01",
            "2015-02-30",
            "0001-01-01",
            "1899-12-31",
            1435708800,
            None,
        )
    },
    "blank given name": (
        json.dumps(hr_record("E1", given_name=" \t")),
        "SchemaViolation",
    ),
    "a version of 5,000 digits": (
        json.dumps(hr_record("E1")).replace(
            '"record_version": 1', '"record_version": ' + "1" * 5000
        ),
        "NotJson",
    ),
    "NaN version": (
        json.dumps(hr_record("E1")).replace(
            '"record_version": 1', '"record_version": NaN'
        ),
        "SchemaViolation",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_records_are_refused_with_the_slow_paths_reason(name):
    raw, error_class = BAD[name]
    if isinstance(raw, str):
        raw = raw.encode()
    with pytest.raises(PermanentMessageError) as refused:
        decode_hr_record(raw)
    assert refused.value.error_class == error_class


def test_a_good_record_decodes_the_same_on_both_paths():
    raw = json.dumps(
        hr_record(
            "E1", email="Grace.Hopper@Med.Example.EDU", supervisor_employee_id="E0"
        )
    ).encode()
    decoded = decode_hr_record(raw)
    assert decoded.payload == FacultyRecord.model_validate(json.loads(raw))
    assert decoded.message_id == "E1:1"
    assert decoded.correlation_id == str(uuid.uuid5(HR_NAMESPACE, "E1:1"))


def test_start_dates_are_calendar_dates_from_1900():
    earliest = json.dumps(hr_record("E1", service_start_date="1900-01-01")).encode()
    assert decode_hr_record(earliest).payload.service_start_date == date(1900, 1, 1)
    placeholder = json.dumps(hr_record("E1", service_start_date="0001-01-01"))
    with pytest.raises(PermanentMessageError, match="placeholder date"):
        decode_hr_record(placeholder.encode())
    timestamp = json.dumps(hr_record("E1", service_start_date=1435708800))
    with pytest.raises(PermanentMessageError, match="written YYYY-MM-DD"):
        decode_hr_record(timestamp.encode())
    # Records read back from the database hold dates, not text.
    stored = FacultyRecord.model_validate(
        {**hr_record("E1"), "service_start_date": date(2015, 7, 1)}
    )
    assert stored.service_start_date == date(2015, 7, 1)
