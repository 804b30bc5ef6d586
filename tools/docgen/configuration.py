"""The environment variables of every service, read from its settings class."""

from __future__ import annotations

import importlib
import json
import typing
from pathlib import Path

from pydantic.fields import FieldInfo

from shared.platform.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
# Meanings for common settings whose fields carry no description yet; a
# description on the field itself takes precedence.
COMMON_MEANINGS = {
    "http_host": "Address the HTTP server (health, metrics, /v1) listens on.",
    "http_port": "Port of the HTTP server.",
    "log_level": "DEBUG, INFO, WARNING or ERROR.",
    "log_format": "`json` lines, `console` for people, `auto` picks by terminal.",
    "db_pool_min_size": "Connections kept open to PostgreSQL.",
    "db_pool_max_size": "Most connections opened to PostgreSQL.",
    "outbox_batch_size": "Outbox rows published per relay round.",
    "outbox_poll_interval_s": "Seconds between outbox relay rounds when idle.",
    "retry_initial_backoff_s": "First wait before retrying a failed message.",
    "retry_max_backoff_s": "Longest wait between retries.",
    "kafka_request_timeout_ms": "Timeout of one Kafka request.",
    "kafka_heartbeat_interval_ms": "Consumer group heartbeat interval.",
}


def settings_classes() -> dict[str, type[ServiceSettings]]:
    """Service name -> its settings class, for every service in the repository."""
    found = {}
    for path in sorted(ROOT.glob("services/*/settings.py")):
        module = importlib.import_module(f"services.{path.parent.name}.settings")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ServiceSettings)
                and value.__module__ == module.__name__
            ):
                found[path.parent.name] = value
    return found


def configuration_markdown(notice: str) -> str:
    """The page: shared settings once, then what each service adds or changes."""
    classes = settings_classes()
    prefixes = ", ".join(
        f"`{cls.model_config['env_prefix']}` ({name})" for name, cls in classes.items()
    )
    lines = [
        "# Configuration",
        "",
        "Every setting is an environment variable. Each service reads only"
        f" variables with its own prefix: {prefixes}. Below, `<P>` stands for"
        " that prefix, e.g. `<P>DATABASE_URL` is `PROFILES_DATABASE_URL` for"
        " profiles.",
        "",
        "In production set `<P>HTTP_HOST=0.0.0.0` (the default listens on"
        " loopback only), `<P>DATABASE_URL`, `<P>KAFKA_BOOTSTRAP_SERVERS` and,"
        " for notifications, the SMTP relay. [deployment.md](deployment.md)"
        " shows where compose and Kubernetes set them.",
        "",
        "## Every service",
        "",
        _table("<P>", ServiceSettings.model_fields),
    ]
    for name, cls in classes.items():
        own = {
            field_name: field
            for field_name, field in cls.model_fields.items()
            if _differs(field_name, field)
        }
        lines += ["", f"## {name}", ""]
        if own:
            lines.append(_table(cls.model_config["env_prefix"], own))
        else:
            lines.append("Only the settings every service has.")
    return notice + "\n".join(lines) + "\n"


def _differs(name: str, field: FieldInfo) -> bool:
    base = ServiceSettings.model_fields.get(name)
    return base is None or _default(base) != _default(field)


def _table(prefix: str, fields: dict[str, FieldInfo]) -> str:
    rows = ["| Variable | Type | Default | Meaning |", "|---|---|---|---|"]
    for name, field in fields.items():
        rows.append(
            f"| `{prefix}{name.upper()}` | {_type(field.annotation)}"
            f" | {_default(field)} | {_meaning(name, field)} |"
        )
    return "\n".join(rows)


def _meaning(name: str, field: FieldInfo) -> str:
    meaning = field.description or COMMON_MEANINGS.get(name, "")
    return meaning.replace("<", "&lt;")


def _type(annotation: object) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation))
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "").replace(" | ", " or ")


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "(required)"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "(none)"
    return f"`{json.dumps(value)}`"
