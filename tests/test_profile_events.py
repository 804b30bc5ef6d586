"""Profile events built on the bulk path read exactly like validated ones."""

from __future__ import annotations

import json
import uuid

from services.profiles.hr_feed import profile_changed
from shared.contracts.hr import FacultyRecord
from shared.contracts.profiles import FacultyProfileChanged
from shared.envelope import Envelope, new_event
from tests.factories import hr_record


def test_a_bulk_built_profile_event_equals_one_built_with_full_validation():
    record = FacultyRecord.model_validate(
        hr_record("E7", email="Grace.Hopper@Med.Example.EDU", division=None)
    )
    correlation = uuid.uuid4()

    bulk = profile_changed(record, correlation, "profiles")
    checked = new_event(
        FacultyProfileChanged.model_validate(
            record.model_dump(include=set(FacultyProfileChanged.model_fields))
        ),
        subject=record.employee_id,
        producer="profiles",
        correlation_id=correlation,
    )

    def comparable(envelope: Envelope) -> dict:
        document = json.loads(envelope.to_bytes())
        del document["event_id"], document["occurred_at"]
        return document

    assert comparable(bulk) == comparable(checked)
    assert bulk.key_bytes() == b"E7"
    reread = Envelope.model_validate_json(bulk.to_bytes())
    assert FacultyProfileChanged.model_validate(reread.payload).email == (
        "Grace.Hopper@med.example.edu"
    )
