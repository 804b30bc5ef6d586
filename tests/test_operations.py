"""What an operator relies on: probes, metrics, and logs free of personal data."""

from __future__ import annotations

import gc
import json
import logging

import httpx
import structlog
from prometheus_client import REGISTRY

from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from tests.factories import hr_record, volunteered
from tests.service_http import service_client


def _client(runtime) -> httpx.AsyncClient:
    return service_client(runtime)


async def test_readiness_reports_kafka_and_postgresql_and_metrics_count_events(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await env.kafka.publish(env.topics.hr_faculty_records, hr_record("E500"), "E500")
    await env.kafka.publish(env.topics.hr_faculty_records, b"not json", "E501")
    await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")

    async with _client(runtime) as client:
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")
        metrics = (await client.get("/metrics")).text

    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"kafka": True, "database": True}
    assert 'micromentor_events_consumed_total{event_type="FacultyRecord"' in metrics
    assert (
        'micromentor_events_published_total{event_type="FacultyProfileChanged"'
        in metrics
    )
    assert "micromentor_events_dead_lettered_total" in metrics
    assert "micromentor_handler_duration_seconds_bucket" in metrics
    assert "micromentor_outbox_backlog" in metrics


async def test_readiness_fails_when_the_database_is_gone(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await runtime.context.db.pool.close()

    async with _client(runtime) as client:
        ready = await client.get("/health/ready")

    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] is False
    await env.stop(runtime)


async def test_handler_logs_carry_event_ids_and_no_names_or_email_addresses(env):
    lines: list[dict] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, dict):
                lines.append(record.msg)

    capture = Capture(logging.INFO)
    logging.getLogger().addHandler(capture)
    try:
        await env.start(definition, env.settings(ProfilesSettings))
        record = hr_record("E600", given_name="Zenobia", family_name="Quillfeather")
        await env.kafka.publish(env.topics.hr_faculty_records, record, "E600")
        await env.kafka.wait_for_events(env.topics.faculty, "FacultyProfileChanged")
        await env.kafka.publish(env.topics.mentor_submissions, volunteered("E600"))
        await env.kafka.wait_for_events(env.topics.mentors, "MentorApproved")
    finally:
        logging.getLogger().removeHandler(capture)

    handled = [
        line
        for line in lines
        if line.get("event") in ("faculty_record_applied", "mentor_approved")
    ]
    assert len(handled) == 2
    for line in handled:
        assert {"event_id", "event_type", "correlation_id"} <= set(line)
    text = json.dumps(
        [line for line in lines if line.get("level") == "info"], default=str
    )
    assert "Zenobia" not in text and "Quillfeather" not in text
    assert "e600@med.example.edu" not in text
    assert structlog.is_configured()


async def test_a_service_process_freezes_its_startup_heap_and_exports_gc_pauses(env):
    process = await env.start_process("profiles", env.settings(ProfilesSettings))

    async with httpx.AsyncClient() as client:
        url = f"http://127.0.0.1:{process.http_port}/metrics"
        metrics = (await client.get(url)).text

    def sample(name: str) -> float:
        [value] = [
            float(line.rsplit(" ", 1)[1])
            for line in metrics.splitlines()
            if line.startswith(name)
        ]
        return value

    # Imports, schemas and settings: far more than a handful of objects.
    assert sample("micromentor_gc_frozen_objects ") > 10_000
    assert "# TYPE micromentor_gc_pause_seconds histogram" in metrics


def test_collections_are_timed_by_generation_once_measured():
    from shared.platform import heap

    def timed() -> float:
        return (
            REGISTRY.get_sample_value(
                "micromentor_gc_pause_seconds_count", {"generation": "2"}
            )
            or 0.0
        )

    before = timed()
    heap.measure_collector_pauses()
    try:
        gc.collect()
        assert timed() == before + 1
    finally:
        gc.callbacks.remove(heap._time_collection)


def test_young_collections_are_spaced_out_and_older_ones_keep_their_ratio():
    from shared.platform import heap

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        heap.space_out_young_collections()
        assert gc.get_threshold() == (heap.YOUNG_GENERATION_THRESHOLD, 10, 10)
        assert heap.YOUNG_GENERATION_THRESHOLD == 10_000
    finally:
        gc.set_threshold(*before)
