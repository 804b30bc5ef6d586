"""Which Kafka cluster a command talks to: option, environment, or stack.json."""

from __future__ import annotations

import os
from pathlib import Path

from micromentor.stack_file import StackInfo

BOOTSTRAP_ENV = "MICROMENTOR_KAFKA_BOOTSTRAP_SERVERS"


class NoBrokerConfigured(RuntimeError):
    pass


def resolve_bootstrap_servers(option: str | None, data_dir: Path) -> str:
    """The option if given, else the environment, else the running stack's broker."""
    if option:
        return option
    if from_env := os.environ.get(BOOTSTRAP_ENV):
        return from_env
    info = StackInfo.read(data_dir / "stack.json")
    if info is not None and info.supervisor_alive():
        return info.bootstrap_servers
    raise NoBrokerConfigured(
        f"no Kafka broker to publish to: pass --bootstrap-servers, set {BOOTSTRAP_ENV},"
        f" or start one with `micromentor up` (looked for {data_dir}/stack.json)."
    )
