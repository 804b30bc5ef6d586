"""The notifications service: what it consumes, sends and serves."""

from __future__ import annotations

from fastapi import APIRouter

from services.notifications.adapters import repository
from services.notifications.dispatcher import dispatch_emails
from services.notifications.domain.recipients import NOTIFIED_EVENTS
from services.notifications.erasure import ContactEraser
from services.notifications.handlers import NotificationsHandlers
from services.notifications.letters_api import letters_router
from services.notifications.settings import NotificationsSettings
from services.notifications.time_zones import (
    MENTOR_PROFILE_EVENTS,
    also_remembering_time_zone,
)
from shared.contracts.routing import route_of_event
from shared.platform.http import summary_router
from shared.platform.runtime import ServiceContext, ServiceDefinition, Subscription


def subscriptions(ctx: ServiceContext) -> list[Subscription]:
    handlers = NotificationsHandlers(ctx.settings)
    eraser = ContactEraser(ctx.topics)
    by_topic: dict[str, dict] = {
        ctx.topics.faculty: {
            "FacultyProfileChanged": handlers.update_contact,
            "FacultyDataErased": eraser.erase_person,
        }
    }
    for event_type in NOTIFIED_EVENTS:
        topic = getattr(ctx.topics, route_of_event(event_type).topic)
        by_topic.setdefault(topic, {})[event_type] = handlers.record_letters
    for event_type in MENTOR_PROFILE_EVENTS:
        on_topic = by_topic.setdefault(
            getattr(ctx.topics, route_of_event(event_type).topic), {}
        )
        on_topic[event_type] = also_remembering_time_zone(on_topic.get(event_type))
    # One subscription per topic: the runtime keeps one consumer for each.
    return [Subscription(topic, handlers) for topic, handlers in by_topic.items()]


def routers(ctx: ServiceContext) -> list[APIRouter]:
    return [
        summary_router(
            ctx, repository.summary, description="Counts of e-mails by delivery state"
        ),
        letters_router(ctx),
    ]


definition = ServiceDefinition(
    name="notifications",
    migrations_package="services.notifications.migrations",
    subscriptions=subscriptions,
    background=(dispatch_emails,),
    routers=routers,
)

__all__ = ["NotificationsSettings", "definition"]
