"""The MkDocs engine: runs MkDocs (with Material) in Python on a work folder, with its log captured.

It runs in a child forked as the build starts, which imports MkDocs while we validate and render
(start_worker), or else in our own process (a fresh interpreter would cost a fifth of a small
build). The engine sees a fixed SOURCE_DATE_EPOCH and its failure becomes an EngineError, never a
traceback. MkDocs' theme environment is given our template cache in memory (compiling Material's
templates is a fifth of a small build); nothing of it is written into the mkdocs.yml Zensical
reads. What of MkDocs' and Material's internals this relies on is listed in material_internals.py.
No playbook logic lives here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EngineError
from ..halves import fork_pays
from ..template_cache import TemplateCache, template_cache
from . import material_internals
from .base import TIMEOUT_SECONDS, EngineRun
from .layout import CONFIG_FILE

if TYPE_CHECKING:
    import jinja2
    from mkdocs.theme import Theme

__all__ = ["cache_theme_templates", "each_theme_environment", "run", "start", "start_worker", "stop_worker"]

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


def cache_theme_templates(theme: Theme, cache: TemplateCache | None) -> Callable[[], bool]:
    """Give every environment ``theme`` makes our template cache; its output is unchanged.

    MkDocs makes a fresh theme environment for the build, and Material's search plugin makes three
    more while it is configured (to read the theme's translations); all come from Theme.get_env,
    so it is wrapped on this one theme object. Nothing is written to mkdocs.yml, so the generated
    folder stays the same for any engine. The build (below) and the serve hook both use this.
    Returns a test of whether an environment has been made through the wrapper since (a build that
    made none went around it: material_internals.py, "theme-get-env").
    """
    if cache is None:
        return lambda: True
    made: list[jinja2.Environment] = []

    def give_cache(environment: jinja2.Environment) -> None:
        environment.bytecode_cache = cache
        made.append(environment)

    each_theme_environment(theme, give_cache)
    return lambda: bool(made)


def each_theme_environment(theme: Theme, change: Callable[[jinja2.Environment], None]) -> None:
    """Have ``change`` done to every environment ``theme`` makes from now on: Theme.get_env, wrapped on
    this one theme object (material_internals.py, "theme-get-env")."""
    make_environment = getattr(theme, "get_env", None)
    if not callable(make_environment):
        raise material_internals.drift("theme-get-env", "mkdocs.theme.Theme has no get_env method")

    def get_env() -> jinja2.Environment:
        environment: jinja2.Environment = make_environment()
        change(environment)
        return environment

    theme.get_env = get_env  # type: ignore[method-assign]


# Templates MkDocs renders by name on every build; what they include is followed from there.
_THEME_ENTRY_TEMPLATES = ("main.html", "404.html", "sitemap.xml")
# The name in {% extends/include/import/from "NAME" ... %}: found without parsing the template (a
# second parse of each would double the compile's time). A name built at run time is MkDocs' to
# compile; one that is not a template fails to load and is passed over.
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+(["'])([^"'{}]+)\1""")
# Material's plugins in every generated mkdocs.yml (theme-namespaced names, as MkDocs resolves them).
_THEME_PLUGINS = ("material/search", "material/offline")


@dataclass(frozen=True)
class _Worker:
    """A forked child getting MkDocs ready; the parent sends it one build and reads back the result."""

    pid: int
    jobs: int  # the parent writes the job here, then closes it
    results: int  # and reads the child's answer here, until end of file


_worker: _Worker | None = None
_busy: _Worker | None = None  # a worker sent its build, whose answer nobody has read yet


def start_worker() -> None:
    """Fork a child that gets MkDocs ready while this process loads, validates and renders.

    The child imports MkDocs, Material, its plugins and our Markdown extensions (a fifth of a small
    build), then waits for the build (run sends it) and runs MkDocs exactly as this process
    would. While the theme's templates are not all in the template cache yet (a first build), it
    compiles them into it as it waits, which MkDocs would otherwise do inside the build. The output
    is the same either way. Only where it pays and is safe: os.fork exists, there is more than one
    CPU and no other thread runs (forking then is unsafe). Idempotent; stop_worker() ends a
    worker that was never given a build.
    """
    global _worker
    if _worker is not None or not fork_pays():
        return
    jobs_read, jobs_write = os.pipe()
    results_read, results_write = os.pipe()
    pid = _fork(lambda: _serve_one_build(jobs_read, results_write), close=(jobs_write, results_read))
    os.close(jobs_read)
    os.close(results_write)
    _worker = _Worker(pid, jobs_write, results_read)


