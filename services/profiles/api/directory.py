"""``/v1/topics`` and ``/v1/mentors``: what mentees browse before they ask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import AfterValidator

from services.profiles.adapters.directory import (
    MentorSearch,
    listed_mentor,
    search_mentors,
)
from services.profiles.api.models import MentorListing, MentorPage, TopicArea
from shared.contracts.catalogue import topic_catalogue
from shared.contracts.common import MeetingFormat
from shared.platform.runtime import ServiceContext


def _no_nul(text: str | None) -> str | None:
    if text is not None and "\x00" in text:
        raise ValueError("must not contain the NUL character")
    return text


# Free text a client sends; PostgreSQL text cannot hold NUL, so it is refused here.
SearchText = Annotated[str | None, AfterValidator(_no_nul)]
# Far beyond any directory; keeps the number inside PostgreSQL's bigint.
MAX_OFFSET = 1_000_000_000


def _listing(row: asyncpg.Record, catalogue: Mapping[str, str]) -> MentorListing:
    profile = row["profile"]
    return MentorListing(
        employee_id=row["employee_id"],
        given_name=row["given_name"],
        family_name=row["family_name"],
        rank=row["rank"],
        department=row["department"],
        division=row["division"],
        topics=[
            TopicArea(slug=slug, title=catalogue.get(slug, slug))
            for slug in profile["topics"]
        ],
        statement=profile["statement"],
        meeting_formats=profile["meeting_formats"],
        availability=profile["availability"],
        department_scope=profile["department_scope"],
        free_capacity=row["free_capacity"],
    )


def directory_router(ctx: ServiceContext) -> APIRouter:
    """Routes that read the profiles schema only; nothing here writes."""
    router = APIRouter(prefix="/v1", tags=["directory"])
    catalogue = topic_catalogue(ctx.settings.extra_topic_areas)

    @router.get("/topics", summary="The topic areas mentors offer")
    async def topics() -> list[TopicArea]:
        return [TopicArea(slug=slug, title=title) for slug, title in catalogue.items()]

    @router.get("/mentors", summary="Search the mentors taking mentees")
    async def mentors(
        topic: Annotated[
            SearchText, Query(max_length=200, description="A topic slug")
        ] = None,
        department: Annotated[SearchText, Query(max_length=200)] = None,
        division: Annotated[SearchText, Query(max_length=200)] = None,
        meeting_format: MeetingFormat | None = None,
        has_capacity: Annotated[
            bool | None, Query(description="Only mentors with (or without) a place")
        ] = None,
        q: Annotated[
            SearchText,
            Query(max_length=200, description="Words to find in the statement"),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> MentorPage:
        search = MentorSearch(
            topic=topic,
            department=department,
            division=division,
            meeting_format=meeting_format.value if meeting_format else None,
            has_capacity=has_capacity,
            words=q,
        )
        async with ctx.db.pool.acquire() as conn:
            rows, total = await search_mentors(conn, search, limit=limit, offset=offset)
        following = offset + len(rows)
        return MentorPage(
            items=[_listing(row, catalogue) for row in rows],
            total=total,
            limit=limit,
            offset=offset,
            next_offset=following if following < total else None,
        )

    @router.get(
        "/mentors/{employee_id}",
        summary="One mentor taking mentees",
        responses={404: {"description": "No such mentor, or not taking mentees"}},
    )
    async def mentor(
        employee_id: Annotated[str, Path(max_length=200), AfterValidator(_no_nul)],
    ) -> MentorListing:
        async with ctx.db.pool.acquire() as conn:
            row = await listed_mentor(conn, employee_id)
        if row is None:
            raise HTTPException(404, "no active mentor with this employee id")
        return _listing(row, catalogue)

    return router
