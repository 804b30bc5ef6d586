"""The published docs match the code, and their examples are valid messages."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from shared.contracts import EVENT_TYPES
from shared.contracts.hr import FacultyRecord
from shared.contracts.routing import FACULTY_PORTAL, ROUTES, route_of_event
from shared.contracts.topics import Topics
from shared.envelope import Envelope
from shared.platform.runtime import ServiceContext
from tests.kafka import wait_until
from tools.docgen.dead_letters import DLQ_HEADERS
from tools.generate_docs import drift, generate

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.json"))
SERVICES = sorted(path.parent.name for path in ROOT.glob("services/*/__main__.py"))


def test_committed_docs_equal_a_fresh_generation():
    assert drift(DOCS, generate(DOCS)) == [], "run `make docs` and commit"


def test_the_check_mode_fails_when_a_generated_file_was_edited_by_hand(tmp_path):
    copy = tmp_path / "docs"
    shutil.copytree(DOCS, copy)
    command = [sys.executable, "tools/generate_docs.py", "--check", "--docs-dir"]
    clean = subprocess.run(
        [*command, str(copy)], cwd=ROOT, capture_output=True, text=True
    )
    assert clean.returncode == 0, clean.stderr
    (copy / "topics.md").write_text("# hand-edited\n")
    (copy / "schemas" / "Retired.json").write_text("{}\n")
    edited = subprocess.run(
        [*command, str(copy)], cwd=ROOT, capture_output=True, text=True
    )
    assert edited.returncode == 1
    assert "topics.md: out of date" in edited.stderr
    assert "schemas/Retired.json: no longer generated" in edited.stderr


def test_every_topic_is_documented_once_with_its_dead_letter_topic():
    topics = Topics()
    routed = [route.address(topics) for route in ROUTES]
    assert sorted(routed) == sorted(topics.all())
    asyncapi = (DOCS / "asyncapi.yaml").read_text()
    for name in topics.all_with_dlq():
        assert f"address: {name}\n" in asyncapi


def test_every_event_type_travels_on_exactly_one_topic():
    carried = [event for route in ROUTES for event in route.events]
    assert sorted(carried) == sorted([*EVENT_TYPES, "FacultyRecord"]), (
        "add new events to shared/contracts/routing.py"
    )


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _envelope_examples() -> list[Path]:
    return [path for path in EXAMPLES if "event_type" in _load(path)]


def test_the_hr_example_is_a_valid_faculty_record():
    record = _load(DOCS / "examples" / "hr-faculty-record.json")
    FacultyRecord.model_validate(record)
    jsonschema.validate(record, _load(DOCS / "schemas" / "FacultyRecord.json"))


@pytest.mark.parametrize("path", _envelope_examples(), ids=lambda path: path.stem)
def test_each_event_example_is_a_valid_envelope_with_a_valid_payload(path):
    document = _load(path)
    envelope = Envelope.model_validate(document)
    payload = EVENT_TYPES[envelope.event_type].model_validate(envelope.payload)
    route = route_of_event(envelope.event_type)
    assert envelope.subject == str(getattr(payload, route.key))
    jsonschema.validate(document, _load(DOCS / "schemas" / "Envelope.json"))
    jsonschema.validate(
        envelope.payload, _load(DOCS / "schemas" / f"{envelope.event_type}.json")
    )


def test_every_portal_event_has_an_example_shown_in_the_producer_guide():
    guide = (DOCS / "events.md").read_text()
    shown = {_load(path)["event_type"] for path in _envelope_examples()}
    for route in ROUTES:
        if route.producer != FACULTY_PORTAL:
            continue
        for event in route.events:
            assert event in shown, f"docs/examples has no {event}"
            assert f'"event_type": "{event}"' in guide


def test_a_schema_violation_is_rejected_by_the_published_schema():
    record = _load(DOCS / "examples" / "hr-faculty-record.json")
    record["record_version"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, _load(DOCS / "schemas" / "FacultyRecord.json"))


@pytest.mark.parametrize("service", SERVICES)
def test_the_routing_table_names_the_topics_each_service_consumes(service):
    app = importlib.import_module(f"services.{service}.app")
    settings_module = importlib.import_module(f"services.{service}.settings")
    settings_class = next(
        value
        for name, value in vars(settings_module).items()
        if name.endswith("Settings") and value.__module__ == settings_module.__name__
    )
    topics = Topics()
    context = ServiceContext(service, settings_class(), topics)
    subscriptions = app.definition.subscriptions(context)
    consumed = {sub.topic: set(sub.handlers) for sub in subscriptions}
    documented = {
        route.address(topics): set(route.events)
        for route in ROUTES
        if service in route.consumers
    }
    assert set(consumed) == set(documented)
    for topic, handled in consumed.items():
        assert handled <= documented[topic], f"{topic} carries undocumented events"


async def test_a_dead_letter_carries_exactly_the_documented_headers(env):
    from services.profiles.app import definition
    from services.profiles.settings import ProfilesSettings

    await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, b"not json", key=b"E1")
    dead_letters = f"{env.topics.hr_faculty_records}.dlq"

    async def dead_lettered():
        return await env.kafka.read_all(dead_letters)

    [record] = await wait_until(dead_lettered, what="the dead letter")
    added = {name for name, _ in record.headers if name.startswith("dlq.")}
    assert added == {name for name, _ in DLQ_HEADERS}
    assert dict(record.headers)["dlq.error.class"] == b"NotJson"
    assert record.value == b"not json"
