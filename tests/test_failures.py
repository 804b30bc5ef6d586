"""Poison messages and database outages, through the real broker and database."""

from __future__ import annotations

import json
import uuid

from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import REGISTRY

from services.matching import app as matching
from services.matching.settings import MatchingSettings
from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from shared.contracts.matching import RequestSubmitted
from shared.contracts.topics import dead_letter_topic
from shared.platform.metrics import HANDLER_RETRIES
from tests.factories import hr_record, portal_event, volunteered
from tests.kafka import wait_until

EVENTS_DEAD_LETTERED_TOTAL = "micromentor_events_dead_lettered_total"


def _headers(record) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_next_is_processed(
    env,
):
    await env.start(definition, env.settings(ProfilesSettings))
    hr = env.topics.hr_faculty_records
    not_json = b"\xff\xfeEMPLOYEE;E1;not json at all"
    bad_record = json.dumps(hr_record("E900", email="not-an-address")).encode()

    await env.kafka.publish(hr, not_json, "E1")
    await env.kafka.publish(hr, bad_record, "E900")
    await env.kafka.publish(hr, hr_record("E901"), "E901")

    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")
    dead = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), 2),
        what="two dead letters",
    )
    by_value = {record.value: record for record in dead}
    assert set(by_value) == {not_json, bad_record}
    first, second = _headers(by_value[not_json]), _headers(by_value[bad_record])
    assert first["dlq.source.topic"] == hr
    assert first["dlq.error.class"] == "NotUtf8"
    assert second["dlq.error.class"] == "SchemaViolation"
    assert "email" in second["dlq.error.message"]
    for headers in (first, second):
        assert {
            "dlq.source.partition",
            "dlq.source.offset",
            "dlq.attempts",
            "dlq.failed.at",
            "dlq.consumer",
        } <= set(headers)
    assert by_value[bad_record].key == b"E900"


async def test_an_event_that_violates_its_schema_is_dead_lettered_with_the_reason(env):
    await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E910"), "E910")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")
    broken = portal_event(
        type("MentorVolunteered", (), {}),
        {"employee_id": "E910", "topics": [], "max_mentees": 9},
        subject="E910",
        actor="E910",
    )

    labels = {
        "service": "profiles",
        "topic": env.topics.mentor_submissions,
        "event_type": "MentorVolunteered",
        "error_class": "SchemaViolation",
    }
    before = REGISTRY.get_sample_value(EVENTS_DEAD_LETTERED_TOTAL, labels) or 0

    await env.kafka.publish(env.topics.mentor_submissions, broken)
    await env.kafka.publish(env.topics.mentor_submissions, volunteered("E910"))

    await env.kafka.wait_for_events(env.topics.mentors, "MentorApproved")
    [dead] = await env.kafka.read_all(dead_letter_topic(env.topics.mentor_submissions))
    headers = _headers(dead)
    assert headers["dlq.error.class"] == "SchemaViolation"
    assert "max_mentees" in headers["dlq.error.message"]
    # Counted under the event type it claimed to be, a type profiles knows.
    assert REGISTRY.get_sample_value(EVENTS_DEAD_LETTERED_TOTAL, labels) == before + 1


async def _at_least(records_coroutine, count: int):
    records = await records_coroutine
    return records if len(records) >= count else None


