"""The scheduling service: what it consumes and what it serves."""

from __future__ import annotations

from fastapi import APIRouter

from services.scheduling.adapters import repository
from services.scheduling.cancellation import EngagementCanceller
from services.scheduling.erasure import erase_notes_of_person
from services.scheduling.handlers import SchedulingHandlers
from services.scheduling.settings import SchedulingSettings
from shared.platform.http import summary_router
from shared.platform.runtime import ServiceContext, ServiceDefinition, Subscription


def subscriptions(ctx: ServiceContext) -> list[Subscription]:
    handlers = SchedulingHandlers(ctx.settings, ctx.topics)
    canceller = EngagementCanceller(ctx.topics)
    return [
        Subscription(
            ctx.topics.matching,
            {
                "MatchConfirmed": handlers.open_engagement,
                "RequestCancelled": canceller.close_cancelled_engagement,
            },
        ),
        Subscription(
            ctx.topics.session_reports, {"SessionReported": handlers.apply_report}
        ),
        Subscription(ctx.topics.faculty, {"FacultyDataErased": erase_notes_of_person}),
    ]


def routers(ctx: ServiceContext) -> list[APIRouter]:
    return [
        summary_router(
            ctx, repository.summary, description="Counts of engagements and sessions"
        )
    ]


definition = ServiceDefinition(
    name="scheduling",
    migrations_package="services.scheduling.migrations",
    subscriptions=subscriptions,
    routers=routers,
)

__all__ = ["SchedulingSettings", "definition"]
