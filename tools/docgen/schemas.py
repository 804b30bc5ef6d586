"""JSON Schemas of everything others send us or read from us."""

from __future__ import annotations

from pydantic import BaseModel

from shared.contracts import EVENT_TYPES
from shared.contracts.hr import FacultyRecord
from shared.envelope import Envelope

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def documented_models() -> dict[str, type[BaseModel]]:
    """Every model with a published schema, by the name its file carries."""
    models: dict[str, type[BaseModel]] = {
        "Envelope": Envelope,
        "FacultyRecord": FacultyRecord,
    }
    models.update(sorted(EVENT_TYPES.items()))
    return models


def json_schema(model: type[BaseModel]) -> dict:
    """A standalone JSON Schema (draft 2020-12) of ``model`` as consumers validate."""
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}


def schema_files() -> dict[str, dict]:
    """``docs/schemas`` file name -> schema document."""
    return {
        f"{name}.json": json_schema(model)
        for name, model in documented_models().items()
    }
