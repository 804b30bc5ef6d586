"""The event catalogue: every event type by name, with its payload model."""

from __future__ import annotations

from pydantic import BaseModel

from shared.contracts import matching, notifications, profiles, scheduling

_MODULES = (profiles, matching, scheduling, notifications)

EVENT_TYPES: dict[str, type[BaseModel]] = {
    name: model
    for module in _MODULES
    for name, model in vars(module).items()
    if isinstance(model, type)
    and issubclass(model, BaseModel)
    and model.__module__ == module.__name__
    and name != "MentorProfile"
}
