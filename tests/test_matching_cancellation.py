"""Cancelling requests, by the mentee or because HR reports them inactive."""

from __future__ import annotations

import uuid

from shared.contracts.profiles import MentorDeactivated, MentorWithdrawn
from shared.envelope import new_event
from tests.kafka import wait_until
from tests.test_matching_service import Program, start


async def test_a_mentee_who_cancels_a_proposed_request_frees_the_mentor_who_is_told(
    env,
):
    program = await start(env)
    for mentee in ("M100", "M101"):
        await program.faculty(mentee)
    await program.faculty("T100", department="Surgery")
    await program.mentor("T100", max_mentees=1)
    request_id = await program.request("M100")
    [proposed] = await program.wait_for("MatchProposed", request_id)
    queued = await program.request("M101")
    await program.wait_for("RequestWaitlisted", queued)

    await program.cancel(request_id, "M100", reason="My chair answered my question.")

    [cancelled] = await program.wait_for("RequestCancelled", request_id)
    assert cancelled.payload["reason_code"] == "mentee_cancelled"
    assert cancelled.payload["mentee_reason"] == "My chair answered my question."
    assert cancelled.payload["matched_mentor_employee_id"] is None
    [withdrawn] = await program.wait_for("ProposalWithdrawn", request_id)
    assert withdrawn.payload["mentor_employee_id"] == "T100"
    assert withdrawn.payload["proposal_id"] == proposed.payload["proposal_id"]
    assert withdrawn.payload["reason_code"] == "mentee_cancelled"
    assert withdrawn.payload["reason"]
    [next_proposal] = await program.wait_for("MatchProposed", queued)
    assert next_proposal.payload["mentor_employee_id"] == "T100"
    assert await program.proposal_status(proposed) == "withdrawn"

    await program.answer(proposed, accept=True)

    [too_late] = await program.wait_for("ProposalResponseRejected", request_id)
    assert too_late.payload["reason_code"] == "proposal_not_open"
    assert not await program.events("MatchConfirmed", request_id)
    assert await program.reserved("T100") == 1
    summary = await program.summary()
    assert summary["cancelled"] == 1
    assert summary["proposed"] == 1


async def test_a_cancelled_waiting_request_is_never_proposed_and_frees_its_topic(env):
    program = await start(env)
    await program.faculty("M110")
    await program.faculty("T110", department="Surgery")
    request_id = await program.request("M110")
    await program.wait_for("RequestWaitlisted", request_id)

    await program.cancel(request_id, "M110")
    [cancelled] = await program.wait_for("RequestCancelled", request_id)
    await program.mentor("T110")
    again = await program.request("M110")

    assert cancelled.payload["reason_code"] == "mentee_cancelled"
    [proposed] = await program.wait_for("MatchProposed", again)
    assert proposed.payload["mentor_employee_id"] == "T110"
    assert not await program.events("MatchProposed", request_id)
    assert not await program.events("ProposalWithdrawn", request_id)
    assert await program.reserved("T110") == 1


async def test_a_matched_request_cancelled_before_the_engagement_closes_frees_the_place(
    env,
):
    program = await start(env)
    for mentee in ("M120", "M121"):
        await program.faculty(mentee)
    await program.faculty("T120", department="Surgery")
    await program.mentor("T120", max_mentees=1)
    request_id = await program.request("M120")
    [proposed] = await program.wait_for("MatchProposed", request_id)
    await program.answer(proposed, accept=True)
    [confirmed] = await program.wait_for("MatchConfirmed", request_id)
    queued = await program.request("M121")
    await program.wait_for("RequestWaitlisted", queued)

    await program.cancel(request_id, "M120")

    [cancelled] = await program.wait_for("RequestCancelled", request_id)
    assert cancelled.payload["matched_mentor_employee_id"] == "T120"
    assert cancelled.payload["topic"] == confirmed.payload["topic"]
    [next_proposal] = await program.wait_for("MatchProposed", queued)
    assert next_proposal.payload["mentor_employee_id"] == "T120"

    # Scheduling closes the engagement afterwards: no second place is freed.
    await program.close_engagement(confirmed)
    await program.cancel(request_id, "M120")

    [closed] = await program.wait_for("RequestCancellationRejected", request_id)
    assert closed.payload["reason_code"] == "request_closed"
    assert await program.reserved("T120") == 1
    status = await program.fetchval(
        "SELECT status FROM requests WHERE request_id = $1", uuid.UUID(request_id)
    )
    assert status == "cancelled"


