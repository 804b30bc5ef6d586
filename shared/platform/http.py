"""Health probes and Prometheus metrics over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import asyncpg
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

if TYPE_CHECKING:
    from shared.platform.runtime import ServiceContext, ServiceRuntime


def health_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health/live", summary="The process is running")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready", summary="Kafka and PostgreSQL answer")
    async def ready() -> JSONResponse:
        checks = await runtime.readiness()
        status = 200 if all(checks.values()) else 503
        return JSONResponse({"ready": status == 200, "checks": checks}, status)

    @router.get("/metrics", summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def summary_router(
    ctx: ServiceContext,
    count: Callable[[asyncpg.Connection], Awaitable[dict]],
    *,
    description: str,
) -> APIRouter:
    """``GET /v1/summary``: the program's counts, read from the service's schema."""
    router = APIRouter(prefix="/v1", tags=["program"])

    @router.get("/summary", summary=description)
    async def summary() -> dict:
        async with ctx.db.pool.acquire() as conn:
            return await count(conn)

    return router
