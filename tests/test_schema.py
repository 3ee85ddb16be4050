"""The JSON Schemas: valid JSON Schema, up to date with the model, and true of every file we ship."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, run_cli
from playbookgen._yaml import load_yaml_file
from playbookgen.load import FILE_KINDS
from playbookgen.schema import render_schema, schemas

SCHEMA_HEADER = "# yaml-language-server: $schema="
KIND_BY_STEM = {Path(kind.stem).name: kind.name for kind in FILE_KINDS}


def shipped_yaml_files() -> list[Path]:
    """Every playbook YAML file in the repository and in the packaged starters."""
    roots = [REPO, *sorted(p.parent for p in (REPO / "src/playbookgen/starters").rglob("playbook.yml"))]
    roots = [r.parent if r.name == "playbook" else r for r in roots]
    files: set[Path] = set()
    for root in roots:
        files.update((root / "playbook").glob("*.y*ml"))
        files.update((root / "stages").glob("*.y*ml"))
    return sorted(files)


def kind_of(path: Path) -> str:
    return "stage" if path.parent.name == "stages" else KIND_BY_STEM[path.stem]


@pytest.mark.parametrize("name", sorted(schemas()))
def test_schema_passes_the_metaschema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schemas()[name])


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_is_up_to_date(name: str) -> None:
    committed = REPO / "schemas" / name
    assert committed.read_text(encoding="utf-8") == render_schema(schemas()[name]), (
        f"schemas/{name} is out of date: run `playbookgen schema -o schemas` and commit the result"
    )


def _field_descriptions(node: object, where: str = "") -> list[str]:
    """Paths of properties that have no description, anywhere in a schema."""
    missing = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if "description" not in prop:
                missing.append(f"{where}/{name}")
        for key, value in node.items():
            missing += _field_descriptions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            missing += _field_descriptions(value, f"{where}/{i}")
    return missing


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_field_is_described(name: str) -> None:
    assert _field_descriptions(schemas()[name]) == []


def test_shipped_files_exist() -> None:
    files = shipped_yaml_files()
    assert any(p.parent.name == "stages" for p in files)
    assert len({kind_of(p) for p in files}) == len(FILE_KINDS) + 1


@pytest.mark.parametrize("path", shipped_yaml_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_shipped_file_names_its_schema_and_passes_it(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith(SCHEMA_HEADER), f"{path} must start with the schema comment for editors"
    reference = first_line[len(SCHEMA_HEADER):].strip()
    assert Path(reference).name == f"{kind_of(path)}.schema.json"
    if (REPO / "schemas") in (path.parent / reference).resolve().parents:
        assert (path.parent / reference).resolve().is_file()
    doc, problems = load_yaml_file(path, path.name)
    assert problems == [] and doc is not None
    jsonschema.validate(doc.data, schemas()[f"{kind_of(path)}.schema.json"])


def test_schema_rejects_what_the_validator_rejects() -> None:
    stage = schemas()["stage.schema.json"]
    good = {"id": "a", "name": "A", "summary": "s", "exit_criteria": ["x", {"text": "y", "evidence": "z"}]}
    jsonschema.validate(good, stage)
    for bad in ({**good, "probability": 101}, {**good, "typo": 1}, {**good, "id": "Not An Id"}, {**good, "exit_criteria": []}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, stage)


def test_schema_command_writes_every_file(tmp_path: Path) -> None:
    result = run_cli("schema", "-o", tmp_path / "out")
    assert result.exit_code == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(schemas())
    assert json.loads((tmp_path / "out/stage.schema.json").read_text())["$schema"].startswith("https://json-schema.org/")