def _fork(work: Callable[[], None], close: tuple[int, ...] = ()) -> int:
    """Run ``work`` in a forked child and return its pid; the child never returns into our code.

    The child closes the parent's pipe ends (``close``), and lets go of the caller's stdio so that
    a caller reading our output never waits for it.
    """
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            for fd in close:
                os.close(fd)
            _detach_stdio()
            work()
            status = 0
        finally:
            os._exit(status)
    return pid


def stop_worker() -> None:
    """End and reap a worker that is still waiting (the build failed before the engine ran), or still
    building (the build failed while it did)."""
    global _worker, _busy
    for worker in (_worker, _busy):
        if worker is not None:
            _end_worker(worker)
    _worker = _busy = None


def _end_worker(worker: _Worker) -> None:
    """Close our pipe ends that are still open (-1: closed), and reap the worker (stopped if still at work)."""
    for fd in (worker.jobs, worker.results):
        if fd >= 0:
            os.close(fd)
    _reap(worker.pid)


def _reap(pid: int) -> None:
    """Reap child ``pid``, stopping it first if it is still at work."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == 0:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass


def _detach_stdio() -> None:
    """Point the child's stdin, stdout and stderr at the null device, letting go of the caller's pipes."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _serve_one_build(jobs: int, results: int) -> None:
    """The worker's life: get MkDocs ready, run the one build asked for, write back what came of it.

    On a first build (the template cache does not hold the theme yet) the worker compiles the
    theme's templates into the cache while it waits, and stops as soon as the build is sent;
    MkDocs compiles what is left, into the cache too.
    """
    _prepare_mkdocs()
    cache = template_cache()
    if cache is not None and not (cache.folder / _warm_marker()).exists():
        _compile_theme(cache, stop=lambda: _readable(jobs))
    with os.fdopen(jobs, "rb") as stream:
        job = stream.read()
    if not job:  # the parent went on without us
        return
    config, target, strict, epoch = json.loads(job)
    try:
        run = _run_mkdocs(Path(config), Path(target), strict, epoch)
        reply = ["ok", run.output, run.warnings]
    except EngineError as exc:
        reply = ["error", str(exc), exc.output]
    with os.fdopen(results, "wb") as stream:
        stream.write(json.dumps(reply).encode("utf-8"))


def _readable(fd: int) -> bool:
    """True when reading ``fd`` would not wait: the job (or the end of the pipe) has arrived."""
    import select

    return bool(select.select([fd], [], [], 0)[0])


def _prepare_mkdocs() -> None:
    """Import what every build of ours imports: MkDocs, the theme's plugins, our Markdown extensions."""
    import markdown
    import mkdocs.commands.build  # noqa: F401 - imported now, so the build does not wait for it
    import mkdocs.config  # noqa: F401
    from mkdocs.plugins import get_plugins

    from .markdown import markdown_extension_names

    plugins = get_plugins()
    for name in _THEME_PLUGINS:
        if name in plugins:
            plugins[name].load()
    markdown.Markdown(extensions=markdown_extension_names())  # imports their modules; MkDocs makes its own instances


def _send_to_worker(config: Path, target: Path, strict: bool, epoch: int) -> Callable[[], EngineRun | None] | None:
    """Hand the build to the worker, which starts on it at once; None when there is no worker. The
    function returned waits for its answer: None when it ended without one (the caller then builds
    in this process)."""
    global _worker, _busy
    worker, _worker = _worker, None
    if worker is None:
        return None
    try:
        with contextlib.suppress(BrokenPipeError):  # a worker that died answers with nothing, below
            _write_all(worker.jobs, json.dumps([str(config), str(target), strict, epoch]).encode("utf-8"))
        os.close(worker.jobs)  # the end of the job
        worker = replace(worker, jobs=-1)
    except BaseException:
        _end_worker(worker)
        raise
    _busy = worker
    return lambda: _answer_of(worker)


