"""Running a service as a process: settings from the environment, HTTP server."""

from __future__ import annotations

import uvicorn

from shared.platform.heap import (
    freeze_startup_heap,
    measure_collector_pauses,
    space_out_young_collections,
)
from shared.platform.logging import configure_logging
from shared.platform.runtime import ServiceDefinition, ServiceRuntime
from shared.platform.settings import ServiceSettings


def run_service(definition: ServiceDefinition, settings: ServiceSettings) -> None:
    """Serve until SIGTERM or Ctrl-C, then stop consumers and the relay cleanly."""
    configure_logging(
        service=definition.name,
        level=settings.log_level,
        log_format=settings.log_format,
    )
    runtime = ServiceRuntime(definition, settings)

    def settle_heap() -> None:
        # Timing starts after the deliberate full collection that freezing does.
        freeze_startup_heap()
        space_out_young_collections()
        measure_collector_pauses()

    config = uvicorn.Config(
        runtime.http_app(after_start=settle_heap),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    uvicorn.Server(config).run()
