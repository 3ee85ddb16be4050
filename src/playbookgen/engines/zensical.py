"""The Zensical engine: a compiled program with its own CLI, run as a child process on a work folder.

Zensical reads the same mkdocs.yml and theme overrides as MkDocs, and builds into WORK/site (its
config's site_dir: it takes no --site-dir). Its failure becomes an EngineError, never a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from ..errors import EngineError
from . import material_internals
from .base import TIMEOUT_SECONDS, EngineRun
from .layout import CONFIG_FILE, THEME_DIR

__all__ = ["engine_environment", "run", "theme_folders"]

_WARNING = re.compile(r"^(?:WARNING|WARN)\s*-?\s*(.*)$")


def engine_environment(epoch: int) -> dict[str, str]:
    """The child's environment: ours plus a fixed SOURCE_DATE_EPOCH, UTC and no colour codes."""
    env = dict(os.environ)
    env.update({"SOURCE_DATE_EPOCH": str(epoch), "TZ": "UTC", "NO_COLOR": "1", "PYTHONHASHSEED": "0",
                "LC_ALL": env.get("LC_ALL", "C.UTF-8")})
    return env


def theme_folders(work: Path) -> list[Path]:
    """Where Zensical looks for theme templates, first match wins: our overrides, then its own theme."""
    spec = importlib.util.find_spec("zensical")
    own = [Path(folder) / "templates" for folder in (spec.submodule_search_locations or [])] if spec else []
    return [work / THEME_DIR, *own]


def _command(config: Path, strict: bool) -> list[str]:
    """The command line; Zensical reads site_dir from the config."""
    command = [sys.executable, "-m", "zensical", "build", "--config-file", str(config), "--clean"]
    return command + (["--strict"] if strict else [])


def run(work: Path, target: Path, strict: bool, epoch: int) -> EngineRun:
    """Build WORK/mkdocs.yml into ``target``, which must be WORK/site."""
    if target.resolve() != (work / "site").resolve():
        raise EngineError(f"zensical builds into {work / 'site'} only, not {target}")
    material_internals.check_theme_source(theme_folders(work), "zensical")
    try:
        result = subprocess.run(_command(work / CONFIG_FILE, strict), cwd=work, env=engine_environment(epoch),
                                capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"zensical did not finish within {TIMEOUT_SECONDS} s") from exc
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not (target / "index.html").is_file():
        raise EngineError(f"zensical build failed (exit code {result.returncode})", output)
    warnings = [m.group(1).strip() for line in output.splitlines() if (m := _WARNING.match(line.strip()))]
    return EngineRun(output, warnings)
