"""The mentor directory and topic catalogue over HTTP, fed through Kafka."""

from __future__ import annotations

import uuid

import httpx

from services.profiles.app import definition
from services.profiles.settings import ProfilesSettings
from shared.contracts.profiles import MentorPauseRequested
from shared.contracts.scheduling import EngagementClosed, EngagementOpened
from shared.envelope import new_event
from tests.factories import hr_record, portal_event, volunteered
from tests.kafka import wait_until
from tests.service_http import service_client

HR_ONLY_FIELDS = {
    "email",
    "service_start_date",
    "appointment_type",
    "employment_status",
    "supervisor_employee_id",
    "record_version",
}


def _client(runtime) -> httpx.AsyncClient:
    return service_client(runtime)


async def _mentor_approved(env, employee_id: str) -> bool:
    approved = await env.kafka.events(env.topics.mentors, "MentorApproved")
    return any(event.subject == employee_id for event in approved)


async def _faculty_known(env, employee_id: str) -> bool:
    changes = await env.kafka.events(env.topics.faculty, "FacultyProfileChanged")
    return any(event.subject == employee_id for event in changes)


async def _mentor(env, employee_id: str, hr: dict, **profile) -> None:
    record = hr_record(employee_id, **hr)
    await env.kafka.publish(env.topics.hr_faculty_records, record, employee_id)
    await wait_until(lambda: _faculty_known(env, employee_id), what="HR record")
    await env.kafka.publish(
        env.topics.mentor_submissions, volunteered(employee_id, **profile)
    )
    await wait_until(lambda: _mentor_approved(env, employee_id), what="approval")


async def _engagement(env, mentor: str, *, closed: bool = False) -> None:
    fields = {
        "engagement_id": uuid.uuid4(),
        "request_id": uuid.uuid4(),
        "mentee_employee_id": "M900",
        "mentor_employee_id": mentor,
        "topic": "academic-promotion",
    }
    opened = EngagementOpened(**fields, planned_meetings=1)
    events = [opened]
    if closed:
        events.append(EngagementClosed(**fields, sessions_held=1, reason_code="done"))
    for payload in events:
        event = new_event(
            payload, subject=str(fields["engagement_id"]), producer="scheduling"
        )
        await env.kafka.publish(env.topics.engagements, event)


async def _three_mentors(env) -> None:
    """Okafor (3 places, 1 taken), Baptiste (1, taken), Chen (2, 1 since freed)."""
    await _mentor(
        env,
        "D100",
        {"family_name": "Okafor", "department": "Medicine", "division": "Cardiology"},
        topics=["academic-promotion"],
        statement="I sat on the promotions committee and read many dossiers.",
        max_mentees=3,
        meeting_formats=["video"],
    )
    await _mentor(
        env,
        "D200",
        {"family_name": "Baptiste", "department": "Surgery", "division": None},
        topics=["research-agenda"],
        statement="Writing an R01 grant with a small lab.",
        max_mentees=1,
        meeting_formats=["in_person"],
    )
    await _mentor(
        env,
        "D300",
        {"family_name": "Chen", "department": "Medicine", "division": "Oncology"},
        topics=["academic-promotion", "work-life-balance"],
        statement="Balancing clinic, children and a research career.",
        max_mentees=2,
        meeting_formats=["phone", "video"],
    )
    await _engagement(env, "D100")
    await _engagement(env, "D200")
    await _engagement(env, "D300", closed=True)


async def _ids(client, **params) -> list[str]:
    response = await client.get("/v1/mentors", params=params)
    assert response.status_code == 200, response.text
    return [item["employee_id"] for item in response.json()["items"]]


