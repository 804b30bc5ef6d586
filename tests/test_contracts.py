"""Every contract refuses NUL characters, however the text arrives."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from shared.contracts.common import validate_contract_json
from shared.contracts.profiles import MentorVolunteered
from tests.factories import volunteered


def _fields(**overrides) -> dict:
    return {**volunteered("E1").payload, **overrides}


@pytest.mark.parametrize(
    "validate",
    [
        lambda fields: MentorVolunteered.model_validate(fields),
        lambda fields: MentorVolunteered.model_validate_json(json.dumps(fields)),
        lambda fields: validate_contract_json(
            MentorVolunteered, json.dumps(fields).encode()
        ),
    ],
    ids=["python", "json", "json-fast-path"],
)
def test_nul_in_text_is_refused(validate):
    assert validate(_fields()).statement.startswith("I chaired")
    with pytest.raises(ValidationError, match="NUL"):
        validate(_fields(statement="I chaired\x00 the committee"))


def test_an_escaped_backslash_before_u0000_is_not_a_nul():
    text = "path C:\\u0000\\notes"  # a backslash, then the letters u0000
    decoded = validate_contract_json(
        MentorVolunteered, json.dumps(_fields(statement=text)).encode()
    )
    assert decoded.statement == text
