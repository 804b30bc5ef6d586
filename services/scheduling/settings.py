from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.platform.settings import ServiceSettings


class SchedulingSettings(ServiceSettings):
    """Environment variables start with ``SCHEDULING_`` (``SCHEDULING_HTTP_PORT``)."""

    model_config = SettingsConfigDict(env_prefix="SCHEDULING_", extra="ignore")

    http_port: int = 8083
    booking_lead_time_hours: float = Field(
        default=48, ge=0, description="Earliest a meeting may start, from now."
    )
    booking_horizon_weeks: int = Field(
        default=8, ge=1, le=52, description="How far ahead to look for a free slot."
    )
    days_between_meetings: float = Field(
        default=7, ge=0, description="Gap after a held meeting before the next one."
    )
