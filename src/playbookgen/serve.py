"""`playbookgen serve`: a live preview that re-renders the playbook whenever one of its files changes.

A thin adapter: we render the docs into a private work folder and let MkDocs' own dev server watch
that folder. A small thread polls the project's inputs (YAML, templates, guides, mkdocs.yml) and
re-renders; since unchanged files are not rewritten, MkDocs rebuilds only on a real change and
never loops. No playbook logic runs inside MkDocs.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable

from .build import render_project, static_files, write_work_folder
from .errors import PlaybookError, UserError, ValidationFailed
from .template_cache import template_cache
from .validate import load_project
from .write import remove_tree

__all__ = ["WATCHED", "serve_project", "snapshot", "render_into", "Watcher"]

# What a team edits: the playbook's YAML and guides, its stages, its templates, its mkdocs.yml (and
# the theme folder that names, if any).
WATCHED = ("playbook", "stages", "templates", "mkdocs.yml")
POLL_SECONDS = 0.5

Snapshot = dict[str, tuple[int, int]]


def _team_theme(root: Path) -> str | None:
    """The theme folder the team's mkdocs.yml names (theme.custom_dir), to watch as well."""
    from .render.config import TEAM_CONFIG, load_team_config, team_theme_dir

    try:
        return team_theme_dir(load_team_config((root / TEAM_CONFIG).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValidationFailed):
        return None  # no file, or one the next render reports


def snapshot(root: Path) -> Snapshot:
    """Modification time and size of every watched file, keyed by path relative to ``root``."""
    found: Snapshot = {}
    for name in WATCHED + tuple(filter(None, [_team_theme(root)])):
        base = root / name
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def render_into(root: Path, work: Path) -> list[Path]:
    """Load, validate and render the project into ``work``; drop pages that no longer exist.

    Returns the files that changed. Raises ValidationFailed when the playbook has errors.
    """
    project, _ = load_project(root, history=True)
    cache = template_cache()
    static, _ = static_files(project, pdfs=False, cache=cache)  # PDFs are slow; the preview links the HTML sheets
    site = render_project(project, static, cache)
    changed = write_work_folder(work, site.files, static, theme=site.theme_files)
    wanted = {work / name for name in site.files} | {work / "docs" / name for name in static}
    for path in sorted((work / "docs").rglob("*")):
        if path.is_file() and path not in wanted:
            path.unlink()
            changed.append(path)
    return changed


class Watcher(threading.Thread):
    """Polls the project and re-renders into the work folder on every change, reporting problems."""

    def __init__(self, root: Path, work: Path, report: Callable[[str], None]) -> None:
        super().__init__(name="playbookgen-watcher", daemon=True)
        self.root, self.work, self.report = root, work, report
        self.stopped = threading.Event()
        self.seen = snapshot(root)

    def run(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            current = snapshot(self.root)
            if current != self.seen:
                self.seen = current
                self.rerender()

    def rerender(self) -> None:
        try:
            changed = render_into(self.root, self.work)
        except ValidationFailed as exc:
            self.report("\n".join(d.format() for d in exc.diagnostics) + "\nkeeping the last good preview")
        except PlaybookError as exc:
            self.report(f"error: {exc}\nkeeping the last good preview")
        else:
            self.report(f"re-rendered {len(changed)} file(s)" if changed else "no page changed")

    def stop(self) -> None:
        self.stopped.set()


def _report(message: str) -> None:
    print(f"playbookgen: {message}", file=sys.stderr, flush=True)


# MkDocs' dev server builds its own theme environments on every rebuild; this hook, written into the
# private work folder and named on the command line, hands them our template cache so a rebuild
# does not compile the theme's templates again. It runs before the other plugins are configured
# (Material's search plugin makes environments then). It is MkDocs' public hooks API, serve-only,
# and never part of a built site's mkdocs.yml.
SERVE_HOOK = "playbookgen_serve_hook.py"
_HOOK_SOURCE = '''"""Written by playbookgen serve: MkDocs' theme environments reuse compiled templates."""
from pathlib import Path

from mkdocs.plugins import event_priority

from playbookgen.engines.mkdocs import cache_theme_templates
from playbookgen.template_cache import template_cache

_cache = template_cache(skip=(Path(__file__).resolve().parent,))


@event_priority(100)
def on_config(config):
    cache_theme_templates(config.theme, _cache)
'''


def _hooks(work: Path) -> list[str]:
    """The generated config's hooks (a team's), then ours."""
    from .render.config import load_team_config

    (work / SERVE_HOOK).write_text(_HOOK_SOURCE, encoding="utf-8")
    theirs = load_team_config((work / "mkdocs.yml").read_text(encoding="utf-8")).get("hooks") or []
    return [str(work / hook) for hook in theirs] + [str(work / SERVE_HOOK)]


def _show_engine_log() -> None:
    """MkDocs' own lines (serving on, building, built in N seconds, warnings) on stderr, as its CLI shows them."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def serve_project(root: Path, dev_addr: str = "127.0.0.1:8000") -> None:
    """Serve a live preview of the playbook in ``root`` until interrupted."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort, ConfigurationError

    work = Path(tempfile.mkdtemp(prefix="playbookgen-serve-"))
    watcher = Watcher(root, work, _report)
    _show_engine_log()
    try:
        render_into(root, work)  # errors at start are reported like `build`'s
        watcher.start()
        try:
            mkdocs_serve(str(work / "mkdocs.yml"), dev_addr=dev_addr, livereload=True, hooks=_hooks(work))
        except (Abort, ConfigurationError) as exc:
            raise UserError(f"cannot serve: {exc}") from exc
    finally:
        watcher.stop()
        remove_tree(work)