async def _committed(bootstrap: str, group: str, topic: str) -> int:
    """The group's committed offsets on ``topic``, summed over partitions."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        total = 0
        for partition in partitions:
            offset = await consumer.committed(TopicPartition(topic, partition))
            total += offset or 0
        return total
    finally:
        await consumer.stop()


def _transient_retries() -> float:
    return sum(
        sample.value
        for metric in HANDLER_RETRIES.collect()
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.labels.get("kind") == "transient"
    )


async def test_while_postgresql_is_down_nothing_is_committed_or_skipped(
    env, own_postgres
):
    settings = env.settings(
        ProfilesSettings,
        database_url=own_postgres.url(),
        consumer_group=f"outage-{env.topics.prefix}",
    )
    runtime = await env.start(definition, settings)
    hr = env.topics.hr_faculty_records
    for n in range(20):
        await env.kafka.publish(hr, hr_record(f"A{n}"), f"A{n}")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged", 20)
    await wait_until(
        lambda: _equals(
            _committed(env.infra.bootstrap_servers, runtime.feed_group_id, hr), 20
        ),
        what="the first 20 offsets to be committed",
    )
    retries_before = _transient_retries()

    own_postgres.stop()
    for n in range(30):
        await env.kafka.publish(hr, hr_record(f"B{n}"), f"B{n}")
    await wait_until(
        lambda: _is_true(_transient_retries() > retries_before + 3),
        what="the service to retry against the stopped database",
    )
    assert (
        await _committed(env.infra.bootstrap_servers, runtime.feed_group_id, hr) == 20
    )

    own_postgres.start()
    await env.kafka.wait_for_events(
        env.topics.faculty, "FacultyProfileChanged", 50, timeout_s=60
    )
    await wait_until(
        lambda: _equals(
            _committed(env.infra.bootstrap_servers, runtime.feed_group_id, hr), 50
        ),
        what="all 50 offsets to be committed",
    )
    async with runtime.context.db.pool.acquire() as conn:
        stored = await conn.fetchval("SELECT count(*) FROM faculty")
    assert stored == 50
    changes = await env.kafka.events(env.topics.faculty, "FacultyProfileChanged")
    assert len({event.subject for event in changes}) == 50


async def _equals(value, expected) -> bool:
    return (await value) == expected


async def _is_true(value: bool) -> bool:
    return value


async def test_json_nested_too_deeply_is_dead_lettered_and_its_neighbours_applied(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    hr = env.topics.hr_faculty_records
    nested = b"[" * 100_000 + b"]" * 100_000
    for n in range(3):
        await env.kafka.publish(hr, hr_record(f"N{n}"), "same-partition")
    await env.kafka.publish(hr, nested, "same-partition")
    for n in range(3, 5):
        await env.kafka.publish(hr, hr_record(f"N{n}"), "same-partition")
    # A header value that is not UTF-8 does not stop a good record.
    await env.kafka.producer.send_and_wait(
        hr,
        json.dumps(hr_record("N5")).encode(),
        key=b"same-partition",
        headers=[("trace", b"\xff\xfe")],
    )

    [dead] = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), 1),
        what="the nested message on the dead-letter topic",
    )
    assert _headers(dead)["dlq.error.class"] == "NotJson"

    async def all_six():
        async with runtime.context.db.pool.acquire() as conn:
            return await conn.fetchval("SELECT count(*) FROM faculty") == 6

    await wait_until(all_six, what="the six records around it")


async def test_values_postgresql_cannot_hold_are_refused_at_once(env):
    await env.start(definition, env.settings(ProfilesSettings))
    hr = env.topics.hr_faculty_records
    too_big = hr_record("V1", record_version=2**70)
    nul = hr_record("V2", given_name="Nul\x00Byte")
    not_whole = hr_record("V3", record_version=2.0)

    for record in (too_big, nul, not_whole):
        await env.kafka.publish(hr, record, record["employee_id"])

    dead = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), 3),
        what="three refused records",
    )
    for record in dead:
        headers = _headers(record)
        assert headers["dlq.error.class"] == "SchemaViolation"
        assert headers["dlq.attempts"] == "1"


async def test_a_misspelt_or_mis_keyed_submission_is_refused_not_skipped(env):
    await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("S1"), "S1")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")
    misspelt = volunteered("S1").model_copy(update={"event_type": "MentorVolunterd"})
    mis_keyed = volunteered("S1").model_copy(update={"subject": "S2"})

    await env.kafka.publish(env.topics.mentor_submissions, misspelt, "S1")
    await env.kafka.publish(env.topics.mentor_submissions, mis_keyed, "S1")

    dead = await wait_until(
        lambda: _at_least(
            env.kafka.read_all(dead_letter_topic(env.topics.mentor_submissions)), 2
        ),
        what="both submissions refused",
    )
    classes = sorted(_headers(record)["dlq.error.class"] for record in dead)
    assert classes == ["SubjectMismatch", "UnknownEventType"]


async def test_what_the_kafka_client_cannot_read_is_dead_lettered_not_dropped(env):
    """Bodies and headers a service never gets as far as decoding itself."""
    await env.start(matching.definition, env.settings(MatchingSettings))
    requests = env.topics.mentoring_requests
    producer = env.kafka.producer
    nested = b"[" * 5_000 + b"]" * 5_000
    labelled_json = b"not json, though labelled so"
    odd_header = b"not json, with a header that is not UTF-8"

    await producer.send_and_wait(requests, nested, key=b"K")
    await producer.send_and_wait(
        requests,
        labelled_json,
        key=b"K",
        headers=[("content-type", b"application/json")],
    )
    await producer.send_and_wait(
        requests, odd_header, key=b"K", headers=[("trace", b"\xff\xfe")]
    )
    request_id = str(uuid.uuid4())
    after = portal_event(
        RequestSubmitted,
        {
            "request_id": request_id,
            "mentee_employee_id": "NOBODY",
            "topic": "academic-promotion",
            "need_statement": "How do I prepare my promotion dossier?",
            "meetings": 1,
        },
        subject=request_id,
        actor="NOBODY",
    )
    await env.kafka.publish(requests, after, "K")

    dead = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(requests)), 3),
        what="three dead letters",
    )
    classes = {
        record.value: dict(record.headers)["dlq.error.class"].decode()
        for record in dead
    }
    assert classes == {
        nested: "NotJson",
        labelled_json: "NotJson",
        odd_header: "NotJson",
    }
    await env.kafka.wait_for_events(env.topics.matching, "RequestRejected")
