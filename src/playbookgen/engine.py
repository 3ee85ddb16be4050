"""The site engine: runs MkDocs or Zensical on a work folder (mkdocs.yml + docs/) into a target folder.

MkDocs runs in our process (a second interpreter would cost a fifth of a small build) with its log
captured; Zensical, a compiled program with its own CLI, runs as a child process. Either way the
engine sees a fixed SOURCE_DATE_EPOCH and its failure becomes an EngineError, never a traceback.
MkDocs' theme environment is given our template cache in memory (compiling Material's templates
is a fifth of a small build); nothing of it is written into the mkdocs.yml Zensical reads. No
playbook logic lives here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator
from pathlib import Path

from .errors import EngineError, UserError
from .template_cache import template_cache

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

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
    """The command line for a child-process engine; Zensical reads site_dir from the config."""
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


class _Capture(logging.Handler):
    """Keeps MkDocs' log lines (and its warnings apart) instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.lines.append(f"{record.levelname} - {message}")
        if record.levelno >= logging.WARNING:
            self.warnings.append(message)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _captured_log() -> Iterator[_Capture]:
    logger = logging.getLogger("mkdocs")
    capture = _Capture()
    saved = (logger.handlers[:], logger.level, logger.propagate)
    logger.handlers, logger.propagate = [capture], False
    logger.setLevel(logging.INFO)
    try:
        yield capture
    finally:
        logger.handlers, logger.propagate = saved[0], saved[2]
        logger.setLevel(saved[1])


def _add_template_cache(settings: MkDocsConfig, skip: Path) -> None:
    """Let MkDocs' theme environment reuse compiled templates (see template_cache); output is unchanged.

    Registered on the in-memory config through MkDocs' plugin API, never written to mkdocs.yml, so
    the generated folder stays the same for any engine. Templates in the work folder are not kept.
    """
    from mkdocs.plugins import BasePlugin

    cache = template_cache(skip=(skip,))
    if cache is None:
        return

    class TemplateCachePlugin(BasePlugin):
        def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
            env.bytecode_cache = cache
            return env

    settings.plugins["playbookgen-template-cache"] = TemplateCachePlugin()


def _run_mkdocs(config: Path, target: Path, strict: bool, epoch: int) -> EngineRun:
    """MkDocs' own build, in this process; any failure of it or of a plugin is an EngineError."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with _captured_log() as log, _environment({"SOURCE_DATE_EPOCH": str(epoch)}):
        try:
            settings = load_config(config_file=str(config), site_dir=str(target), strict=strict)
            _add_template_cache(settings, skip=config.parent)
            build(settings)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the engine's failure, reported, not raised
            output = "\n".join(log.lines + [f"{type(exc).__name__}: {exc}"])
            raise EngineError("mkdocs build failed", output) from exc
    return EngineRun("\n".join(log.lines), log.warnings)


def run_engine(work: Path, target: Path, *, engine: str = "mkdocs", strict: bool = False, epoch: int = 0) -> EngineRun:
    """Build the site described by WORK/mkdocs.yml into ``target``; EngineError when the engine fails.

    For Zensical, ``target`` must be WORK/site (its config's site_dir): it takes no --site-dir.
    """
    _check_installed(engine)
    config = work / "mkdocs.yml"
    if engine == "zensical" and target.resolve() != (work / "site").resolve():
        raise EngineError(f"zensical builds into {work / 'site'} only, not {target}")
    if engine == "mkdocs":
        return _run_mkdocs(config, target, strict, epoch)
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


