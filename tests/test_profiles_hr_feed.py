"""The HR feed in bulk: batches, versions, replays and every kind of bad record."""

from __future__ import annotations

import json
import uuid

import pytest
from prometheus_client import REGISTRY

from services.profiles.adapters import repository
from services.profiles.app import definition
from services.profiles.handlers import ProfilesHandlers
from services.profiles.hr_feed import decode_hr_record
from services.profiles.settings import ProfilesSettings
from shared.contracts.hr import FacultyRecord
from shared.contracts.topics import dead_letter_topic
from shared.platform.errors import ConcurrentChange, FailureKind, classify
from tests.factories import hr_record, today_plus_years
from tests.kafka import wait_until


async def _faculty(runtime) -> dict[str, dict]:
    async with runtime.context.db.pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM faculty")
    return {row["employee_id"]: dict(row) for row in rows}


async def _published(env, topic, records) -> None:
    for record in records:
        await env.kafka.publish(topic, record, record["employee_id"])


async def test_a_shuffled_feed_with_duplicates_keeps_the_newest_version(env):
    hr = env.topics.hr_faculty_records
    records = []
    for n in range(300):
        for version in (2, 1, 3, 3):
            records.append(
                hr_record(f"H{n}", record_version=version, rank=f"rank-v{version}")
            )
    await _published(env, hr, records)
    runtime = await env.start(definition, env.settings(ProfilesSettings))

    async def all_stored():
        stored = await _faculty(runtime)
        return stored if len(stored) == 300 else None

    stored = await wait_until(all_stored, what="300 faculty")
    assert {row["rank"] for row in stored.values()} == {"rank-v3"}
    assert {row["record_version"] for row in stored.values()} == {3}
    changes = await env.kafka.wait_for_events(
        env.topics.faculty, "FacultyProfileChanged", 300
    )
    assert len({event.subject for event in changes}) == 300


async def test_replaying_the_whole_feed_changes_nothing(env):
    hr = env.topics.hr_faculty_records
    refused = hr_record("R-future", service_start_date=today_plus_years(1))
    await _published(env, hr, [hr_record(f"R{n}") for n in range(50)] + [refused])
    first = await env.start(
        definition, env.settings(ProfilesSettings, consumer_group="first-pass")
    )
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged", 50)
    await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), 1),
        what="the refused record on the dead-letter topic",
    )
    before = await _faculty(first)
    await env.stop(first)
    stale_before = _sample("micromentor_hr_records_stale_total")
    redelivered_refusals = _redelivered_refusals(hr)
    redelivered_refusals_before = _sample(*redelivered_refusals)

    replay = await env.start(
        definition, env.settings(ProfilesSettings, consumer_group="replay-from-start")
    )
    await _published(env, hr, [hr_record("R-last")])
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged", 51)
    after = await _faculty(replay)

    assert {k: v for k, v in after.items() if k != "R-last"} == before
    changes = await env.kafka.events(env.topics.faculty, "FacultyProfileChanged")
    assert len(changes) == 51
    # Every replayed record was recognised as already stored, and the refused
    # one was not dead-lettered a second time.
    await wait_until(
        lambda: _is_true(
            _sample("micromentor_hr_records_stale_total") - stale_before >= 50
            and _sample(*redelivered_refusals) > redelivered_refusals_before
        ),
        what="the whole feed replayed",
    )
    assert _sample("micromentor_hr_records_stale_total") - stale_before == 50
    assert len(await env.kafka.read_all(dead_letter_topic(hr))) == 1


def _redelivered_refusals(topic: str) -> tuple[str, dict]:
    labels = {
        "service": "profiles",
        "topic": topic,
        "event_type": "FacultyRecord",
        "outcome": "duplicate",
    }
    return "micromentor_events_consumed_total", labels


