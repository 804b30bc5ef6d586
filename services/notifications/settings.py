from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from shared.platform.settings import ServiceSettings


class NotificationsSettings(ServiceSettings):
    """Environment variables start with ``NOTIFICATIONS_`` (``..._SMTP_HOST``)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    http_port: int = 8084
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_starttls: bool = Field(
        default=False,
        description="Upgrade the connection with STARTTLS (port 587 relays).",
    )
    smtp_username: str | None = Field(
        default=None,
        description="Log in to the relay as this user; empty or unset: no login.",
    )
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Seconds to wait for the relay to connect, greet and log in;"
        " a relay that is down is noticed this quickly.",
    )
    smtp_transfer_timeout_s: float = Field(
        default=600.0,
        gt=0,
        description="Seconds to wait for the relay to take a message once the"
        " conversation is under way (RFC 5321 allows it 10 minutes to accept the"
        " text). Giving up earlier risks a second copy on the retry, when the"
        " relay was only slow.",
    )
    from_address: str = "micro-mentoring@localhost"
    from_name: str = "Faculty Micro-Mentoring Program"
    portal_url: str | None = Field(
        default=None, description="Faculty portal link included in e-mails."
    )
    dispatch_poll_interval_s: float = Field(default=1.0, gt=0)
    dispatch_batch_size: int = Field(default=20, ge=1)
    dispatch_concurrency: int = Field(
        default=4, ge=1, le=32, description="E-mails sent at the same time."
    )
    max_delivery_attempts: int = Field(
        default=30,
        ge=1,
        description="Tries per e-mail while the relay is unreachable or answers"
        " 4xx; then the e-mail is recorded as failed. At the default backoff, 30"
        " tries span about 23 hours, so a relay outage overnight loses nothing.",
    )
    delivery_backoff_initial_s: float = Field(
        default=30.0, gt=0, description="Wait before the second try; doubles after."
    )
    delivery_backoff_max_s: float = Field(
        default=3600.0, gt=0, description="Longest wait between two tries."
    )

    @field_validator("smtp_username", "smtp_password", mode="before")
    @classmethod
    def _empty_means_none(cls, value):
        # Compose and Kubernetes pass an unset secret as an empty string.
        return None if value == "" else value

    contact_wait_hours: float = Field(
        default=24, gt=0, description="How long an e-mail waits for an address."
    )
