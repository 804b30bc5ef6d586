from __future__ import annotations

import json

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.platform.settings import ServiceSettings


class MatchingSettings(ServiceSettings):
    """Environment variables start with ``MATCHING_`` (``MATCHING_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    http_port: int = 8082
    max_open_requests: int = Field(
        default=3, ge=1, description="Open requests one mentee may have at once."
    )
    proposal_expiry_hours: float = Field(
        default=72.0, gt=0, description="How long a mentor has to answer a proposal."
    )
    expiry_poll_interval_s: float = Field(
        default=5.0, gt=0, description="How often due proposal expiries are sought."
    )
    waitlist_retry_limit: int = Field(
        default=100,
        ge=1,
        description="Waiting requests retried, oldest first, when the pool changes.",
    )
    extra_topic_areas: dict[str, str] = Field(
        default_factory=dict,
        description="JSON object of slug -> title added to the seed catalogue.",
    )

    @field_validator("extra_topic_areas", mode="before")
    @classmethod
    def _parse_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value