def _answer_of(worker: _Worker) -> EngineRun | None:
    """Wait for the worker's answer to the build it was sent, and reap it."""
    global _busy
    try:
        reply = _read_until_end(worker.results, TIMEOUT_SECONDS)
    finally:
        _busy = None
        _end_worker(worker)
    if reply is None:
        raise EngineError(f"mkdocs did not finish within {TIMEOUT_SECONDS} s")
    if not reply:
        return None
    kind, message, detail = json.loads(reply)
    if kind == "error":
        raise EngineError(message, detail)
    return EngineRun(message, detail)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_until_end(fd: int, timeout: float) -> bytes | None:
    """Everything written to ``fd`` until its writer closes it; None if that takes over ``timeout`` s."""
    import select

    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _warm_marker() -> str:
    """A file in the cache folder saying the theme's templates are in it, for these versions."""
    import jinja2
    import material  # the packages' own __version__: importlib.metadata costs some 40 ms a build
    import mkdocs

    versions = "-".join((mkdocs.__version__, material.__version__, jinja2.__version__))
    return f"theme-warm-{versions}-py{sys.version_info[0]}.{sys.version_info[1]}"


def _compile_theme(cache: TemplateCache, stop: Callable[[], bool] = lambda: False) -> None:
    """Load (so compile and cache) the theme's templates reachable from the ones MkDocs renders.

    ``stop`` is asked before each template; once it says yes, the rest is left to MkDocs, and the
    cache is not marked warm (the next build's worker finishes the job, mostly from the cache).
    """
    from mkdocs.theme import Theme

    disabled = logging.root.manager.disable
    logging.disable(logging.CRITICAL)  # the notices of making a theme object: the build logs its own
    theme = Theme(name="material")  # the theme MkDocs builds with, bar our custom_dir
    logging.disable(disabled)
    cache_theme_templates(theme, cache)
    env = theme.get_env()
    seen: set[str] = set()
    waiting = list(_THEME_ENTRY_TEMPLATES)
    while waiting:
        if stop():
            return
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            waiting += [match[2] for match in _REFERENCE.finditer(source)]
        except Exception:  # noqa: BLE001 - a template we cannot compile is MkDocs' to report
            continue
    (cache.folder / _warm_marker()).touch()


def _run_mkdocs(config: Path, target: Path, strict: bool, epoch: int) -> EngineRun:
    """MkDocs' own build, in this process; any failure of it or of a plugin is an EngineError."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    with _captured_log() as log, _environment({"SOURCE_DATE_EPOCH": str(epoch)}):
        try:
            settings = load_config(config_file=str(config), site_dir=str(target), strict=strict)
            material_internals.check_theme_source([Path(folder) for folder in settings.theme.dirs], "mkdocs")
            # The work folder's own templates are not cached: it is thrown away.
            cached = cache_theme_templates(settings.theme, template_cache(skip=(config.parent,)))
            build(settings)
        except EngineError:
            raise
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - the engine's failure, reported, not raised
            output = "\n".join(log.lines + [f"{type(exc).__name__}: {exc}"])
            raise EngineError("mkdocs build failed", output) from exc
    if not cached():
        raise material_internals.drift("theme-get-env", "MkDocs built the site without calling Theme.get_env")
    return EngineRun("\n".join(log.lines), log.warnings)


def run(work: Path, target: Path, strict: bool, epoch: int) -> EngineRun:
    """Build WORK/mkdocs.yml into ``target``: in the worker if one is waiting, else in this process."""
    return start(work, target, strict, epoch)()


def start(work: Path, target: Path, strict: bool, epoch: int) -> Callable[[], EngineRun]:
    """Start building WORK/mkdocs.yml into ``target`` in the worker, if one is waiting; the function
    returned waits for that build (or, with no worker, runs it in this process then)."""
    config = work / CONFIG_FILE
    answer = _send_to_worker(config, target, strict, epoch)
    return lambda: (answer() if answer else None) or _run_mkdocs(config, target, strict, epoch)
