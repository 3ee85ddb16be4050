"""Shared test helpers: small playbook projects built in tmp_path, and the CLI run as a user would."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbookgen.cli import main

REPO = Path(__file__).resolve().parent.parent

MINIMAL_PLAYBOOK = {
    "playbook/playbook.yml": """
        title: Test playbook
        language: en
        stages: [first, second]
    """,
    "playbook/techniques.yml": """
        techniques:
          - id: cold-calling
            name: Cold calling
            summary: Calling prospects who do not expect it.
    """,
    "stages/01-first.yml": """
        id: first
        name: First
        summary: The first stage.
        probability: 10
        exit_criteria:
          - Budget confirmed
        techniques: [cold-calling]
    """,
    "stages/02-second.yml": """
        id: second
        name: Second
        summary: The second stage.
        probability: 50
        exit_criteria:
          - text: Proposal accepted
            evidence: Signed order form
    """,
}


def build_file_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write ``files`` (path -> text, dedented; bytes as they are; None deletes) under ``root``."""
    for name, content in files.items():
        path = root / name
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path):
    """make_project({path: text}) -> folder holding the minimal valid playbook with those changes."""

    def make(changes: dict[str, str | bytes | None] | None = None, base: dict[str, str] | None = None) -> Path:
        root = tmp_path / "project"
        build_file_tree(root, dict(MINIMAL_PLAYBOOK if base is None else base))
        build_file_tree(root, changes or {})
        return root

    return make


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CliResult:
    """Run ``playbookgen ARGS`` in-process, keeping stdout and stderr apart."""
    runner = CliRunner()
    result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)
