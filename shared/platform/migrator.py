"""Versioned SQL migrations applied at start-up under an advisory lock."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

import asyncpg
import structlog

from shared.platform.db import lock_key

log = structlog.get_logger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(component: str, package: str) -> list[Migration]:
    """Read ``NNNN_name.sql`` files from a package folder, in version order."""
    found = []
    for entry in resources.files(package).iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.append(
                Migration(component, int(match[1]), entry.name, entry.read_text())
            )
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"duplicate migration versions in {package}")
    return found


async def apply_migrations(
    conn: asyncpg.Connection, *, schema: str, migrations: list[Migration]
) -> list[str]:
    """Apply what is missing; refuse to start if an applied file was edited."""
    migrations_lock = lock_key(f"{schema}.migrations")
    await conn.execute("SELECT pg_advisory_lock($1)", migrations_lock)
    try:
        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations ('
            " component text NOT NULL, version int NOT NULL, name text NOT NULL,"
            " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
            " PRIMARY KEY (component, version))"
        )
        rows = await conn.fetch(
            f'SELECT component, version, checksum FROM "{schema}".schema_migrations'
        )
        applied = {(row["component"], row["version"]): row["checksum"] for row in rows}
        done = []
        for migration in migrations:
            key = (migration.component, migration.version)
            if key in applied:
                if applied[key] != migration.checksum:
                    raise MigrationError(
                        f"migration {migration.component}/{migration.name} was changed"
                        " after it was applied; add a new migration instead"
                    )
                continue
            async with conn.transaction():
                await conn.execute(f'SET LOCAL search_path TO "{schema}"')
                await conn.execute(migration.sql)
                await conn.execute(
                    f'INSERT INTO "{schema}".schema_migrations'
                    " (component, version, name, checksum) VALUES ($1, $2, $3, $4)",
                    migration.component,
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
            log.info("migration_applied", schema=schema, migration=migration.name)
            done.append(migration.name)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", migrations_lock)
