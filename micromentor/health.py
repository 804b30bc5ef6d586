"""Asking a service over HTTP whether it is ready, and for its summary."""

from __future__ import annotations

import httpx


async def is_ready(client: httpx.AsyncClient, base_url: str) -> bool:
    """True when ``/health/ready`` answers 200 (Kafka and PostgreSQL reachable)."""
    try:
        response = await client.get(f"{base_url}/health/ready", timeout=2.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


async def fetch_summary(client: httpx.AsyncClient, base_url: str) -> dict | None:
    """The service's ``/v1/summary`` document, or None when it does not answer."""
    try:
        response = await client.get(f"{base_url}/v1/summary", timeout=5.0)
        response.raise_for_status()
    except httpx.HTTPError:
        return None
    return response.json()