async def test_cancellations_not_from_the_mentee_or_of_unknown_requests_change_nothing(
    env,
):
    program = await start(env)
    await program.faculty("M130")
    await program.faculty("T130", department="Surgery")
    await program.mentor("T130")
    request_id = await program.request("M130")
    [proposed] = await program.wait_for("MatchProposed", request_id)
    unknown = str(uuid.uuid4())

    await program.cancel(request_id, "M130", actor="T130")
    await program.cancel(request_id, "T130")
    await program.cancel(unknown, "M130")

    rejections = await program.wait_for("RequestCancellationRejected", request_id, 2)
    assert [event.payload["reason_code"] for event in rejections] == [
        "not_mentee",
        "not_mentee",
    ]
    assert rejections[0].payload["actor"] == "T130"
    [unknown_rejection] = await program.wait_for("RequestCancellationRejected", unknown)
    assert unknown_rejection.payload["reason_code"] == "unknown_request"
    assert not await program.events("RequestCancelled", request_id)
    assert not await program.events("ProposalWithdrawn", request_id)
    assert await program.proposal_status(proposed) == "open"
    assert await program.reserved("T130") == 1

    await program.answer(proposed, accept=True)
    await program.wait_for("MatchConfirmed", request_id)
    [confirmed] = await program.events("MatchConfirmed", request_id)
    await program.close_engagement(confirmed)
    await wait_until_completed(program, request_id)
    await program.cancel(request_id, "M130")

    rejections = await program.wait_for("RequestCancellationRejected", request_id, 3)
    assert rejections[-1].payload["reason_code"] == "request_closed"
    assert "completed" in rejections[-1].payload["reason"]
    assert not await program.events("RequestCancelled", request_id)


async def wait_until_completed(program: Program, request_id: str) -> None:
    await wait_until(
        lambda: program.fetchval(
            "SELECT true FROM requests WHERE request_id = $1 AND status = 'completed'",
            uuid.UUID(request_id),
        ),
        what=f"request {request_id} completed",
    )


async def test_a_mentee_hr_reports_separated_has_every_open_request_closed(env):
    program = await start(env)
    for mentee in ("M140", "M141"):
        await program.faculty(mentee)
    for mentor in ("T140", "T141"):
        await program.faculty(mentor, department="Surgery")
    await program.mentor("T140", topics=("academic-promotion",), max_mentees=1)
    await program.mentor("T141", topics=("teaching-portfolio",), max_mentees=1)
    proposed_request = await program.request("M140")
    [proposed] = await program.wait_for("MatchProposed", proposed_request)
    matched_request = await program.request("M140", topic="teaching-portfolio")
    [to_match] = await program.wait_for("MatchProposed", matched_request)
    await program.answer(to_match, accept=True)
    await program.wait_for("MatchConfirmed", matched_request)
    waiting_request = await program.request("M140", topic="work-life-balance")
    await program.wait_for("RequestWaitlisted", waiting_request)
    other_mentee = await program.request("M141")
    await program.wait_for("RequestWaitlisted", other_mentee)

    await program.faculty("M140", status="separated", version=2)

    outcomes = {}
    for request_id in (proposed_request, matched_request, waiting_request):
        [cancelled] = await program.wait_for("RequestCancelled", request_id)
        assert cancelled.payload["reason_code"] == "mentee_inactive"
        assert cancelled.payload["mentee_employee_id"] == "M140"
        outcomes[request_id] = cancelled.payload["matched_mentor_employee_id"]
    assert outcomes == {
        proposed_request: None,
        matched_request: "T141",
        waiting_request: None,
    }
    [withdrawn] = await program.wait_for("ProposalWithdrawn", proposed_request)
    assert withdrawn.payload["mentor_employee_id"] == "T140"
    assert withdrawn.payload["reason_code"] == "mentee_inactive"
    assert await program.proposal_status(proposed) == "withdrawn"
    [freed_for_other] = await program.wait_for("MatchProposed", other_mentee)
    assert freed_for_other.payload["mentor_employee_id"] == "T140"
    assert await program.reserved("T141") == 0
    assert (await program.summary())["cancelled"] == 3


