"""Notifications through the real broker, database and SMTP server."""

from __future__ import annotations

import asyncio
import email
import uuid
from datetime import UTC, datetime, timedelta
from email import policy

from aiosmtpd.controller import Controller
from icalendar import Calendar

from micromentor.embedded.ports import free_port
from micromentor.embedded.smtp import EmbeddedSmtp, MailFolder
from services.notifications.app import definition
from services.notifications.settings import NotificationsSettings
from shared.contracts.matching import MatchProposed
from shared.contracts.profiles import FacultyProfileChanged
from shared.contracts.scheduling import SessionCompleted, SessionScheduled
from shared.envelope import new_event
from tests.kafka import wait_until
from tests.service_http import service_client, summary_of


def settings_for(env, smtp_port: int, **overrides) -> NotificationsSettings:
    values = {
        "smtp_port": smtp_port,
        "from_address": "micro-mentoring@med.example.edu",
        "dispatch_poll_interval_s": 0.1,
        "delivery_backoff_initial_s": 0.2,
        "delivery_backoff_max_s": 0.5,
    }
    values.update(overrides)
    return env.settings(NotificationsSettings, **values)


def profile_changed(employee_id: str, *, version: int = 1, email: str | None = None):
    payload = FacultyProfileChanged(
        employee_id=employee_id,
        given_name="Ada",
        family_name=f"Okafor-{employee_id}",
        email=email or f"{employee_id.lower()}@med.example.edu",
        department="Medicine",
        rank="professor",
        appointment_type="full_time_regular",
        employment_status="active",
        record_version=version,
    )
    return new_event(payload, subject=employee_id, producer="profiles")


def session_scheduled(mentee: str, mentor: str):
    engagement_id = uuid.uuid4()
    starts_at = datetime(2027, 1, 12, 14, tzinfo=UTC)
    payload = SessionScheduled(
        engagement_id=engagement_id,
        session_id=uuid.uuid4(),
        sequence=1,
        mentee_employee_id=mentee,
        mentor_employee_id=mentor,
        topic="academic-promotion",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        time_zone="America/New_York",
        meeting_format="video",
    )
    return new_event(payload, subject=str(engagement_id), producer="scheduling")


def session_completed(mentee: str, mentor: str):
    engagement_id = uuid.uuid4()
    payload = SessionCompleted(
        engagement_id=engagement_id,
        session_id=uuid.uuid4(),
        sequence=1,
        mentee_employee_id=mentee,
        mentor_employee_id=mentor,
        topic="academic-promotion",
        reported_by=mentee,
        completed_at=datetime.now(UTC),
    )
    return new_event(payload, subject=str(engagement_id), producer="scheduling")


def match_proposed(mentee: str, mentor: str):
    request_id = uuid.uuid4()
    payload = MatchProposed(
        request_id=request_id,
        proposal_id=uuid.uuid4(),
        mentee_employee_id=mentee,
        mentor_employee_id=mentor,
        topic="academic-promotion",
        need_statement="How do I prepare my promotion dossier?",
        meetings=1,
        attempt=1,
        score=0.9,
        rationale="You mentor in this area and have room for another mentee.",
        expires_at=datetime.now(UTC) + timedelta(days=3),
    )
    return new_event(payload, subject=str(request_id), producer="matching")


def mails(server: EmbeddedSmtp) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in server.messages()
    ]


async def mail_count(server: EmbeddedSmtp, count: int) -> list:
    async def arrived():
        found = mails(server)
        return found if len(found) >= count else None

    return await wait_until(arrived, what=f"{count} e-mails at the SMTP server")


async def summary_is(
    runtime,
    *,
    delivered: int = 0,
    pending: int = 0,
    awaiting_address: int = 0,
    failed: int = 0,
) -> bool:
    return await summary_of(runtime) == {
        "emails_delivered": delivered,
        "emails_pending": pending,
        "emails_awaiting_address": awaiting_address,
        "emails_failed": failed,
    }


async def publish_contacts(env, *employee_ids: str) -> None:
    for employee_id in employee_ids:
        await env.kafka.publish(env.topics.faculty, profile_changed(employee_id))


