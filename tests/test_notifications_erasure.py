"""An erased person's copy in notifications: no name, no address, no more e-mail."""

from __future__ import annotations

import json
import uuid

import pytest

from micromentor.embedded.ports import free_port
from micromentor.embedded.smtp import EmbeddedSmtp
from services.notifications.app import definition
from shared.contracts.matching import PreferredMentorUnavailable, RequestCancelled
from shared.contracts.profiles import FacultyDataErased
from shared.envelope import new_event
from tests.kafka import wait_until
from tests.test_notifications_service import (
    mail_count,
    match_proposed,
    publish_contacts,
    settings_for,
)

OWN_WORDS = "My chair has offered to help instead."


def mentee_cancelled(mentee: str, mentor: str):
    request_id = uuid.uuid4()
    payload = RequestCancelled(
        request_id=request_id,
        mentee_employee_id=mentee,
        topic="academic-promotion",
        matched_mentor_employee_id=mentor,
        reason_code="mentee_cancelled",
        reason="the mentee cancelled the request",
        mentee_reason=OWN_WORDS,
    )
    return new_event(payload, subject=str(request_id), producer="matching")


def preferred_unavailable(mentee: str, mentor: str):
    request_id = uuid.uuid4()
    payload = PreferredMentorUnavailable(
        request_id=request_id,
        mentee_employee_id=mentee,
        preferred_mentor_employee_id=mentor,
        reason_code="at_capacity",
        reason="the mentor named already has as many mentees as they offered",
    )
    return new_event(payload, subject=str(request_id), producer="matching")


def erased(employee_id: str):
    return new_event(
        FacultyDataErased(employee_id=employee_id),
        subject=employee_id,
        producer="profiles",
    )


async def stored(runtime) -> str:
    """Everything notifications keeps about people, as one searchable text."""
    async with runtime.context.db.pool.acquire() as conn:
        contacts = await conn.fetch("SELECT row_to_json(c)::text FROM contacts c")
        messages = await conn.fetch("SELECT row_to_json(m)::text FROM messages m")
    return "\n".join(row[0] for row in [*contacts, *messages])


async def is_erased(runtime, employee_id: str) -> bool:
    async with runtime.context.db.pool.acquire() as conn:
        return await conn.fetchval(
            "SELECT erased_at IS NOT NULL FROM contacts WHERE employee_id = $1",
            employee_id,
        )


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


async def test_an_erased_persons_name_address_and_words_are_gone_and_mail_stops(
    env, mail_dir
):
    port = free_port()
    server = EmbeddedSmtp(port=port, mail_dir=mail_dir)
    server.start()
    runtime = await env.start(
        definition, settings_for(env, port, max_delivery_attempts=1000)
    )
    await publish_contacts(env, "E100", "M100")
    await env.kafka.publish(env.topics.matching, mentee_cancelled("E100", "M100"))
    await mail_count(server, 2)
    server.stop()
    # Sent while the mail server is down, so these wait for another attempt.
    await env.kafka.publish(env.topics.matching, preferred_unavailable("E100", "M100"))
    await env.kafka.publish(env.topics.matching, match_proposed("E100", "M100"))

    async def both_waiting():
        async with runtime.context.db.pool.acquire() as conn:
            return await conn.fetchval(
                "SELECT count(*) = 2 FROM messages"
                " WHERE status = 'pending' AND attempts >= 1"
            )

    await wait_until(both_waiting, what="two letters retrying")
    assert "e100@med.example.edu" in await stored(runtime)

    await env.kafka.publish(env.topics.faculty, erased("E100"))

    [failed] = await env.kafka.wait_for_events(
        env.topics.deliveries, "EmailDeliveryFailed"
    )
    assert failed.payload["recipient_employee_id"] == "E100"
    assert failed.payload["template"] == "preferred_mentor_unavailable"
    assert failed.payload["reason"].startswith("erased")
    kept = await stored(runtime)
    assert "e100@med.example.edu" not in kept
    assert "Okafor-E100" not in kept
    assert OWN_WORDS not in kept
    assert "How do I prepare my promotion dossier?" not in kept
    assert "m100@med.example.edu" in kept, "other people's contacts are kept"
    async with runtime.context.db.pool.acquire() as conn:
        statuses = {
            row["recipient_employee_id"] + ":" + row["template"]: row["status"]
            for row in await conn.fetch(
                "SELECT recipient_employee_id, template, status FROM messages"
            )
        }
    assert statuses == {
        "E100:request_cancelled_mentee": "delivered",
        "M100:request_cancelled_mentor": "delivered",
        "E100:preferred_mentor_unavailable": "failed",
        "M100:match_proposed": "pending",
    }


async def test_a_letter_for_an_erased_person_fails_at_once_and_others_omit_their_name(
    env, mail_dir
):
    server = EmbeddedSmtp(port=free_port(), mail_dir=mail_dir)
    server.start()
    try:
        runtime = await env.start(definition, settings_for(env, server.port))
        await publish_contacts(env, "E200", "M200")
        await env.kafka.publish(env.topics.faculty, erased("E200"))
        await wait_until(lambda: is_erased(runtime, "E200"), what="E200 erased")

        await env.kafka.publish(
            env.topics.matching, preferred_unavailable("E200", "M200")
        )
        await env.kafka.publish(env.topics.matching, mentee_cancelled("E200", "M200"))

        await env.kafka.wait_for_events(env.topics.deliveries, "EmailDeliveryFailed", 2)
        [mail] = await mail_count(server, 1)
    finally:
        server.stop()
    failures = await env.kafka.events(env.topics.deliveries, "EmailDeliveryFailed")
    assert {event.payload["recipient_employee_id"] for event in failures} == {"E200"}
    assert all(event.payload["reason"].startswith("erased") for event in failures)
    assert mail["To"].addresses[0].addr_spec == "m200@med.example.edu"
    text = mail.get_body(("plain",)).get_content()
    assert "engagement with your mentee on" in text
    assert "erased" not in text
    assert "Okafor-E200" not in await stored(runtime)
    assert json.dumps("E200") in await stored(runtime), "the id itself stays"
