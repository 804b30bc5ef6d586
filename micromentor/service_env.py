"""The environment variables a service process reads its settings from."""

from __future__ import annotations

from micromentor.config import FROM_ADDRESS, StackConfig


def service_environment(
    service: str, config: StackConfig, *, bootstrap_servers: str, database_url: str
) -> dict[str, str]:
    """``<SERVICE>_*`` settings pointing the service at the embedded stack."""
    prefix = f"{service.upper()}_"
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "DATABASE_URL": database_url,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(config.http_port(service)),
        "LOG_FORMAT": "console",
        "TOPIC_PREFIX": config.topic_prefix,
        # One local broker: a short session makes joining the group (half the
        # session timeout on the embedded broker) and restarts quick.
        "KAFKA_SESSION_TIMEOUT_MS": "3000",
        "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
    }
    if service == "notifications":
        env |= {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(config.smtp_port),
            "FROM_ADDRESS": FROM_ADDRESS,
        }
    return {f"{prefix}{name}": value for name, value in env.items()}
