from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.platform.settings import CatalogueSettings


class ProfilesSettings(CatalogueSettings):
    """Environment variables start with ``PROFILES_`` (``PROFILES_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="PROFILES_", extra="ignore")

    http_port: int = 8081
    mentor_min_service_years: int = Field(
        default=5, ge=0, le=50, description="Years of service a mentor needs."
    )
    mentor_max_pause_days: int = Field(
        default=365, ge=1, description="Furthest resume date a pause may name."
    )
    resume_poll_interval_s: float = Field(
        default=30.0, gt=0, description="How often due automatic resumptions run."
    )
    separated_retention_days: int = Field(
        default=365,
        ge=0,
        description="Days a separated faculty member's personal data is kept.",
    )
    erasure_poll_interval_s: float = Field(
        default=3600.0, gt=0, description="How often expired personal data is erased."
    )
    poll_batch_size: int = Field(
        default=500,
        ge=1,
        le=10_000,
        description="Most items one transaction takes: HR records of a bulk load,"
        " due resumptions, expired records to erase.",
    )
