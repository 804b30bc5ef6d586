"""The profiles service: what it consumes and what it serves."""

from __future__ import annotations

from fastapi import APIRouter

from services.profiles.adapters import erasure, mentors, repository
from services.profiles.api.directory import directory_router
from services.profiles.data_retention import erase_expired_faculty_data
from services.profiles.engagement_load import (
    count_engagement_closed,
    count_engagement_opened,
)
from services.profiles.handlers import ProfilesHandlers
from services.profiles.hr_feed import decode_hr_record
from services.profiles.lifecycle import MentorLifecycleHandlers
from services.profiles.resumption import resume_paused_mentors
from services.profiles.settings import ProfilesSettings
from shared.platform.http import summary_router
from shared.platform.runtime import ServiceContext, ServiceDefinition, Subscription


def subscriptions(ctx: ServiceContext) -> list[Subscription]:
    handlers = ProfilesHandlers(ctx.settings, ctx.topics)
    lifecycle = MentorLifecycleHandlers(ctx.settings, ctx.topics)
    return [
        Subscription(
            ctx.topics.hr_faculty_records,
            {"FacultyRecord": handlers.apply_faculty_record},
            decoder=decode_hr_record,
            batch_handler=handlers.apply_faculty_records,
            # (employee id, record version) is the message id, and a version no
            # newer than the stored one changes nothing: the version is the
            # deduplication, without an inbox row per record.
            batch_handler_deduplicates=True,
        ),
        Subscription(
            ctx.topics.mentor_submissions,
            {
                "MentorVolunteered": handlers.decide_volunteer,
                "MentorProfileUpdated": lifecycle.update_profile,
                "MentorPauseRequested": lifecycle.pause,
                "MentorResumeRequested": lifecycle.resume,
                "MentorWithdrawalRequested": lifecycle.withdraw,
            },
        ),
        Subscription(
            ctx.topics.engagements,
            {
                "EngagementOpened": count_engagement_opened,
                "EngagementClosed": count_engagement_closed,
            },
        ),
    ]


async def program_counts(conn) -> dict:
    counts = await repository.summary(conn)
    by_status = await mentors.count_by_status(conn)
    counts["mentors_paused"] = by_status.get("paused", 0)
    counts["mentors_withdrawn"] = by_status.get("withdrawn", 0)
    counts["faculty_erased"] = await erasure.erased_count(conn)
    return counts


def routers(ctx: ServiceContext) -> list[APIRouter]:
    summary = summary_router(
        ctx, program_counts, description="Counts of faculty and mentor decisions"
    )
    return [summary, directory_router(ctx)]


definition = ServiceDefinition(
    name="profiles",
    migrations_package="services.profiles.migrations",
    subscriptions=subscriptions,
    background=(resume_paused_mentors, erase_expired_faculty_data),
    routers=routers,
)

__all__ = ["ProfilesSettings", "definition"]