def _sample(name: str, labels: dict | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def _is_true(value: bool) -> bool:
    return value


def _bad_records() -> dict[bytes, str]:
    without_id = {k: v for k, v in hr_record("X1").items() if k != "employee_id"}
    return {
        b"\xc3\x28 not utf-8": "NotUtf8",
        b"{not json": "NotJson",
        json.dumps(without_id).encode(): "SchemaViolation",
        json.dumps(hr_record("X2", email="nobody-at-example")).encode(): (
            "SchemaViolation"
        ),
        json.dumps(hr_record("X3", appointment_type="honorary")).encode(): (
            "SchemaViolation"
        ),
        json.dumps(hr_record("X4", service_start_date=today_plus_years(1))).encode(): (
            "StartDateInFuture"
        ),
        json.dumps(
            hr_record("X5", service_start_date="2015-07-01T00:00:00Z")
        ).encode(): ("SchemaViolation"),
        json.dumps(hr_record("X7", service_start_date="0001-01-01")).encode(): (
            "SchemaViolation"
        ),
        json.dumps(hr_record("X8", record_version="3")).encode(): "SchemaViolation",
        json.dumps(hr_record("X6", email="g1@med.example.edu")).encode(): (
            "DuplicateEmail"
        ),
    }


async def test_every_kind_of_bad_record_is_dead_lettered_and_the_rest_applied(env):
    hr = env.topics.hr_faculty_records
    bad = _bad_records()
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _published(env, hr, [hr_record(f"G{n}") for n in range(1, 6)])
    await wait_until(lambda: _stored_count(runtime, 5), what="the first records")
    for value in bad:
        await env.kafka.publish(hr, value, "bad")
    await _published(env, hr, [hr_record("G6")])

    dead = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), len(bad)),
        what="every bad record on the dead-letter topic",
    )
    classes = {
        record.value: dict(record.headers)["dlq.error.class"].decode()
        for record in dead
    }
    assert classes == bad
    stored = await wait_until(
        lambda: _stored_count(runtime, 6), what="the six good records"
    )
    assert set(stored) == {f"G{n}" for n in range(1, 7)}


async def _at_least(records_coroutine, count):
    records = await records_coroutine
    return records if len(records) >= count else None


async def _stored_count(runtime, count):
    stored = await _faculty(runtime)
    return stored if len(stored) == count else None


async def test_when_the_newest_version_is_refused_for_its_address_the_one_before_stands(
    env,
):
    hr = env.topics.hr_faculty_records
    settings = env.settings(ProfilesSettings)
    await _published(env, hr, [hr_record("OWN1", email="own1@med.example.edu")])
    runtime = await env.start(definition, settings)
    await wait_until(lambda: _stored_count(runtime, 1), what="OWN1 stored")
    await env.stop(runtime)
    # Both versions wait for the restarted service, so they arrive in one batch.
    first = hr_record("X1", email="x1@med.example.edu", rank="first")
    second = {**first, "email": "own1@med.example.edu", "record_version": 2}
    await _published(env, hr, [first, second])
    runtime = await env.start(definition, settings)

    [dead] = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), 1),
        what="X1's second version refused",
    )
    assert json.loads(dead.value)["record_version"] == 2
    stored = await wait_until(lambda: _stored_count(runtime, 2), what="X1 stored")
    assert stored["X1"]["record_version"] == 1
    assert stored["X1"]["email"] == "x1@med.example.edu"


async def test_replaying_an_old_version_whose_address_moved_on_is_ignored(env):
    hr = env.topics.hr_faculty_records
    y_old = hr_record("Y1", email="y-old@med.example.edu")
    y_new = {**y_old, "email": "y-new@med.example.edu", "record_version": 2}
    await _published(env, hr, [y_old, y_new])
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await wait_until(lambda: _version_stored(runtime, "Y1", 2), what="Y1 moved")
    await _published(env, hr, [hr_record("Z1", email="y-old@med.example.edu")])
    await wait_until(lambda: _stored_count(runtime, 2), what="Z1 took Y1's old address")
    stale_before = _sample("micromentor_hr_records_stale_total")

    await _published(env, hr, [y_old])
    await wait_until(
        lambda: _is_true(_sample("micromentor_hr_records_stale_total") > stale_before),
        what="Y1's old version ignored",
    )
    assert await env.kafka.read_all(dead_letter_topic(hr)) == []
    stored = await _faculty(runtime)
    assert stored["Y1"]["record_version"] == 2
    assert stored["Z1"]["email"] == "y-old@med.example.edu"

    # One record at a time (the path a batch that failed falls back to) agrees.
    handlers = ProfilesHandlers(runtime.context.settings, runtime.context.topics)
    async with runtime.context.db.unit_of_work() as uow:
        await handlers.apply_faculty_record(
            uow, decode_hr_record(json.dumps(y_old).encode())
        )
    assert await _faculty(runtime) == stored


async def _version_stored(runtime, employee_id: str, version: int) -> bool:
    stored = await _faculty(runtime)
    return stored.get(employee_id, {}).get("record_version") == version


