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
import signal
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator
from pathlib import Path

from .errors import EngineError, UserError
from .template_cache import TemplateCache, template_cache

if TYPE_CHECKING:
    import jinja2
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

__all__ = ["ENGINES", "EngineRun", "run_engine", "engine_environment", "start_theme_warmup", "finish_theme_warmup"]

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


# Templates MkDocs renders by name on every build; what they include is followed from there.
_THEME_ENTRY_TEMPLATES = ("main.html", "404.html", "sitemap.xml")
_warmup_pid: int | None = None


def _warm_marker() -> str:
    """A file in the cache folder saying the theme's templates are in it, for these versions."""
    import jinja2
    import material  # the packages' own __version__: importlib.metadata costs some 40 ms a build
    import mkdocs

    versions = "-".join((mkdocs.__version__, material.__version__, jinja2.__version__))
    return f"theme-warm-{versions}-py{sys.version_info[0]}.{sys.version_info[1]}"


def start_theme_warmup() -> None:
    """Compile Material's templates into the template cache in a child process, on another core.

    A first build (an empty cache, as on CI) otherwise compiles them inside MkDocs, after all of
    our own steps. The child starts as a build starts, and MkDocs then finds the templates in the
    cache; the output is the same either way. Only where it pays and is safe: os.fork exists,
    there is more than one CPU, no other thread runs (forking then is unsafe), the cache is in use
    and does not hold them yet. Idempotent; finish_theme_warmup() reaps the child.
    """
    global _warmup_pid
    if _warmup_pid is not None or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
        return
    import threading

    cache = template_cache()
    if threading.active_count() > 1 or cache is None or (cache.folder / _warm_marker()).exists():
        return
    pid = os.fork()
    if pid == 0:  # the child: compile, never return into the caller's code
        try:
            _detach_stdio()  # a caller reading our output must not wait for the child to end
            _compile_theme(cache)
        finally:
            os._exit(0)
    _warmup_pid = pid


def _detach_stdio() -> None:
    """Point the child's stdin, stdout and stderr at the null device, letting go of the caller's pipes."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _compile_theme(cache: TemplateCache) -> None:
    """Load (so compile and cache) the theme's templates reachable from the ones MkDocs renders."""
    from jinja2 import meta
    from mkdocs.theme import Theme

    logging.disable(logging.CRITICAL)
    env = Theme(name="material").get_env()  # the environment MkDocs builds with, bar our custom_dir
    env.bytecode_cache = cache
    seen: set[str] = set()
    waiting = list(_THEME_ENTRY_TEMPLATES)
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            waiting += [ref for ref in meta.find_referenced_templates(env.parse(source)) if ref]
        except Exception:  # noqa: BLE001 - a template we cannot compile is MkDocs' to report
            continue
    (cache.folder / _warm_marker()).touch()


def finish_theme_warmup() -> None:
    """Reap the warm-up child; stop it if it is still compiling (MkDocs has compiled the rest)."""
    global _warmup_pid
    pid, _warmup_pid = _warmup_pid, None
    if pid is None:
        return
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == 0:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass


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


