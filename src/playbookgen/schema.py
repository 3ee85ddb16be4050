"""JSON Schemas for editors, generated from the data model so they can never drift from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ._records import Record, json_schema
from .load import FILE_KINDS, STAGE_KIND
from .write import write_text_atomic

__all__ = ["SCHEMA_DIR", "schemas", "write_schemas"]

SCHEMA_DIR = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _schema_for(name: str, schema_model: type[Record]) -> dict[str, Any]:
    body = json_schema(schema_model)
    body.pop("title", None)
    header = {
        "$schema": DIALECT,
        "title": f"playbookgen {name} file",
    }
    return {**header, **body}


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every kind of YAML file a playbook has."""
    kinds = [*FILE_KINDS, STAGE_KIND]
    return {f"{kind.name}.schema.json": _schema_for(kind.name, kind.model) for kind in kinds}


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir``; files whose content is unchanged are left alone."""
    written = []
    for name, schema in schemas().items():
        path = Path(out_dir) / name
        write_text_atomic(path, render_schema(schema))
        written.append(path)
    return written
