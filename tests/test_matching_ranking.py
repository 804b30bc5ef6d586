"""Who is proposed: soft scoring, the attempts limit and the mentor a mentee named."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.matching.adapters.mentor_load import _CANDIDATES
from services.matching.settings import MatchingSettings
from shared.contracts.profiles import MentorPaused
from shared.contracts.scheduling import SessionCompleted
from shared.envelope import new_event
from tests.kafka import wait_until
from tests.test_matching_service import TOPIC, Program, start

NEED = "How do I prepare my promotion dossier?"
UNRELATED = "I help colleagues find balance between clinic, family and research."
PROMOTION = "I review promotion dossiers and coach faculty preparing their dossier."


async def test_the_mentor_whose_statement_matches_the_need_is_proposed_and_told_why(
    env,
):
    program = await start(env)
    await program.faculty("M100")
    await program.faculty("T100", department="Surgery")
    await program.faculty("T101", department="Surgery")
    await program.mentor("T100", statement=UNRELATED)
    await program.mentor("T101", statement=PROMOTION)

    request_id = await program.request("M100", need_statement=NEED)

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T101"
    assert "their statement closely matches the need" in proposed.payload["rationale"]
    assert 0.5 < proposed.payload["score"] <= 1


async def test_a_mentor_whose_hours_overlap_the_mentees_is_proposed_first(env):
    program = await start(env)
    await program.faculty("M110")
    await program.faculty("T110", department="Surgery")
    await program.faculty("T111", department="Surgery")
    await program.mentor(
        "T110", availability=weekly("America/New_York", weekday=2, start="13:00")
    )
    # 10:00-12:00 in Chicago is 11:00-13:00 in New York: one hour in common.
    await program.mentor(
        "T111", availability=weekly("America/Chicago", weekday=1, start="10:00")
    )

    request_id = await program.request(
        "M110",
        availability=weekly("America/New_York", weekday=1, start="09:00", hours=3),
    )

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T111"
    assert (
        "1 hour a week in common with the mentee's availability"
        in (proposed.payload["rationale"])
    )


def weekly(zone: str, *, weekday: int, start: str, hours: int = 2) -> dict:
    hour = int(start[:2]) + hours
    return {
        "time_zone": zone,
        "windows": [{"weekday": weekday, "start": start, "end": f"{hour:02d}:00"}],
    }


async def test_a_mentor_with_more_sessions_held_wins_when_all_else_is_equal(env):
    program = await start(env)
    await program.faculty("M120")
    for mentor in ("T120", "T121"):
        await program.faculty(mentor, department="Surgery")
        await program.mentor(mentor)
    first, second = uuid.uuid4(), uuid.uuid4()
    for session_id in (first, second, first):
        await session_completed(program, mentor="T121", session_id=session_id)
    await wait_until(
        lambda: program.fetchval(
            "SELECT true FROM completed_sessions WHERE session_id = $1", second
        ),
        what="both sessions counted",
    )

    request_id = await program.request("M120")

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == "T121"
    sessions = await program.fetchval(
        "SELECT sessions_completed FROM track_records WHERE employee_id = 'T121'"
    )
    assert sessions == 2


async def session_completed(program: Program, *, mentor: str, session_id) -> None:
    completed = SessionCompleted(
        engagement_id=uuid.uuid4(),
        session_id=session_id,
        sequence=1,
        mentee_employee_id="M999",
        mentor_employee_id=mentor,
        topic=TOPIC,
        reported_by=mentor,
        completed_at=datetime.now(UTC),
    )
    await program.env.kafka.publish(
        program.topics.engagements,
        new_event(completed, subject=str(completed.engagement_id), producer="sched"),
    )


@pytest.mark.parametrize(
    ("weights", "chosen"),
    [
        ({"weight_relevance": 0.0, "weight_department": 1.0}, "T130"),
        ({"weight_relevance": 1.0, "weight_department": 0.0}, "T131"),
    ],
    ids=["department-weighted", "relevance-weighted"],
)
async def test_the_configured_weights_decide_between_mentors(env, weights, chosen):
    program = await start(env, **weights)
    await program.faculty("M130", department="Medicine")
    await program.faculty("T130", department="Surgery")
    await program.faculty("T131", department="Medicine")
    await program.mentor("T130", department="Surgery", statement=UNRELATED)
    await program.mentor("T131", department="Medicine", statement=PROMOTION)

    request_id = await program.request("M130", need_statement=NEED)

    [proposed] = await program.wait_for("MatchProposed", request_id)
    assert proposed.payload["mentor_employee_id"] == chosen


async def test_after_the_attempts_limit_the_request_waits_then_retries_on_a_new_mentor(
    env,
):
    program = await start(env, max_proposals_per_request=2)
    await program.faculty("M140")
    for mentor in ("T140", "T141", "T142", "T143"):
        await program.faculty(mentor, department="Surgery")
    for mentor in ("T140", "T141", "T142"):
        await program.mentor(mentor)
    request_id = await program.request("M140")

    for attempt in (1, 2):
        proposals = await program.wait_for("MatchProposed", request_id, attempt)
        await program.answer(proposals[-1], accept=False)

    [waitlisted] = await program.wait_for("RequestWaitlisted", request_id)
    assert waitlisted.payload["reason_code"] == "attempts_exhausted"
    assert waitlisted.payload["reason"]
    asked = {event.payload["mentor_employee_id"] for event in proposals}
    [never_asked] = {"T140", "T141", "T142"} - asked
    assert await program.reserved(never_asked) == 0
    assert (await program.summary())["waiting"] == 1

    await program.mentor("T143")

    [*_, retried] = await program.wait_for("MatchProposed", request_id, 3)
    assert retried.payload["attempt"] == 3
    assert retried.payload["mentor_employee_id"] not in asked


async def test_a_named_mentor_who_cannot_be_asked_is_explained_and_another_is_proposed(
    env,
):
    program = await start(env)
    await program.faculty("S150", department="Medicine")
    mentees = [f"M15{n}" for n in range(7)]  # the last one takes T150's only place
    for mentee in mentees:
        await program.faculty(mentee, department="Medicine", supervisor="S150")
    for mentor, department in [
        ("T150", "Surgery"),
        ("T151", "Surgery"),
        ("T152", "Surgery"),
        ("T153", "Surgery"),
        ("T154", "Surgery"),
        ("F150", "Pediatrics"),
    ]:
        await program.faculty(mentor, department=department)
    await program.mentor("S150", department="Medicine")
    await program.mentor("T150", max_mentees=1)
    await program.mentor("T151", scope="own")
    await program.mentor("T152", topics=("teaching-portfolio",))
    await program.mentor("T153")
    await program.mentor_event(MentorPaused(employee_id="T153"))
    await program.wait_until_mentor_active("T153", False)
    await program.mentor("T154")
    await program.mentor("F150", department="Pediatrics", max_mentees=5)
    takes_t150 = await program.request(mentees[6], preferred_mentor_employee_id="T150")
    await program.wait_for("MatchProposed", takes_t150)

    named = {
        "at_capacity": "T150",
        "scope": "T151",
        "topic_not_offered": "T152",
        "not_available": "T153",
        "own_supervisor": "S150",
        "not_a_mentor": "NOBODY",
    }
    requests = {
        code: await program.request(mentee, preferred_mentor_employee_id=mentor)
        for mentee, (code, mentor) in zip(mentees[:6], named.items(), strict=True)
    }

    for code, request_id in requests.items():
        [told] = await program.wait_for("PreferredMentorUnavailable", request_id)
        assert told.payload["reason_code"] == code
        assert told.payload["preferred_mentor_employee_id"] == named[code]
        assert told.payload["reason"]
        [proposed] = await program.wait_for("MatchProposed", request_id)
        assert proposed.payload["mentor_employee_id"] in {"T154", "F150"}
    assert not await program.events("PreferredMentorUnavailable", takes_t150)
    assert await program.reserved("T150") == 1
    assert await program.reserved("S150") == 0


async def test_the_candidate_search_walks_the_topics_askable_mentors_not_every_mentor(
    env,
):
    program = await start(env)
    async with program.runtime.context.db.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO mentors (employee_id, topics, max_mentees, capacity,"
            " department, department_scope, meeting_formats, availability)"
            " SELECT 'X' || n, ARRAY['topic-' || (n % 16)], 2, 2, 'Surgery', 'both',"
            " ARRAY['video'], '{}'::jsonb FROM generate_series(1, 4000) AS n"
        )
        await conn.execute(
            "INSERT INTO requests (request_id, mentee_employee_id, topic,"
            " need_statement, meetings, scope_preference, scope_required, status,"
            " correlation_id) VALUES ($1, 'M160', 'topic-3', $2, 1, 'any', false,"
            " 'waiting', $1)",
            uuid.uuid4(),
            NEED,
        )
        await conn.execute("ANALYZE mentors")
        request_id = await conn.fetchval("SELECT request_id FROM requests")
        weights = MatchingSettings().score_weights().values()
        plan = "\n".join(
            row[0]
            for row in await conn.fetch(
                "EXPLAIN " + _CANDIDATES,
                "topic-3",
                request_id,
                "Medicine",
                None,
                [],
                5,
                *weights,
                30.0,
                10,
            )
        )
    assert "askable_mentors_least_recently_asked" in plan, plan
    assert "Seq Scan on mentors" not in plan, plan
    assert "Seq Scan on askable_mentors" not in plan, plan