async def test_an_address_taken_between_check_and_write_is_retried(env):
    """What a batch of another partition storing the same address meanwhile causes."""
    hr = env.topics.hr_faculty_records
    await _published(env, hr, [hr_record("FIRST", email="same@med.example.edu")])
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await wait_until(lambda: _stored_count(runtime, 1), what="FIRST stored")
    late = FacultyRecord.model_validate(hr_record("LATE", email="SAME@med.example.edu"))
    with pytest.raises(ConcurrentChange) as raised:
        async with runtime.context.db.unit_of_work() as uow:
            await repository.store_and_announce(
                uow.conn,
                [late],
                [uuid.uuid4()],
                topic=env.topics.faculty,
                producer="profiles",
            )
    # Retried a few times (one retry settles a true race), not forever.
    assert classify(raised.value) is FailureKind.UNEXPECTED


@pytest.mark.parametrize(
    ("held", "claimed"),
    [
        # Python lower-cases a capital sigma at the end of a word to the final
        # form, PostgreSQL to the ordinary small sigma.
        ("aΣ@med.example.edu", "aΣ@med.example.edu"),
        # Python lower-cases İ to i and a combining dot, PostgreSQL to i.
        ("ilknur.yilmaz@med.example.edu", "İlknur.Yilmaz@med.example.edu"),
    ],
    ids=["final-sigma", "dotted-capital-i"],
)
async def test_addresses_are_compared_in_lower_case_as_the_database_has_it(
    env, held, claimed
):
    hr = env.topics.hr_faculty_records
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(hr, hr_record("HOLDER", email=held), "p")
    await wait_until(lambda: _stored_count(runtime, 1), what="the holder stored")
    await env.kafka.publish(hr, hr_record("CLAIMER", email=claimed), "p")
    await env.kafka.publish(hr, hr_record("BEHIND"), "p")

    await wait_until(lambda: _stored_count(runtime, 2), what="the record behind")
    dead = await wait_until(
        lambda: _at_least(env.kafka.read_all(dead_letter_topic(hr)), 1),
        what="the claim refused",
    )
    headers = dict(dead[0].headers)
    assert headers["dlq.error.class"] == b"DuplicateEmail"
    assert b"belongs to employee HOLDER" in headers["dlq.error.message"]
    assert set(await _faculty(runtime)) == {"HOLDER", "BEHIND"}


async def test_a_claim_the_check_keeps_missing_is_dead_lettered_not_retried_forever(
    env, monkeypatch
):
    """Should the check and the unique index ever disagree, the feed moves on."""
    hr = env.topics.hr_faculty_records
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(hr, hr_record("HOLDER", email="x@med.example.edu"), "p")
    await wait_until(lambda: _stored_count(runtime, 1), what="the holder stored")
    looked_up = repository.holders

    async def blind(conn, employee_ids, addresses):
        _stored, folded = await looked_up(conn, employee_ids, addresses)
        return [], folded  # sees no one holding anything

    monkeypatch.setattr(repository, "holders", blind)
    await env.kafka.publish(hr, hr_record("CLAIMER", email="x@med.example.edu"), "p")
    await env.kafka.publish(hr, hr_record("BEHIND"), "p")

    await wait_until(lambda: _stored_count(runtime, 2), what="the record behind")
    dead = await env.kafka.read_all(dead_letter_topic(hr))
    assert [dict(r.headers)["dlq.error.class"] for r in dead] == [b"ConcurrentChange"]


async def test_an_older_version_is_ignored_even_when_it_would_be_refused(env):
    """Stale records are not judged: a replayed mistake HR since fixed stays quiet."""
    hr = env.topics.hr_faculty_records
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(hr, hr_record("C", record_version=5), "p")
    await wait_until(lambda: _stored_count(runtime, 1), what="version 5 stored")
    stale_before = _sample("micromentor_hr_records_stale_total")
    future = hr_record("C", record_version=3, service_start_date=today_plus_years(1))
    await env.kafka.publish(hr, future, "p")
    await env.kafka.publish(hr, hr_record("BEHIND"), "p")

    await wait_until(lambda: _stored_count(runtime, 2), what="the record behind")
    assert await _dead_lettered(env) == []
    assert (await _faculty(runtime))["C"]["record_version"] == 5
    assert _sample("micromentor_hr_records_stale_total") == stale_before + 1


