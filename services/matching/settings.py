from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.platform.settings import CatalogueSettings


class MatchingSettings(CatalogueSettings):
    """Environment variables start with ``MATCHING_`` (``MATCHING_DATABASE_URL``)."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    http_port: int = 8082
    kafka_fetch_max_wait_ms: int = Field(
        default=20,
        ge=1,
        description="Longest a fetch waits for new records. Matching answers people"
        " waiting for a proposal, so it polls more often than the other services: a"
        " broker that answers a fetch only when the wait runs out (the embedded"
        " broker does) can hold each request back by up to this long; Apache Kafka"
        " answers as soon as records arrive. While idle, each consumer sends about"
        " 1000 / this many fetches a second.",
    )
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
    max_proposals_per_request: int = Field(
        default=5,
        ge=1,
        description="Proposals made for one request before it waits for the pool"
        " to change (a new mentor, a freed slot) instead of asking the next mentor.",
    )
    weight_department: float = Field(
        default=0.15,
        ge=0,
        description="Score weight of the mentee's department preference (another"
        " department unless they asked for their own).",
    )
    weight_free_capacity: float = Field(
        default=0.25, ge=0, description="Score weight of having fewer active mentees."
    )
    weight_rotation: float = Field(
        default=0.2,
        ge=0,
        description="Score weight of the time since the mentor was last asked.",
    )
    weight_availability: float = Field(
        default=0.15,
        ge=0,
        description="Score weight of weekly hours shared with the mentee's"
        " availability, when the mentee gave it.",
    )
    weight_track_record: float = Field(
        default=0.05,
        ge=0,
        description="Score weight of mentoring sessions the mentor has held.",
    )
    weight_relevance: float = Field(
        default=0.2,
        ge=0,
        description="Score weight of how well the mentor's statement matches the"
        " mentee's need (full-text rank).",
    )
    rotation_horizon_days: float = Field(
        default=30.0,
        gt=0,
        description="Days since last asked after which a mentor counts as fully"
        " rested.",
    )
    track_record_full_at_sessions: int = Field(
        default=10,
        ge=1,
        description="Sessions held at which the track-record signal is full.",
    )

    @model_validator(mode="after")
    def _some_weight(self) -> MatchingSettings:
        if sum(self.score_weights().values()) <= 0:
            raise ValueError("at least one score weight must be positive")
        return self

    def score_weights(self) -> dict[str, float]:
        """Weight of each ranking factor, by factor name."""
        return {
            "department": self.weight_department,
            "free_capacity": self.weight_free_capacity,
            "rotation": self.weight_rotation,
            "availability": self.weight_availability,
            "track_record": self.weight_track_record,
            "relevance": self.weight_relevance,
        }
