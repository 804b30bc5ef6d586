"""Settings common to every service, read from environment variables."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Each service subclasses this with its own ``env_prefix`` (``PROFILES_`` ...)."""

    model_config = SettingsConfigDict(extra="ignore")

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="Comma-separated host:port list."
    )
    database_url: str = Field(
        default="postgresql://micromentor@127.0.0.1:5432/micromentor",
        description="PostgreSQL DSN; the service uses only its own schema in it.",
    )
    topic_prefix: str = Field(
        default="", description="Prepended to every topic name (shared clusters)."
    )
    consumer_group: str | None = Field(
        default=None,
        description=(
            "Kafka consumer group; <topic prefix>micromentor-<service>. A bulk"
            " feed (profiles' HR feed) is read in a second group, <group>-feeds."
        ),
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    db_pool_min_size: int = Field(default=2, ge=1)
    db_pool_max_size: int = Field(default=10, ge=1)
    outbox_batch_size: int = Field(default=500, ge=1)
    outbox_poll_interval_s: float = Field(default=1.0, gt=0)
    retry_initial_backoff_s: float = Field(default=0.2, gt=0)
    retry_max_backoff_s: float = Field(default=30.0, gt=0)
    unexpected_error_attempts: int = Field(
        default=5, ge=1, description="Tries before an unclassified error dead-letters."
    )
    kafka_request_timeout_ms: int = Field(default=15_000, ge=1000)
    kafka_session_timeout_ms: int = Field(
        default=10_000, ge=1000, description="Consumer group session timeout."
    )
    kafka_heartbeat_interval_ms: int = Field(default=3_000, ge=100)
    kafka_consumers: int = Field(
        default=3,
        ge=1,
        le=32,
        description=(
            "Consumers this process runs in its group. Each takes its own share of"
            " the partitions and applies its messages in order, so different"
            " partitions are applied at the same time."
        ),
    )
    kafka_fetch_max_wait_ms: int = Field(
        default=50,
        ge=1,
        description="Longest a fetch waits for new records; bounds consume latency.",
    )


class CatalogueSettings(ServiceSettings):
    """Settings of a service that checks topic areas against the catalogue."""

    extra_topic_areas: dict[str, str] = Field(
        default_factory=dict,
        description="JSON object of slug -> title added to the seed catalogue.",
    )

    @field_validator("extra_topic_areas", mode="before")
    @classmethod
    def _parse_json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value
