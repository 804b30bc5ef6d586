from __future__ import annotations

import json

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared.platform.settings import ServiceSettings


class ProfilesSettings(ServiceSettings):
    """Environment variables start with ``PROFILES_`` (``PROFILES_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="PROFILES_", extra="ignore")

    http_port: int = 8081
    mentor_min_service_years: int = Field(default=5, ge=0, le=50)
    extra_topic_areas: dict[str, str] = Field(
        default_factory=dict,
        description="JSON object of slug -> title added to the seed catalogue.",
    )

    @field_validator("extra_topic_areas", mode="before")
    @classmethod
    def _parse_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value
