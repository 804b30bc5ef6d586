"""The fast e-mail check agrees with email-validator wherever it decides."""

from __future__ import annotations

import random

import pytest
from email_validator import validate_email
from pydantic import ValidationError

from shared.contracts.email import _plain, checked_email
from shared.contracts.hr import FacultyRecord
from tests.factories import hr_record

_PIECES = [
    *"abcdexyzABCXYZ0189",
    *".-_+'!#$%&*/=?^`{|}~",
    "@",
    "..",
    "--",
    "xn--",
    "é",
    "ß",
    " ",
    '"',
    "(",
    "[",
    "\\",
    ".test",
    ".local",
    ".edu",
    ".example.edu",
    "localhost",
    "med",
]


def _reference(address: str) -> str | None:
    """email-validator's verdict, within RFC 5321's 64 characters before the @."""
    try:
        checked = validate_email(address, check_deliverability=False)
    except Exception:
        return None
    return checked.normalized if len(checked.local_part) <= 64 else None


_PLAIN_PIECES = [*"abcxyzABZ019", *".-_+'", ".edu", "med", "xn--", "--", "WwW"]


def _candidates(count: int) -> list[str]:
    """Random addresses: half from plain characters, half from anything."""
    generator = random.Random(20261204)
    addresses = []
    for index in range(count):
        pieces = _PLAIN_PIECES if index % 2 else _PIECES
        local = "".join(generator.choices(pieces, k=generator.randint(1, 8)))
        domain = "".join(generator.choices(pieces, k=generator.randint(1, 8)))
        if generator.random() < 0.5:
            domain = domain.strip(".-@ ") + generator.choice(
                [".edu", ".org", ".example.edu", ".c0m", ".9", ".a-b"]
            )
        addresses.append(f"{local}@{domain}")
    return addresses


def test_every_plain_address_the_fast_check_accepts_email_validator_accepts_alike():
    plain = 0
    for address in _candidates(30_000):
        fast = _plain(address)
        if fast is None:
            continue
        plain += 1
        assert _reference(address) == fast, address
    # The generator must exercise the fast path, not only the fallback.
    assert plain > 2_000


@pytest.mark.parametrize(
    "address",
    [
        "Jane.Doe@Med.Example.EDU",
        "Postmaster@Med.Example.edu",
        "ABUSE@x.edu",
        "WWw@Q.Pp",
        "o'brien+mentoring@dept.med.example.edu",
        "a@b.co",
        "é@example.org",
        "user@xn--bcher-kva.de",
        "a" * 64 + "@example.edu",
        "a" * 65 + "@example.edu",
        "x@" + "d" * 63 + ".edu",
        "x@" + "d" * 64 + ".edu",
        "x@" + ".".join(["d" * 60] * 5) + ".edu",
        "a..b@example.edu",
        ".a@example.edu",
        "a.@example.edu",
        "a@-b.edu",
        "a@b-.edu",
        "a@b",
        "a@1.2",
        "a@example.test",
        "a@mail.localhost",
        "a@[127.0.0.1]",
        '"quoted"@example.edu',
        "no-at-sign.example.edu",
        "Jane Doe <jane@example.edu>",
        "<jane@example.edu>",
        " lead@example.edu",
        "lead@example.edu ",
        "é" * 65 + "@example.edu",
    ],
)
def test_the_contract_check_decides_exactly_as_email_validator(address):
    expected = _reference(address)
    if expected is None:
        with pytest.raises(Exception, match="not a valid email address"):
            checked_email(address)
    else:
        assert checked_email(address) == expected


def test_a_faculty_record_with_a_bad_address_is_refused_with_the_reason():
    record = {
        "employee_id": "E1",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "email": "ada@@example.edu",
        "department": "Medicine",
        "rank": "professor",
        "appointment_type": "full_time_regular",
        "service_start_date": "2001-02-03",
        "employment_status": "active",
        "record_version": 1,
    }
    with pytest.raises(ValidationError, match="not a valid email address"):
        FacultyRecord.model_validate(record)
    record["email"] = "Ada@Example.EDU"
    assert FacultyRecord.model_validate(record).email == "Ada@example.edu"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("Jane Doe <jane@example.edu>", "display name"),
        (" lead@example.edu", "SPACE"),
        ("a" * 65 + "@example.edu", "longer than 64"),
    ],
)
def test_only_a_bare_address_is_taken(address, reason):
    with pytest.raises(ValidationError, match=reason):
        FacultyRecord.model_validate(hr_record("E1", email=address))


async def test_lower_case_without_a_database_matches_postgresql(env):
    import asyncpg

    from shared.contracts.email import folded_like_the_database

    samples = [
        "aΣ@x.edu",
        "ΣΑΣ",
        "İlknur",
        "\u0131lker",
        "STRAẞE",
        "ǅan",
        "Kelvin",
        "ﬁle",
    ]
    conn = await asyncpg.connect(env.database_url)
    try:
        lowered = await conn.fetch(
            "SELECT lower(s) AS l FROM unnest($1::text[]) s", samples
        )
    finally:
        await conn.close()
    assert [folded_like_the_database(s) for s in samples] == [r["l"] for r in lowered]
