"""The code stays type-checked and linted: mypy --strict and ruff, as configured in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True, timeout=600,
                          check=False)


def test_ruff_finds_nothing(require_tool) -> None:
    result = _run("ruff", "check", "--no-cache", ".")
    if "No module named ruff" in result.stderr:
        require_tool("ruff is not installed (pip install -e '.[test]')")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing(require_tool) -> None:
    result = _run("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    if "No module named mypy" in result.stderr:
        require_tool("mypy is not installed (pip install -e '.[test]')")
    assert result.returncode == 0, result.stdout + result.stderr
