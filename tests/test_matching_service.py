"""Matching through the real broker and database: requests, proposals, answers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.partitioner import DefaultPartitioner

from services.matching.app import definition
from services.matching.settings import MatchingSettings
from shared.contracts.matching import (
    ProposalAccepted,
    ProposalDeclined,
    RequestCancellationSubmitted,
    RequestSubmitted,
)
from shared.contracts.profiles import (
    FacultyDataErased,
    FacultyProfileChanged,
    MentorApproved,
    MentorDeactivated,
    MentorPaused,
    MentorProfileChanged,
    MentorResumed,
    MentorWithdrawn,
)
from shared.contracts.scheduling import EngagementClosed
from shared.envelope import Envelope, new_event
from shared.platform.metrics import POLL_FAILURES
from shared.platform.runtime import ServiceRuntime
from tests.factories import portal_event
from tests.kafka import wait_until
from tests.service_http import summary_of

TOPIC = "academic-promotion"
AVAILABILITY = {
    "time_zone": "America/New_York",
    "windows": [{"weekday": 2, "start": "13:00", "end": "15:00"}],
}


class Program:
    """One running matching service and the people it knows about."""

    def __init__(self, env, runtime: ServiceRuntime) -> None:
        self.env = env
        self.runtime = runtime
        self.topics = env.topics

    async def fetchval(self, query: str, *args):
        async with self.runtime.context.db.pool.acquire() as conn:
            return await conn.fetchval(query, *args)

    async def faculty(
        self,
        employee_id: str,
        *,
        department: str = "Medicine",
        status: str = "active",
        supervisor: str | None = None,
        version: int = 1,
        wait: bool = True,
    ) -> None:
        change = FacultyProfileChanged(
            employee_id=employee_id,
            given_name="Grace",
            family_name="Mbeki",
            email=f"{employee_id.lower()}@med.example.edu",
            department=department,
            rank="associate_professor",
            appointment_type="full_time_regular",
            employment_status=status,
            supervisor_employee_id=supervisor,
            record_version=version,
        )
        await self.env.kafka.publish(
            self.topics.faculty,
            new_event(change, subject=employee_id, producer="profiles"),
        )
        if wait:
            await wait_until(
                lambda: self.fetchval(
                    "SELECT true FROM faculty"
                    " WHERE employee_id = $1 AND record_version = $2",
                    employee_id,
                    version,
                ),
                what=f"faculty {employee_id} v{version} in the projection",
            )

    async def mentor(
        self,
        employee_id: str,
        *,
        topics: tuple[str, ...] = (TOPIC,),
        max_mentees: int = 2,
        department: str = "Surgery",
        scope: str = "both",
        statement: str = "I have sat on the promotions committee for years.",
        availability: dict = AVAILABILITY,
    ) -> None:
        approved = MentorApproved(
            employee_id=employee_id,
            topics=list(topics),
            statement=statement,
            max_mentees=max_mentees,
            meeting_formats=["video", "in_person"],
            availability=availability,
            department_scope=scope,
            department=department,
        )
        await self.env.kafka.publish(
            self.topics.mentors,
            new_event(approved, subject=employee_id, producer="profiles"),
        )
        await wait_until(
            lambda: self.fetchval(
                "SELECT true FROM mentors WHERE employee_id = $1 AND active"
                " AND topics = $2::text[] AND max_mentees = $3",
                employee_id,
                list(topics),
                max_mentees,
            ),
            what=f"mentor {employee_id} in the projection",
        )

    async def mentor_event(self, payload) -> None:
        await self.env.kafka.publish(
            self.topics.mentors,
            new_event(payload, subject=payload.employee_id, producer="profiles"),
        )

    async def wait_until_mentor_active(self, employee_id: str, active: bool) -> None:
        await wait_until(
            lambda: self.fetchval(
                "SELECT true FROM mentors WHERE employee_id = $1 AND active = $2",
                employee_id,
                active,
            ),
            what=f"mentor {employee_id} active={active}",
        )

    async def request(
        self,
        mentee: str,
        *,
        topic: str = TOPIC,
        actor: str | None = None,
        key: str | None = None,
        **fields,
    ) -> str:
        request_id = fields.pop("request_id", None) or uuid.uuid4()
        body = {
            "request_id": str(request_id),
            "mentee_employee_id": mentee,
            "topic": topic,
            "need_statement": "How do I prepare my promotion dossier?",
            "meetings": 1,
            **fields,
        }
        await self.env.kafka.publish(
            self.topics.mentoring_requests,
            portal_event(
                RequestSubmitted, body, subject=str(request_id), actor=actor or mentee
            ),
            key,
        )
        return str(request_id)

    async def answer(
        self,
        proposal: Envelope,
        *,
        accept: bool,
        actor: str | None = None,
        mentor: str | None = None,
        key: str | None = None,
    ) -> None:
        mentor = mentor or proposal.payload["mentor_employee_id"]
        fields = {
            "request_id": proposal.payload["request_id"],
            "proposal_id": proposal.payload["proposal_id"],
            "mentor_employee_id": mentor,
        }
        model = ProposalAccepted if accept else ProposalDeclined
        await self.env.kafka.publish(
            self.topics.proposal_responses,
            portal_event(
                model, fields, subject=proposal.subject, actor=actor or mentor
            ),
            key,
        )

    async def cancel(
        self,
        request_id: str,
        mentee: str,
        *,
        actor: str | None = None,
        reason: str | None = None,
    ) -> None:
        fields = {"request_id": request_id, "mentee_employee_id": mentee}
        if reason is not None:
            fields["reason"] = reason
        await self.env.kafka.publish(
            self.topics.mentoring_requests,
            portal_event(
                RequestCancellationSubmitted,
                fields,
                subject=request_id,
                actor=actor or mentee,
            ),
        )

    async def close_engagement(self, confirmed: Envelope) -> None:
        closed = EngagementClosed(
            engagement_id=uuid.uuid4(),
            request_id=confirmed.payload["request_id"],
            mentee_employee_id=confirmed.payload["mentee_employee_id"],
            mentor_employee_id=confirmed.payload["mentor_employee_id"],
            topic=confirmed.payload["topic"],
            sessions_held=1,
            reason_code="completed",
        )
        await self.env.kafka.publish(
            self.topics.engagements,
            new_event(closed, subject=str(closed.engagement_id), producer="scheduling"),
        )

    async def events(self, event_type: str, request_id: str) -> list[Envelope]:
        every = await self.env.kafka.events(self.topics.matching, event_type)
        return [event for event in every if event.subject == request_id]

    async def wait_for(
        self, event_type: str, request_id: str, count: int = 1
    ) -> list[Envelope]:
        async def enough():
            found = await self.events(event_type, request_id)
            return found if len(found) >= count else None

        return await wait_until(
            enough, what=f"{count} x {event_type} for request {request_id}"
        )

    async def proposal_status(self, proposal: Envelope) -> str:
        return await self.fetchval(
            "SELECT status FROM proposals WHERE proposal_id = $1",
            uuid.UUID(proposal.payload["proposal_id"]),
        )

    async def reserved(self, mentor: str) -> int:
        return await self.fetchval(
            "SELECT reserved FROM mentors WHERE employee_id = $1", mentor
        )

    async def summary(self) -> dict:
        return await summary_of(self.runtime)


async def start(env, **overrides) -> Program:
    settings = env.settings(MatchingSettings, expiry_poll_interval_s=0.1, **overrides)
    return Program(env, await env.start(definition, settings))


async def test_a_request_is_proposed_to_a_mentor_of_that_topic_with_score_and_reason(
    env,
):
    program = await start(env)
    await program.faculty("M100", department="Medicine")
    await program.faculty("T100", department="Surgery")
    await program.faculty("T101", department="Surgery")
    await program.mentor("T100", topics=("teaching-portfolio",))
    await program.mentor("T101", topics=(TOPIC, "research-agenda"))

    request_id = await program.request("M100")

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T101"
    assert proposed.payload["mentee_employee_id"] == "M100"
    assert proposed.payload["attempt"] == 1
    assert 0 < proposed.payload["score"] <= 1
    assert proposed.payload["rationale"] == (
        "main factors: 2 of 2 mentee places free, never asked before,"
        " in another department"
    )
    expires_at = datetime.fromisoformat(proposed.payload["expires_at"])
    assert expires_at - datetime.now(UTC) > timedelta(hours=71)
    assert await program.reserved("T101") == 1


async def test_every_kind_of_unacceptable_request_is_rejected_and_changes_nothing(
    env,
):
    program = await start(env, max_open_requests=2)
    await program.faculty("M200")
    await program.faculty("M201", status="on_leave")
    await program.faculty("T200", department="Surgery")
    await program.mentor("T200", topics=(TOPIC, "teaching-portfolio"), max_mentees=5)
    first = await program.request("M200")
    second = await program.request("M200", topic="teaching-portfolio")
    await program.wait_for("MatchProposed", first)
    await program.wait_for("MatchProposed", second)

    rejected = {
        "not_self": await program.request(
            "M200", topic="work-life-balance", actor="X1"
        ),
        "unknown_mentee": await program.request("NOBODY"),
        "inactive_mentee": await program.request("M201"),
        "unknown_topic": await program.request("M200", topic="astrology"),
        "empty_need": await program.request(
            "M200", topic="work-life-balance", need_statement="  \n "
        ),
        "too_many_open_requests": await program.request(
            "M200", topic="work-life-balance"
        ),
    }
    for reason_code, request_id in rejected.items():
        [event] = await program.wait_for("RequestRejected", request_id)
        assert event.payload["reason_code"] == reason_code
        assert event.payload["reason"]
        assert not await program.events("MatchProposed", request_id)
    [unknown_topic] = await program.events("RequestRejected", rejected["unknown_topic"])
    assert "academic-promotion" in unknown_topic.payload["reason"]
    assert await program.reserved("T200") == 2
    summary = await program.summary()
    assert summary["rejected"] == {code: 1 for code in rejected}
    assert summary["requests"] == 2 + len(rejected)


async def test_a_second_open_request_on_the_same_topic_is_a_duplicate(env):
    program = await start(env)
    await program.faculty("M210")
    await program.faculty("T210", department="Surgery")
    await program.mentor("T210", max_mentees=5)
    first = await program.request("M210")
    await program.wait_for("MatchProposed", first)

    again = await program.request("M210")

    [rejected] = await program.wait_for("RequestRejected", again)
    assert rejected.payload["reason_code"] == "duplicate_topic"
    assert await program.reserved("T210") == 1


async def test_a_request_id_seen_before_has_no_second_effect(env):
    program = await start(env)
    await program.faculty("M220")
    await program.faculty("T220", department="Surgery")
    await program.mentor("T220", max_mentees=5)
    request_id = await program.request("M220")
    await program.wait_for("MatchProposed", request_id)

    await program.request("M220", request_id=request_id)
    later = await program.request("M220", topic="teaching-portfolio", key=request_id)

    await program.wait_for("RequestWaitlisted", later)
    assert len(await program.events("MatchProposed", request_id)) == 1
    assert not await program.events("RequestRejected", request_id)
    assert await program.reserved("T220") == 1


async def test_the_mentee_is_never_proposed_to_themselves_or_their_supervisor(env):
    program = await start(env)
    await program.faculty("T300", department="Surgery")
    await program.faculty("M300", department="Surgery", supervisor="T300")
    await program.mentor("M300")
    await program.mentor("T300")

    request_id = await program.request("M300")

    [waitlisted] = await program.wait_for("RequestWaitlisted", request_id)
    assert waitlisted.payload["reason_code"] == "no_mentor_available"
    assert not await program.events("MatchProposed", request_id)
    assert await program.reserved("M300") == 0
    assert await program.reserved("T300") == 0


async def test_a_mentor_at_capacity_is_skipped_even_when_named_by_the_mentee(env):
    program = await start(env)
    for mentee in ("M400", "M401"):
        await program.faculty(mentee)
    for mentor in ("T400", "T401"):
        await program.faculty(mentor, department="Surgery")
    await program.mentor("T400", max_mentees=1)
    await program.mentor("T401", max_mentees=3)

    first = await program.request("M400", preferred_mentor_employee_id="T400")
    [to_named] = await program.wait_for("MatchProposed", first)
    second = await program.request("M401", preferred_mentor_employee_id="T400")
    [to_other] = await program.wait_for("MatchProposed", second)

    assert to_named.payload["mentor_employee_id"] == "T400"
    assert to_named.payload["rationale"].startswith("named by the mentee; ")
    assert to_other.payload["mentor_employee_id"] == "T401"
    assert await program.reserved("T400") == 1


async def test_department_scopes_decide_who_may_be_asked(env):
    program = await start(env)
    await program.faculty("M410", department="Medicine")
    await program.faculty("T410", department="Surgery")
    await program.faculty("T411", department="Medicine")
    await program.faculty("T412", department="Surgery")
    await program.mentor("T410", department="Surgery", scope="own")
    await program.mentor("T411", department="Medicine", scope="other")
    await program.mentor("T412", department="Surgery", topics=("research-agenda",))

    blocked = await program.request("M410")
    own_only = await program.request(
        "M410", topic="research-agenda", scope_preference="own", scope_required=True
    )

    await program.wait_for("RequestWaitlisted", blocked)
    await program.wait_for("RequestWaitlisted", own_only)
    assert await program.reserved("T410") == 0
    assert await program.reserved("T411") == 0
    assert await program.reserved("T412") == 0


async def test_a_declined_proposal_moves_to_the_next_candidate(env):
    program = await start(env)
    await program.faculty("M500")
    for mentor in ("T500", "T501"):
        await program.faculty(mentor, department="Surgery")
        await program.mentor(mentor)
    request_id = await program.request("M500")
    [first] = await program.wait_for("MatchProposed", request_id)
    declined_by = first.payload["mentor_employee_id"]

    await program.answer(first, accept=False)

    [_, second] = await program.wait_for("MatchProposed", request_id, 2)
    assert second.payload["mentor_employee_id"] != declined_by
    assert second.payload["attempt"] == 2
    assert await program.reserved(declined_by) == 0
    assert await program.reserved(second.payload["mentor_employee_id"]) == 1


async def test_an_accepted_proposal_confirms_the_match_with_the_mentors_formats(env):
    program = await start(env)
    await program.faculty("M600")
    await program.faculty("T600", department="Surgery")
    await program.mentor("T600")
    request_id = await program.request("M600")
    [proposed] = await program.wait_for("MatchProposed", request_id)

    await program.answer(proposed, accept=True)

    [confirmed] = await program.wait_for("MatchConfirmed", request_id)
    assert confirmed.payload["mentor_employee_id"] == "T600"
    assert confirmed.payload["mentee_employee_id"] == "M600"
    assert confirmed.payload["meeting_formats"] == ["video", "in_person"]
    assert confirmed.payload["availability"]["windows"][0]["start"] == "13:00:00"
    assert await program.reserved("T600") == 1
    timers = await program.fetchval("SELECT count(*) FROM timers")
    assert timers == 0
    summary = await program.summary()
    assert summary == {
        "requests": 1,
        "matched": 1,
        "proposed": 0,
        "waiting": 0,
        "rejected": {},
        "cancelled": 0,
    }


async def test_answers_not_from_the_proposed_mentor_or_too_late_change_nothing(env):
    program = await start(env)
    await program.faculty("M700")
    for mentor in ("T700", "T701"):
        await program.faculty(mentor, department="Surgery")
        await program.mentor(mentor)
    request_id = await program.request("M700", preferred_mentor_employee_id="T700")
    [proposed] = await program.wait_for("MatchProposed", request_id)

    await program.answer(proposed, accept=True, actor="T701", mentor="T701")
    await program.answer(proposed, accept=False, actor="T701", mentor="T700")
    unknown = proposed.model_copy(
        update={"payload": {**proposed.payload, "proposal_id": str(uuid.uuid4())}}
    )
    await program.answer(unknown, accept=True)

    rejections = await program.wait_for("ProposalResponseRejected", request_id, 3)
    assert [event.payload["reason_code"] for event in rejections] == [
        "not_proposed_mentor",
        "not_proposed_mentor",
        "unknown_proposal",
    ]
    assert rejections[0].payload["actor"] == "T701"
    assert not await program.events("MatchConfirmed", request_id)
    assert len(await program.events("MatchProposed", request_id)) == 1
    assert await program.reserved("T700") == 1
    assert await program.proposal_status(proposed) == "open"

    await program.answer(proposed, accept=True)
    await program.answer(proposed, accept=False)

    await program.wait_for("MatchConfirmed", request_id)
    rejections = await program.wait_for("ProposalResponseRejected", request_id, 4)
    assert rejections[-1].payload["reason_code"] == "proposal_not_open"
    assert await program.reserved("T700") == 1


async def test_a_waitlisted_request_is_proposed_when_a_mentor_of_its_topic_arrives(
    env,
):
    program = await start(env)
    await program.faculty("M800")
    await program.faculty("T800", department="Surgery")
    await program.faculty("T801", department="Surgery")
    request_id = await program.request("M800")
    [waitlisted] = await program.wait_for("RequestWaitlisted", request_id)
    assert waitlisted.payload["topic"] == TOPIC

    await program.mentor("T800", topics=("teaching-portfolio",))
    await program.mentor("T801", topics=("research-agenda", TOPIC))

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T801"
    assert (await program.summary())["waiting"] == 0


async def test_an_unanswered_proposal_expires_and_the_next_mentor_is_asked(env):
    program = await start(env, proposal_expiry_hours=0.0005)
    await program.faculty("M900")
    for mentor in ("T900", "T901"):
        await program.faculty(mentor, department="Surgery")
        await program.mentor(mentor)

    request_id = await program.request("M900")

    [first, second] = await program.wait_for("MatchProposed", request_id, 2)
    assert first.payload["mentor_employee_id"] != second.payload["mentor_employee_id"]
    assert second.payload["attempt"] == 2
    await program.wait_for("RequestWaitlisted", request_id)
    statuses = await program.fetchval(
        "SELECT array_agg(status ORDER BY attempt) FROM proposals"
    )
    assert statuses == ["expired", "expired"]
    # Each mentor is told the proposal no longer needs their answer.
    withdrawn = await program.wait_for("ProposalWithdrawn", request_id, 2)
    assert [event.payload["mentor_employee_id"] for event in withdrawn] == [
        first.payload["mentor_employee_id"],
        second.payload["mentor_employee_id"],
    ]
    assert {event.payload["reason_code"] for event in withdrawn} == {"expired"}
    assert "no answer within 2 seconds" in withdrawn[0].payload["reason"]
    assert await program.reserved("T900") == 0
    assert await program.reserved("T901") == 0


async def test_proposals_still_expire_after_a_database_outage(env, own_postgres):
    program = await start(
        env,
        database_url=own_postgres.url(),
        consumer_group=f"outage-{env.topics.prefix}",
        proposal_expiry_hours=0.002,
    )
    await program.faculty("M910")
    for mentor in ("T910", "T911"):
        await program.faculty(mentor, department="Surgery")
        await program.mentor(mentor)
    request_id = await program.request("M910")
    [first] = await program.wait_for("MatchProposed", request_id)
    failures_before = expiry_poll_failures()

    own_postgres.stop()
    await wait_until(
        lambda: is_true(expiry_poll_failures() > failures_before),
        what="the expiry poller to fail against the stopped database",
    )
    own_postgres.start()

    [_, second] = await program.wait_for("MatchProposed", request_id, 2)
    assert second.payload["mentor_employee_id"] != (first.payload["mentor_employee_id"])


def expiry_poll_failures() -> float:
    return sum(
        sample.value
        for metric in POLL_FAILURES.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
        and sample.labels["task"] == "expire_proposals"
    )


async def is_true(value: bool) -> bool:
    return value


async def test_a_closed_engagement_frees_the_slot_for_the_oldest_waiting_request(env):
    program = await start(env)
    for mentee in ("M950", "M951", "M952"):
        await program.faculty(mentee)
    await program.faculty("T950", department="Surgery")
    await program.mentor("T950", max_mentees=1)
    first = await program.request("M950")
    [proposed] = await program.wait_for("MatchProposed", first)
    await program.answer(proposed, accept=True)
    [confirmed] = await program.wait_for("MatchConfirmed", first)
    older = await program.request("M951")
    await program.wait_for("RequestWaitlisted", older)
    newer = await program.request("M952")
    await program.wait_for("RequestWaitlisted", newer)

    await program.close_engagement(confirmed)

    [next_proposal] = await program.wait_for("MatchProposed", older)
    assert next_proposal.payload["mentor_employee_id"] == "T950"
    assert not await program.events("MatchProposed", newer)
    assert await program.reserved("T950") == 1


@pytest.mark.parametrize(
    "retirement",
    [
        MentorDeactivated(
            employee_id="T960", reason_code="not_active", reason="on leave"
        ),
        MentorWithdrawn(employee_id="T960"),
    ],
    ids=["deactivated", "withdrawn"],
)
async def test_a_retired_mentors_open_proposal_goes_to_the_next_mentor(env, retirement):
    program = await start(env)
    await program.faculty("M960")
    for mentor in ("T960", "T961"):
        await program.faculty(mentor, department="Surgery")
        await program.mentor(mentor)
    request_id = await program.request("M960", preferred_mentor_employee_id="T960")
    await program.wait_for("MatchProposed", request_id)

    await program.mentor_event(retirement)

    [_, second] = await program.wait_for("MatchProposed", request_id, 2)
    assert second.payload["mentor_employee_id"] == "T961"
    assert await program.reserved("T960") == 0


async def test_a_paused_mentor_is_not_asked_until_they_resume(env):
    program = await start(env)
    await program.faculty("M965")
    await program.faculty("T965", department="Surgery")
    await program.mentor("T965")
    await program.mentor_event(MentorPaused(employee_id="T965"))
    await program.wait_until_mentor_active("T965", False)

    request_id = await program.request("M965")
    await program.wait_for("RequestWaitlisted", request_id)
    await program.mentor_event(MentorResumed(employee_id="T965", resumed_by="schedule"))

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T965"


async def test_a_mentor_who_adds_the_topic_gets_the_waiting_request(env):
    program = await start(env)
    await program.faculty("M966")
    await program.faculty("T966", department="Surgery")
    await program.mentor("T966", topics=("teaching-portfolio",))
    request_id = await program.request("M966")
    await program.wait_for("RequestWaitlisted", request_id)

    changed = MentorProfileChanged(
        employee_id="T966",
        topics=["teaching-portfolio", TOPIC],
        statement="I now also advise on promotion.",
        max_mentees=1,
        meeting_formats=["phone"],
        availability=AVAILABILITY,
        department="Surgery",
        status="active",
    )
    await program.mentor_event(changed)

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T966"
    assert proposed.payload["rationale"].startswith(
        "main factors: 1 of 1 mentee places free"
    )


async def test_an_older_faculty_record_never_overwrites_a_newer_one(env):
    program = await start(env)
    await program.faculty("M970", department="Surgery", version=3)

    await program.faculty("M970", department="Medicine", version=2, wait=False)
    await program.faculty("M971", department="Medicine")

    department = await program.fetchval(
        "SELECT department FROM faculty WHERE employee_id = 'M970'"
    )
    assert department == "Surgery"


async def test_faculty_changes_arriving_together_leave_everyone_at_their_newest(env):
    program = await start(env)
    people = ("M975", "M976", "M977")
    for version, department in ((2, "Surgery"), (4, "Pediatrics"), (1, "Medicine")):
        for employee_id in people:
            await program.faculty(
                employee_id, department=department, version=version, wait=False
            )
    await program.faculty("M975", department="Radiology", version=3, wait=False)

    async def all_consumed() -> bool:
        # The inbox row commits with the change it records.
        return await program.fetchval(
            "SELECT count(*) = 10 FROM inbox WHERE event_type = 'FacultyProfileChanged'"
        )

    await wait_until(all_consumed, what="all ten faculty changes consumed")
    stored = await program.fetchval(
        "SELECT string_agg(department || ' v' || record_version, ', '"
        " ORDER BY employee_id) FROM faculty WHERE employee_id = ANY($1::text[])",
        list(people),
    )
    assert stored == "Pediatrics v4, Pediatrics v4, Pediatrics v4"


async def test_requests_racing_for_the_last_slots_never_exceed_capacity(env):
    program = await start(env)
    await env.start_process("matching", program.runtime.settings)
    await both_replicas_joined(env, program.runtime)
    mentees = [f"M98{n}" for n in range(6)]
    for mentee in mentees:
        await program.faculty(mentee)
    await program.faculty("T980", department="Surgery")
    await program.mentor("T980", max_mentees=2)

    # Two requests on each partition, so both replicas decide some at once.
    requests = [
        await program.request(mentee, request_id=request_id_on_partition(n % 3))
        for n, mentee in enumerate(mentees)
    ]

    outcomes = [await decision(program, request_id) for request_id in requests]
    assert sorted(outcomes) == ["MatchProposed"] * 2 + ["RequestWaitlisted"] * 4
    assert await program.reserved("T980") == 2
    assert await program.fetchval("SELECT count(*) FROM proposals") == 2


async def test_two_accepts_arriving_together_confirm_the_match_once(env):
    program = await start(env)
    await env.start_process("matching", program.runtime.settings)
    await both_replicas_joined(env, program.runtime)
    await program.faculty("M990")
    await program.faculty("T990", department="Surgery")
    await program.mentor("T990", max_mentees=1)
    request_id = await program.request("M990")
    [proposed] = await program.wait_for("MatchProposed", request_id)

    # Keyed onto two partitions, so two consumers can take them at once.
    await asyncio.gather(
        program.answer(proposed, accept=True, key=request_id_on_partition(0)),
        program.answer(proposed, accept=True, key=request_id_on_partition(1)),
    )

    # The loser waits for the winner's lock, then finds the proposal accepted.
    await program.wait_for("MatchConfirmed", request_id)
    [rejected] = await program.wait_for("ProposalResponseRejected", request_id)
    assert rejected.payload["reason_code"] == "proposal_not_open"
    assert len(await program.events("MatchConfirmed", request_id)) == 1
    assert await program.reserved("T990") == 1
    assert await program.proposal_status(proposed) == "accepted"


async def test_an_erased_persons_own_words_are_blanked_and_the_counts_kept(env):
    program = await start(env)
    await program.faculty("M995")
    await program.faculty("T995", department="Surgery")
    await program.mentor("T995", statement="Twenty years on the promotions board.")
    first = await program.request("M995")
    await program.wait_for("MatchProposed", first)
    second = await program.request("M995", topic="research-agenda")
    await program.wait_for("RequestWaitlisted", second)

    for person in ("M995", "T995"):
        await program.env.kafka.publish(
            program.topics.faculty,
            new_event(
                FacultyDataErased(employee_id=person),
                subject=person,
                producer="profiles",
            ),
        )

    await wait_until(
        lambda: program.fetchval(
            "SELECT count(*) = 2 FROM requests"
            " WHERE mentee_employee_id = 'M995' AND need_statement = ''"
        ),
        what="both need statements blanked",
    )
    await wait_until(
        lambda: program.fetchval(
            "SELECT statement = '' FROM mentors WHERE employee_id = 'T995'"
        ),
        what="the mentor statement blanked",
    )
    assert await program.reserved("T995") == 1
    assert (await program.summary())["requests"] == 2


def request_id_on_partition(partition: int, partitions: int = 3) -> str:
    """A request id whose Kafka key the default partitioner sends to ``partition``."""
    choose = DefaultPartitioner()
    every = list(range(partitions))
    while True:
        request_id = str(uuid.uuid4())
        if choose(request_id.encode(), every, every) == partition:
            return request_id


async def both_replicas_joined(env, runtime: ServiceRuntime) -> None:
    """The consumers of both processes are in the group, partitions shared out."""
    group_id, expected = runtime.group_id, 2 * runtime.settings.kafka_consumers
    admin = AIOKafkaAdminClient(bootstrap_servers=env.infra.bootstrap_servers)
    await admin.start()
    try:

        async def joined():
            [described] = await admin.describe_consumer_groups([group_id])
            [group] = described.groups
            state, members = group[2], group[5]
            return state == "Stable" and len(members) == expected

        await wait_until(joined, what=f"{expected} consumers of two replicas")
    finally:
        await admin.close()


async def decision(program: Program, request_id: str) -> str:
    async def decided():
        for kind in ("MatchProposed", "RequestWaitlisted"):
            if await program.events(kind, request_id):
                return kind
        return None

    return await wait_until(decided, what=f"a decision on request {request_id}")
