"""The profiles service: what it consumes and what it serves."""

from __future__ import annotations

from fastapi import APIRouter

from services.profiles.adapters import repository
from services.profiles.handlers import ProfilesHandlers, decode_hr_record
from services.profiles.settings import ProfilesSettings
from shared.platform.runtime import ServiceContext, ServiceDefinition, Subscription


def subscriptions(ctx: ServiceContext) -> list[Subscription]:
    handlers = ProfilesHandlers(ctx.settings, ctx.topics)
    return [
        Subscription(
            ctx.topics.hr_faculty_records,
            {"FacultyRecord": handlers.apply_faculty_record},
            decoder=decode_hr_record,
        ),
        Subscription(
            ctx.topics.mentor_submissions,
            {"MentorVolunteered": handlers.decide_volunteer},
        ),
    ]


def routers(ctx: ServiceContext) -> list[APIRouter]:
    router = APIRouter(prefix="/v1", tags=["program"])

    @router.get("/summary", summary="Counts of faculty and mentor decisions")
    async def summary() -> dict:
        async with ctx.db.pool.acquire() as conn:
            return await repository.summary(conn)

    return [router]


definition = ServiceDefinition(
    name="profiles",
    migrations_package="services.profiles.migrations",
    subscriptions=subscriptions,
    routers=routers,
)

__all__ = ["ProfilesSettings", "definition"]