async def test_the_directory_lists_most_free_places_first_then_by_name(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _three_mentors(env)

    async with _client(runtime) as client:

        async def engagements_counted():
            # Free places look right before Chen's engagement opens, too: wait
            # until all four engagement events were applied.
            async with runtime.context.db.pool.acquire() as conn:
                applied = await conn.fetchval(
                    "SELECT count(*) FROM inbox WHERE event_type"
                    " IN ('EngagementOpened', 'EngagementClosed')"
                )
            if applied < 4:
                return None
            page = (await client.get("/v1/mentors")).json()
            places = {
                item["employee_id"]: item["free_capacity"] for item in page["items"]
            }
            return places if places == {"D100": 2, "D200": 0, "D300": 2} else None

        await wait_until(engagements_counted, what="the engagements counted")
        everyone = await _ids(client)
        by_topic = await _ids(client, topic="academic-promotion")
        by_department = await _ids(client, department="medicine")
        by_division = await _ids(client, division="Oncology")
        by_format = await _ids(client, meeting_format="in_person")
        full = await _ids(client, has_capacity="false")
        free = await _ids(client, has_capacity="true")
        stemmed = await _ids(client, q="dossier")
        grant = await _ids(client, q="grants")
        first_page = (await client.get("/v1/mentors", params={"limit": 2})).json()
        last_page = (
            await client.get("/v1/mentors", params={"limit": 2, "offset": 2})
        ).json()
        too_many = await client.get("/v1/mentors", params={"limit": 101})

    assert everyone == ["D300", "D100", "D200"]
    assert by_topic == ["D300", "D100"]
    assert by_department == ["D300", "D100"]
    assert by_division == ["D300"]
    assert by_format == ["D200"]
    assert full == ["D200"]
    assert free == ["D300", "D100"]
    assert stemmed == ["D100"]
    assert grant == ["D200"]
    assert [item["employee_id"] for item in first_page["items"]] == ["D300", "D100"]
    assert first_page["total"] == 3 and first_page["next_offset"] == 2
    assert [item["employee_id"] for item in last_page["items"]] == ["D200"]
    assert last_page["next_offset"] is None
    assert too_many.status_code == 422


async def test_input_postgresql_cannot_take_is_refused_with_422_not_500(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    refused = [
        ("/v1/mentors", {"q": "dossier\x00"}),
        ("/v1/mentors", {"topic": "\x00"}),
        ("/v1/mentors", {"department": "\x00x"}),
        ("/v1/mentors", {"division": "Cardio\x00"}),
        ("/v1/mentors", {"offset": str(2**63)}),
        ("/v1/mentors", {"offset": "99999999999999999999999"}),
        ("/v1/mentors", {"department": "x" * 201}),
        ("/v1/mentors/%00", {}),
    ]
    async with _client(runtime) as client:
        responses = [await client.get(path, params=params) for path, params in refused]

    assert [response.status_code for response in responses] == [422] * len(refused)
    assert "must not contain the NUL character" in responses[0].text
    assert "less than or equal to 1000000000" in responses[4].text


async def test_a_mentor_page_shows_what_the_mentor_chose_and_never_hr_only_data(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _mentor(
        env,
        "D400",
        {"given_name": "Imani", "family_name": "Reyes", "supervisor_employee_id": "S1"},
        topics=["academic-promotion"],
    )

    async with _client(runtime) as client:
        response = await client.get("/v1/mentors/D400")
        unknown = await client.get("/v1/mentors/NOBODY")
        schema = (await client.get("/openapi.json")).json()

    assert response.status_code == 200
    mentor = response.json()
    assert mentor["given_name"] == "Imani" and mentor["family_name"] == "Reyes"
    assert mentor["rank"] == "professor"
    assert mentor["department"] == "Medicine"
    assert mentor["topics"] == [
        {
            "slug": "academic-promotion",
            "title": "Understanding the academic promotion process",
        }
    ]
    assert mentor["free_capacity"] == 2
    assert not HR_ONLY_FIELDS & set(mentor)
    assert "d400@med.example.edu" not in response.text
    assert "2010-08-01" not in response.text
    assert unknown.status_code == 404
    listing = schema["components"]["schemas"]["MentorListing"]["properties"]
    assert not HR_ONLY_FIELDS & set(listing)
    assert "/v1/mentors/{employee_id}" in schema["paths"]


async def test_a_paused_mentor_disappears_from_the_directory(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _mentor(env, "D500", {})
    pause = portal_event(
        MentorPauseRequested, {"employee_id": "D500"}, subject="D500", actor="D500"
    )

    async with _client(runtime) as client:
        listed = await client.get("/v1/mentors/D500")
        await env.kafka.publish(env.topics.mentor_submissions, pause)
        await env.kafka.wait_for_events(env.topics.mentors, "MentorPaused")
        paused = await client.get("/v1/mentors/D500")
        remaining = await _ids(client)

    assert listed.status_code == 200
    assert paused.status_code == 404
    assert remaining == []


async def test_an_operator_added_topic_area_is_listed_and_accepted(env):
    settings = env.settings(
        ProfilesSettings,
        extra_topic_areas='{"grant-writing": "Writing competitive grant proposals"}',
    )
    runtime = await env.start(definition, settings)

    await _mentor(env, "D600", {}, topics=["grant-writing", "research-agenda"])

    async with _client(runtime) as client:
        topics = (await client.get("/v1/topics")).json()
        mentor = (await client.get("/v1/mentors/D600")).json()
    assert {
        "slug": "grant-writing",
        "title": "Writing competitive grant proposals",
    } in (topics)
    assert len(topics) == 17
    assert mentor["topics"][0]["title"] == "Writing competitive grant proposals"


async def test_the_summary_keeps_its_keys_and_counts_paused_mentors(env):
    runtime = await env.start(definition, env.settings(ProfilesSettings))
    await _mentor(env, "D700", {})
    pause = portal_event(
        MentorPauseRequested, {"employee_id": "D700"}, subject="D700", actor="D700"
    )
    await env.kafka.publish(env.topics.mentor_submissions, pause)
    await env.kafka.wait_for_events(env.topics.mentors, "MentorPaused")

    async with _client(runtime) as client:
        summary = (await client.get("/v1/summary")).json()

    assert summary["faculty"] == 1
    assert summary["mentors_approved"] == 0
    assert summary["mentors_deactivated"] == 0
    assert summary["mentors_rejected"] == {}
    assert summary["mentors_paused"] == 1