async def _dead_lettered(env) -> list[tuple[str, int]]:
    records = await env.kafka.read_all(dead_letter_topic(env.topics.hr_faculty_records))
    return sorted(
        (json.loads(r.value)["employee_id"], json.loads(r.value)["record_version"])
        for r in records
    )


async def _one_batch(env, records: list[dict]) -> None:
    """Publish on one partition (one key) before the service starts: one batch."""
    for record in records:
        await env.kafka.publish(env.topics.hr_faculty_records, record, "one-batch")


async def test_a_batch_decides_every_address_as_applying_its_records_in_order_would(
    env,
):
    def person(employee_id, email, version=1):
        return hr_record(employee_id, email=email, record_version=version)

    await _one_batch(
        env,
        [
            # A takes x@ after B has it: A's second version is refused.
            person("A", "a@med.example.edu"),
            person("B", "x@med.example.edu"),
            person("A", "x@med.example.edu", 2),
            # D asks for y@ while C holds it, before C moves on: D is refused.
            person("C", "y@med.example.edu"),
            person("D", "y@med.example.edu"),
            person("C", "z@med.example.edu", 2),
        ],
    )
    runtime = await env.start(definition, env.settings(ProfilesSettings))

    await wait_until(lambda: _stored_count(runtime, 3), what="A, B and C stored")
    await wait_until(lambda: _at_least(_dead_lettered(env), 2), what="two refusals")
    stored = await _faculty(runtime)
    assert {k: (v["record_version"], v["email"]) for k, v in stored.items()} == {
        "A": (1, "a@med.example.edu"),
        "B": (1, "x@med.example.edu"),
        "C": (2, "z@med.example.edu"),
    }
    assert await _dead_lettered(env) == [("A", 2), ("D", 1)]


async def test_addresses_trading_places_within_a_batch_end_as_in_order(env):
    hr = env.topics.hr_faculty_records
    settings = env.settings(ProfilesSettings)
    await _published(
        env,
        hr,
        [
            hr_record("E", email="x@med.example.edu"),
            hr_record("F", email="y@med.example.edu"),
        ],
    )
    runtime = await env.start(definition, settings)
    await wait_until(lambda: _stored_count(runtime, 2), what="E and F stored")
    await env.stop(runtime)
    # E leaves x@ for z@, F takes x@, E takes F's old y@: E and F swapped.
    await _one_batch(
        env,
        [
            hr_record("E", email="z@med.example.edu", record_version=2),
            hr_record("F", email="x@med.example.edu", record_version=2),
            hr_record("E", email="y@med.example.edu", record_version=3),
        ],
    )
    runtime = await env.start(definition, settings)

    await wait_until(lambda: _version_stored(runtime, "E", 3), what="E at version 3")
    stored = await _faculty(runtime)
    assert stored["E"]["email"] == "y@med.example.edu"
    assert (stored["F"]["record_version"], stored["F"]["email"]) == (
        2,
        "x@med.example.edu",
    )
    assert await _dead_lettered(env) == []


async def test_a_refused_record_stays_refused_when_the_feed_is_replayed(env):
    hr = env.topics.hr_faculty_records
    await _published(
        env,
        hr,
        [
            hr_record("G", email="g@med.example.edu"),
            hr_record("H", email="h@med.example.edu"),
        ],
    )
    first = await env.start(
        definition, env.settings(ProfilesSettings, consumer_group="first")
    )
    await wait_until(lambda: _stored_count(first, 2), what="G and H stored")
    # G asks for H's address (refused); then H moves on, freeing it.
    await _published(
        env, hr, [hr_record("G", email="h@med.example.edu", record_version=2)]
    )
    await wait_until(lambda: _at_least(_dead_lettered(env), 1), what="G refused")
    await _published(
        env, hr, [hr_record("H", email="h2@med.example.edu", record_version=2)]
    )
    await wait_until(lambda: _version_stored(first, "H", 2), what="H moved")
    await env.stop(first)

    refusals_seen = _sample(*_redelivered_refusals(hr))
    replay = await env.start(
        definition, env.settings(ProfilesSettings, consumer_group="replay")
    )
    await wait_until(
        lambda: _is_true(_sample(*_redelivered_refusals(hr)) > refusals_seen),
        what="the replay to reach G's refused record",
    )
    stored = await _faculty(replay)
    assert (stored["G"]["record_version"], stored["G"]["email"]) == (
        1,
        "g@med.example.edu",
    )
    assert await _dead_lettered(env) == [("G", 2)]
