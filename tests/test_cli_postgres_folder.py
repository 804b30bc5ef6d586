"""Embedded PostgreSQL starts from a relative data folder, as `make demo` uses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from micromentor.embedded.ports import free_port
from micromentor.embedded.postgres import EmbeddedPostgres


def test_a_relative_data_folder_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    postgres = EmbeddedPostgres(
        port=free_port(), data_dir=Path(".micromentor/postgres/data"), durable=False
    )
    postgres.start()
    try:

        async def select_one() -> int:
            conn = await asyncpg.connect(postgres.url())
            try:
                return await conn.fetchval("SELECT 1")
            finally:
                await conn.close()

        assert asyncio.run(select_one()) == 1
        assert (tmp_path / ".micromentor/postgres/data/PG_VERSION").exists()
    finally:
        postgres.stop()
