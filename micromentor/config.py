"""Where the embedded stack lives and which ports it uses."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

SERVICE_NAMES = ("profiles", "matching", "scheduling", "notifications")
DEFAULT_DATA_DIR = Path(".micromentor")
FROM_ADDRESS = "micromentoring@med.example.edu"


@dataclass(frozen=True)
class StackConfig:
    """The options of ``micromentor up``; service ports follow the base port."""

    data_dir: Path = DEFAULT_DATA_DIR
    kafka_port: int = 19092
    postgres_port: int = 15432
    smtp_port: int = 1025
    http_base_port: int = 8081
    topic_prefix: str = ""

    def http_port(self, service: str) -> int:
        return self.http_base_port + SERVICE_NAMES.index(service)

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def stack_file(self) -> Path:
        return self.data_dir / "stack.json"

    def ports(self) -> list[tuple[int, str, str]]:
        """Every port the stack binds, with what it is for and the option to move it."""
        ports = [
            (self.kafka_port, "Kafka broker", "--kafka-port"),
            (self.postgres_port, "PostgreSQL", "--postgres-port"),
            (self.smtp_port, "SMTP server", "--smtp-port"),
        ]
        for service in SERVICE_NAMES:
            ports.append(
                (self.http_port(service), f"{service} HTTP", "--http-base-port")
            )
        return ports


def installed_services() -> list[str]:
    """The services whose ``python -m services.<name>`` entrypoint exists here."""
    spec = importlib.util.find_spec("services")
    folders = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    return [
        name
        for name in SERVICE_NAMES
        if any((folder / name / "__main__.py").exists() for folder in folders)
    ]
