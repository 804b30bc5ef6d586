"""The whole flow through Kafka: HR record to SessionCompleted, e-mails included."""

from __future__ import annotations

import email
import email.policy
import uuid

from icalendar import Calendar

from micromentor.embedded.ports import free_port
from micromentor.embedded.smtp import EmbeddedSmtp
from services.matching.app import definition as matching
from services.matching.settings import MatchingSettings
from services.notifications.app import definition as notifications
from services.notifications.settings import NotificationsSettings
from services.profiles.app import definition as profiles
from services.profiles.settings import ProfilesSettings
from services.scheduling.app import definition as scheduling
from services.scheduling.settings import SchedulingSettings
from shared.contracts.matching import ProposalAccepted, RequestSubmitted
from shared.contracts.scheduling import SessionReported
from shared.envelope import new_event
from tests.factories import hr_record, volunteered
from tests.kafka import wait_until

MENTOR, MENTEE = "M1001", "F2002"


def _portal(payload, *, subject: str, actor: str):
    return new_event(payload, subject=subject, producer="faculty-portal", actor=actor)


def _mail_by_recipient(smtp: EmbeddedSmtp) -> dict[str, list]:
    found: dict[str, list] = {}
    for path in smtp.messages():
        message = email.message_from_bytes(
            path.read_bytes(), policy=email.policy.default
        )
        for address in message["To"].addresses:
            found.setdefault(address.addr_spec, []).append(message)
    return found


async def test_an_hr_record_travels_all_the_way_to_a_completed_session(env, tmp_path):
    smtp = EmbeddedSmtp(port=free_port(), mail_dir=tmp_path / "mail")
    smtp.start()
    try:
        await env.start(profiles, env.settings(ProfilesSettings))
        await env.start(matching, env.settings(MatchingSettings))
        await env.start(scheduling, env.settings(SchedulingSettings))
        await env.start(
            notifications,
            env.settings(NotificationsSettings, smtp_port=smtp.port),
        )
        kafka, topics = env.kafka, env.topics

        await kafka.publish(topics.hr_faculty_records, hr_record(MENTOR), MENTOR)
        mentee = hr_record(
            MENTEE,
            given_name="Lena",
            department="Pediatrics",
            division=None,
            rank="assistant_professor",
            service_start_date="2022-09-01",
        )
        await kafka.publish(topics.hr_faculty_records, mentee, MENTEE)
        await kafka.wait_for_events(topics.faculty, "FacultyProfileChanged", 2)
        await kafka.publish(topics.mentor_submissions, volunteered(MENTOR))
        await kafka.wait_for_events(topics.mentors, "MentorApproved")

        request_id = uuid.uuid4()
        await kafka.publish(
            topics.mentoring_requests,
            _portal(
                RequestSubmitted(
                    request_id=request_id,
                    mentee_employee_id=MENTEE,
                    topic="academic-promotion",
                    need_statement="How should I frame my teaching for promotion?",
                    meetings=1,
                ),
                subject=str(request_id),
                actor=MENTEE,
            ),
        )
        [proposal] = await kafka.wait_for_events(topics.matching, "MatchProposed")
        assert proposal.payload["mentor_employee_id"] == MENTOR
        await kafka.publish(
            topics.proposal_responses,
            _portal(
                ProposalAccepted(
                    request_id=request_id,
                    proposal_id=proposal.payload["proposal_id"],
                    mentor_employee_id=MENTOR,
                ),
                subject=str(request_id),
                actor=MENTOR,
            ),
        )
        [scheduled] = await kafka.wait_for_events(
            topics.engagements, "SessionScheduled"
        )
        session = scheduled.payload
        report = _portal(
            SessionReported(
                engagement_id=session["engagement_id"],
                session_id=session["session_id"],
                rating=5,
            ),
            subject=str(session["engagement_id"]),
            actor=MENTEE,
        )
        await kafka.publish(topics.session_reports, report)
        [completed] = await kafka.wait_for_events(
            topics.engagements, "SessionCompleted"
        )
        await kafka.wait_for_events(topics.engagements, "EngagementClosed")
        assert completed.causation_id == report.event_id

        mentor_address = hr_record(MENTOR)["email"]
        mentee_address = mentee["email"]

        # Mentor: approved, proposal, confirmation, invite, closing.
        # Mentee: confirmation, invite, thanks for the meeting, closing.
        await wait_until(
            lambda: _is_true(len(smtp.messages()) >= 9), what="nine e-mails"
        )
        mail = _mail_by_recipient(smtp)
        assert len(mail[mentor_address]) == 5
        assert len(mail[mentee_address]) == 4
        for address in (mentor_address, mentee_address):
            [invite] = [_calendar(m) for m in mail[address] if _calendar(m)]
            [event] = invite.walk("VEVENT")
            assert str(event["UID"]).startswith(str(session["session_id"]))
            starts = event.decoded("DTSTART").isoformat()
            assert starts.startswith(session["starts_at"][:16])
    finally:
        for runtime in list(env.runtimes):
            await env.stop(runtime)
        smtp.stop()


async def _is_true(value: bool) -> bool:
    return value


def _calendar(message) -> Calendar | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    return None
