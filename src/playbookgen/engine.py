"""The site engine: runs MkDocs or Zensical on a work folder (mkdocs.yml + docs/) into a target folder.

The engine runs in a child process so its output can be captured, its environment (SOURCE_DATE_EPOCH)
set, and its failure reported as an EngineError instead of a traceback. No playbook logic lives here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import EngineError, UserError

__all__ = ["ENGINES", "EngineRun", "run_engine", "engine_environment"]

ENGINES = ("mkdocs", "zensical")
TIMEOUT_SECONDS = 600
_WARNING = re.compile(r"^(?:WARNING|WARN)\s*-?\s*(.*)$")


@dataclass(frozen=True)
class EngineRun:
    """What the engine printed, and the warnings in it."""

    output: str
    warnings: list[str]


def engine_environment(epoch: int) -> dict[str, str]:
    """The child's environment: ours plus a fixed SOURCE_DATE_EPOCH, UTC and no colour codes."""
    env = dict(os.environ)
    env.update({"SOURCE_DATE_EPOCH": str(epoch), "TZ": "UTC", "NO_COLOR": "1", "PYTHONHASHSEED": "0",
                "LC_ALL": env.get("LC_ALL", "C.UTF-8")})
    return env


def _command(engine: str, config: Path, target: Path, strict: bool) -> list[str]:
    """The command line for ``engine``; Zensical reads site_dir from the config, MkDocs takes -d."""
    if engine == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config), "--site-dir", str(target)]
        return command + (["--strict"] if strict else [])
    if engine == "zensical":
        command = [sys.executable, "-m", "zensical", "build", "--config-file", str(config), "--clean"]
        return command + (["--strict"] if strict else [])
    raise UserError(f"unknown engine '{engine}': choose one of {', '.join(ENGINES)}")


def _check_installed(engine: str) -> None:
    """A missing optional engine is the user's to install, not a crash."""
    import importlib.util

    if importlib.util.find_spec(engine) is None:
        extra = " (pip install 'playbookgen[zensical]')" if engine == "zensical" else ""
        raise UserError(f"the site engine '{engine}' is not installed{extra}")


def run_engine(work: Path, target: Path, *, engine: str = "mkdocs", strict: bool = False, epoch: int = 0) -> EngineRun:
    """Build the site described by WORK/mkdocs.yml into ``target``; EngineError when the engine fails.

    For Zensical, ``target`` must be WORK/site (its config's site_dir): it takes no --site-dir.
    """
    _check_installed(engine)
    config = work / "mkdocs.yml"
    if engine == "zensical" and target.resolve() != (work / "site").resolve():
        raise EngineError(f"zensical builds into {work / 'site'} only, not {target}")
    try:
        result = subprocess.run(_command(engine, config, target, strict), cwd=work, env=engine_environment(epoch),
                                capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"{engine} did not finish within {TIMEOUT_SECONDS} s") from exc
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or not (target / "index.html").is_file():
        raise EngineError(f"{engine} build failed (exit code {result.returncode})", output)
    warnings = [m.group(1).strip() for line in output.splitlines() if (m := _WARNING.match(line.strip()))]
    return EngineRun(output, warnings)