async def test_a_mentee_going_on_leave_keeps_their_completed_mentoring_on_record(env):
    program = await start(env)
    await program.faculty("M150")
    await program.faculty("T150", department="Surgery")
    await program.mentor("T150")
    request_id = await program.request("M150")
    [proposed] = await program.wait_for("MatchProposed", request_id)
    await program.answer(proposed, accept=True)
    [confirmed] = await program.wait_for("MatchConfirmed", request_id)
    await program.close_engagement(confirmed)
    await wait_until_completed(program, request_id)

    await program.faculty("M150", status="on_leave", version=2)

    status = await program.fetchval(
        "SELECT status FROM requests WHERE request_id = $1", uuid.UUID(request_id)
    )
    assert status == "completed"
    assert (await program.summary())["cancelled"] == 0
    assert not await program.events("RequestCancelled", request_id)


async def test_a_mentor_hr_deactivates_has_their_matched_mentees_requests_called_off(
    env,
):
    program = await start(env)
    for mentee in ("M170", "M171"):
        await program.faculty(mentee)
    await program.faculty("T170", department="Surgery")
    await program.mentor("T170", max_mentees=2)
    matched_request = await program.request("M170")
    [proposed] = await program.wait_for("MatchProposed", matched_request)
    await program.answer(proposed, accept=True)
    await program.wait_for("MatchConfirmed", matched_request)
    finished_request = await program.request("M171")
    [to_finish] = await program.wait_for("MatchProposed", finished_request)
    await program.answer(to_finish, accept=True)
    [finished] = await program.wait_for("MatchConfirmed", finished_request)
    await program.close_engagement(finished)
    await wait_until_completed(program, finished_request)
    deactivated = new_event(
        MentorDeactivated(
            employee_id="T170", reason_code="separated", reason="left the school"
        ),
        subject="T170",
        producer="profiles",
    )

    await env.kafka.publish(env.topics.mentors, deactivated)

    [cancelled] = await program.wait_for("RequestCancelled", matched_request)
    assert cancelled.payload["reason_code"] == "mentor_unavailable"
    assert cancelled.payload["reason"] == "your mentor is no longer available to mentor"
    assert cancelled.payload["matched_mentor_employee_id"] == "T170"
    assert cancelled.payload["mentee_employee_id"] == "M170"
    assert await program.reserved("T170") == 0

    # The same event again, then the mentor's own withdrawal: nothing more happens.
    await env.kafka.publish(env.topics.mentors, deactivated)
    await program.mentor_event(MentorWithdrawn(employee_id="T170"))
    # Published after them for the same mentor, so handled after them.
    await program.mentor("T170", max_mentees=2)

    assert len(await program.events("RequestCancelled", matched_request)) == 1
    assert not await program.events("RequestCancelled", finished_request)
    assert await program.reserved("T170") == 0
    statuses = {
        request_id: await program.fetchval(
            "SELECT status FROM requests WHERE request_id = $1", uuid.UUID(request_id)
        )
        for request_id in (matched_request, finished_request)
    }
    assert statuses == {matched_request: "cancelled", finished_request: "completed"}
    assert (await program.summary())["cancelled"] == 1
