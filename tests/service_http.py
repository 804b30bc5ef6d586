"""Talking to a running service's HTTP app in-process, as an operator would."""

from __future__ import annotations

import httpx

from shared.platform.runtime import ServiceRuntime


def service_client(runtime: ServiceRuntime) -> httpx.AsyncClient:
    """A client for the same app production serves, on a runtime the test started."""
    app = runtime.http_app(owns_runtime=False)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url=f"http://{runtime.definition.name}"
    )


async def summary_of(runtime: ServiceRuntime) -> dict:
    async with service_client(runtime) as client:
        response = await client.get("/v1/summary")
    response.raise_for_status()
    return response.json()
