"""The matching service: what it consumes, what it runs, and what it serves."""

from __future__ import annotations

from fastapi import APIRouter

from services.matching.adapters import requests
from services.matching.cancellation_handlers import CancellationHandlers
from services.matching.erasure import erase_words_of_person
from services.matching.expiry import expire_proposals
from services.matching.handlers import RequestHandlers
from services.matching.projection_handlers import ProjectionHandlers
from services.matching.proposing import Matchmaker
from services.matching.settings import MatchingSettings
from shared.platform.http import summary_router
from shared.platform.runtime import ServiceContext, ServiceDefinition, Subscription


def subscriptions(ctx: ServiceContext) -> list[Subscription]:
    matchmaker = Matchmaker(ctx.settings, ctx.topics)
    projections = ProjectionHandlers(matchmaker)
    handlers = RequestHandlers(ctx.settings, matchmaker)
    cancellations = CancellationHandlers(matchmaker)
    return [
        Subscription(
            ctx.topics.mentors,
            {
                "MentorApproved": projections.apply_mentor_profile,
                "MentorRestored": projections.apply_mentor_profile,
                "MentorProfileChanged": projections.apply_mentor_profile,
                "MentorPaused": projections.pause_mentor,
                "MentorResumed": projections.resume_mentor,
                "MentorWithdrawn": projections.retire_mentor,
                "MentorDeactivated": projections.retire_mentor,
            },
        ),
        Subscription(
            ctx.topics.faculty,
            {
                "FacultyProfileChanged": projections.apply_faculty_change,
                "FacultyDataErased": erase_words_of_person,
            },
        ),
        Subscription(
            ctx.topics.mentoring_requests,
            {
                "RequestSubmitted": handlers.take_request,
                "RequestCancellationSubmitted": cancellations.cancel_request,
            },
        ),
        Subscription(
            ctx.topics.proposal_responses,
            {
                "ProposalAccepted": handlers.accept_proposal,
                "ProposalDeclined": handlers.decline_proposal,
            },
        ),
        Subscription(
            ctx.topics.engagements,
            {
                "EngagementClosed": projections.free_engagement_slot,
                "SessionCompleted": projections.count_completed_session,
            },
        ),
    ]


def routers(ctx: ServiceContext) -> list[APIRouter]:
    return [
        summary_router(
            ctx,
            requests.summary,
            description="Counts of requests, matches, rejections and cancellations",
        )
    ]


definition = ServiceDefinition(
    name="matching",
    migrations_package="services.matching.migrations",
    subscriptions=subscriptions,
    background=(expire_proposals,),
    routers=routers,
    # Planning the candidate search anew for each request costs more than
    # running it. Its plan walks the same indexes whatever the topic or mentee,
    # so the prepared statement's generic plan is kept.
    database_settings={"plan_cache_mode": "force_generic_plan"},
)

__all__ = ["MatchingSettings", "definition"]