async def test_a_scheduled_meeting_sends_each_participant_an_invite(env, smtp):
    await env.start(definition, settings_for(env, smtp.port))
    await publish_contacts(env, "E100", "M100")
    scheduled = session_scheduled("E100", "M100")

    await env.kafka.publish(env.topics.engagements, scheduled)

    received = await mail_count(smtp, 2)
    assert sorted(str(mail["To"].addresses[0].addr_spec) for mail in received) == [
        "e100@med.example.edu",
        "m100@med.example.edu",
    ]
    for mail in received:
        body = mail.get_body(("plain",)).get_content()
        assert "09:00 to 10:00 New York time (America/New_York)" in body
        assert "video link before the meeting" in body
        [attachment] = list(mail.iter_attachments())
        assert attachment.get_content_type() == "text/calendar"
        invite = Calendar.from_ical(attachment.get_content())
        [event] = invite.walk("VEVENT")
        assert str(invite["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == f"{scheduled.payload['session_id']}@micromentor"
        assert event.decoded("DTSTART") == datetime(2027, 1, 12, 14, tzinfo=UTC)
        assert event.decoded("DTEND") == datetime(2027, 1, 12, 15, tzinfo=UTC)
        assert str(event["ORGANIZER"]) == "mailto:micro-mentoring@med.example.edu"
        assert str(event["LOCATION"]) == "Video call (link from your mentor)"
        assert sorted(str(a) for a in event["ATTENDEE"]) == [
            "mailto:e100@med.example.edu",
            "mailto:m100@med.example.edu",
        ]
    delivered = await env.kafka.wait_for_events(
        env.topics.deliveries, "EmailDelivered", 2
    )
    assert {event.payload["recipient_employee_id"] for event in delivered} == {
        "E100",
        "M100",
    }


async def test_the_same_event_delivered_twice_sends_one_email(env, smtp):
    runtime = await env.start(definition, settings_for(env, smtp.port))
    await publish_contacts(env, "E200", "M200", "E201")
    completed = session_completed("E200", "M200")

    await env.kafka.publish(env.topics.engagements, completed)
    await env.kafka.publish(env.topics.engagements, completed)
    await env.kafka.publish(
        env.topics.engagements, session_completed("E201", "M200"), completed.subject
    )

    await env.kafka.wait_for_events(env.topics.deliveries, "EmailDelivered", 2)
    received = mails(smtp)
    assert sorted(str(mail["To"].addresses[0].addr_spec) for mail in received) == [
        "e200@med.example.edu",
        "e201@med.example.edu",
    ]
    assert await summary_of(runtime) == {
        "emails_delivered": 2,
        "emails_pending": 0,
        "emails_awaiting_address": 0,
        "emails_failed": 0,
    }


async def test_an_email_waits_for_its_recipients_address_then_goes_out(env, smtp):
    runtime = await env.start(definition, settings_for(env, smtp.port))
    await publish_contacts(env, "E300")

    await env.kafka.publish(env.topics.matching, match_proposed("E300", "M300"))
    await env.kafka.publish(env.topics.matching, match_proposed("M300", "E300"))

    # The letter to E300 was recorded after the one to M300 and is sent; the
    # one to M300 still waits because its address is unknown.
    [first] = await mail_count(smtp, 1)
    assert first["To"].addresses[0].addr_spec == "e300@med.example.edu"
    await wait_until(
        lambda: summary_is(runtime, delivered=1, pending=1, awaiting_address=1),
        what="one e-mail sent and one waiting for an address",
    )

    await publish_contacts(env, "M300")

    received = await mail_count(smtp, 2)
    late = next(mail for mail in received if "m300" in str(mail["To"]))
    body = late.get_body(("plain",)).get_content()
    assert "How do I prepare my promotion dossier?" in body
    assert "accept or decline" in body
    await wait_until(
        lambda: summary_is(runtime, delivered=2),
        what="both e-mails sent, none waiting for an address",
    )


async def test_an_email_fails_when_no_address_arrives_in_time(env, smtp):
    runtime = await env.start(
        definition, settings_for(env, smtp.port, contact_wait_hours=0.0003)
    )

    await env.kafka.publish(env.topics.matching, match_proposed("E400", "M400"))

    [failed] = await env.kafka.wait_for_events(
        env.topics.deliveries, "EmailDeliveryFailed"
    )
    assert failed.payload["recipient_employee_id"] == "M400"
    assert failed.payload["reason"].startswith("no_contact")
    assert smtp.messages() == []
    assert (await summary_of(runtime))["emails_failed"] == 1


async def test_an_older_profile_never_replaces_a_newer_address(env, smtp):
    await env.start(definition, settings_for(env, smtp.port))
    newer = profile_changed("E500", version=3, email="new.e500@med.example.edu")
    older = profile_changed("E500", version=2, email="old.e500@med.example.edu")
    await env.kafka.publish(env.topics.faculty, newer)
    await env.kafka.publish(env.topics.faculty, older)

    await env.kafka.publish(env.topics.engagements, session_completed("E500", "M500"))

    [mail] = await mail_count(smtp, 1)
    assert mail["To"].addresses[0].addr_spec == "new.e500@med.example.edu"


async def test_an_email_survives_an_smtp_outage_and_is_sent_once_it_ends(env, tmp_path):
    port = free_port()
    server = EmbeddedSmtp(port=port, mail_dir=tmp_path / "mail")
    server.start()
    runtime = await env.start(definition, settings_for(env, port))
    await publish_contacts(env, "E600", "E601", "M600")
    await env.kafka.publish(env.topics.engagements, session_completed("E600", "M600"))
    await mail_count(server, 1)
    server.stop()

    await env.kafka.publish(env.topics.engagements, session_completed("E601", "M600"))

    async def retried() -> bool:
        async with runtime.context.db.pool.acquire() as conn:
            return await conn.fetchval(
                "SELECT attempts >= 2 FROM messages"
                " WHERE recipient_employee_id = 'E601' AND status = 'pending'"
            )

    await wait_until(retried, what="two failed attempts while SMTP is down")
    server = EmbeddedSmtp(port=port, mail_dir=tmp_path / "mail")
    server.start()
    try:
        received = await mail_count(server, 2)
    finally:
        server.stop()
    assert any("e601@med.example.edu" in str(mail["To"]) for mail in received)
    await wait_until(
        lambda: summary_is(runtime, delivered=2),
        what="both e-mails recorded as delivered",
    )


async def test_an_email_fails_for_good_after_the_last_attempt(env):
    runtime = await env.start(
        definition, settings_for(env, free_port(), max_delivery_attempts=2)
    )
    await publish_contacts(env, "E700")

    await env.kafka.publish(env.topics.engagements, session_completed("E700", "M700"))

    [failed] = await env.kafka.wait_for_events(
        env.topics.deliveries, "EmailDeliveryFailed"
    )
    assert failed.payload["attempts"] == 2
    assert failed.payload["reason"].startswith("smtp_unavailable")
    assert (await summary_of(runtime))["emails_failed"] == 1


class _SlowToAccept(MailFolder):
    """A relay that greets at once but takes a while to accept each message."""

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(1.5)
        return await super().handle_DATA(server, session, envelope)


async def test_a_relay_slow_to_accept_the_text_gets_each_letter_once(env, tmp_path):
    port = free_port()
    folder = tmp_path / "mail"
    controller = Controller(_SlowToAccept(folder), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        # Connecting and greeting must take under 0.5 s, as they do here; the
        # relay's 1.5 s to accept the text is within the transfer timeout.
        runtime = await env.start(
            definition, settings_for(env, port, smtp_timeout_s=0.5)
        )
        await publish_contacts(env, "E650", "M650")
        await env.kafka.publish(
            env.topics.engagements, session_completed("E650", "M650")
        )
        await wait_until(
            lambda: summary_is(runtime, delivered=1),
            what="the letter recorded as delivered",
        )
        async with runtime.context.db.pool.acquire() as conn:
            attempts = await conn.fetchval("SELECT max(attempts) FROM messages")
    finally:
        controller.stop()

    assert len(sorted(folder.glob("*.eml"))) == 1
    assert attempts == 1


async def test_failed_letters_are_sent_when_an_operator_asks_after_the_outage(
    env, tmp_path
):
    port = free_port()
    runtime = await env.start(
        definition, settings_for(env, port, max_delivery_attempts=1)
    )
    await publish_contacts(env, "E710", "E711", "M710")
    for mentee in ("E710", "E711"):
        await env.kafka.publish(
            env.topics.engagements, session_completed(mentee, "M710")
        )
    await wait_until(lambda: summary_is(runtime, failed=2), what="both letters failed")
    server = EmbeddedSmtp(port=port, mail_dir=tmp_path / "mail")
    server.start()
    try:
        async with service_client(runtime) as client:
            one = await client.post(
                "/v1/letters/resend-failed", json={"recipient_employee_id": "E710"}
            )
            await wait_until(
                lambda: summary_is(runtime, delivered=1, failed=1),
                what="E710's letter sent again and delivered",
            )
            rest = await client.post("/v1/letters/resend-failed")
            again = await client.post("/v1/letters/resend-failed")
        await wait_until(
            lambda: summary_is(runtime, delivered=2), what="both letters delivered"
        )
        received = await mail_count(server, 2)
    finally:
        server.stop()

    assert (one.json(), rest.json(), again.json()) == (
        {"requeued": 1},
        {"requeued": 1},
        {"requeued": 0},
    )
    assert {mail["To"].addresses[0].addr_spec for mail in received} == {
        "e710@med.example.edu",
        "e711@med.example.edu",
    }
