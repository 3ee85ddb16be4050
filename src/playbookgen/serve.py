"""`playbookgen serve`: a live preview that re-renders the playbook whenever one of its files changes.

A thin adapter: we render the docs into a private work folder and let MkDocs' own dev server serve
that folder. One small thread polls the project's inputs (YAML, templates, guides, mkdocs.yml),
re-renders, and asks the server for its rebuild once every file is written; since unchanged files
are not rewritten, a render that changed nothing asks for none. No playbook logic runs inside
MkDocs. While the playbook has problems, a box listing them (render/preview.py) is written beside
the pages, and a serve-only hook puts it on every page.
"""

from __future__ import annotations

import functools
import signal
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from .build import DealsOptions, analyse_deals, render_project, static_files, write_work_folder
from .engines.layout import CONFIG_FILE
from .errors import Diagnostic, PlaybookError, ValidationFailed
from .project import load_project
from .render.preview import problems_box
from .template_cache import template_cache
from .write import prune_folder, remove_tree, write_text_atomic

__all__ = ["WATCHED", "Preview", "Watcher", "render_into", "render_preview", "serve_project", "snapshot"]

# What a team edits: the playbook's YAML and guides, its stages, its templates, its mkdocs.yml (and
# the theme folder that names, if any).
WATCHED = ("playbook", "stages", "templates", CONFIG_FILE)
# A look at some fifty files' times and sizes (under a millisecond): a save shows in the preview
# this much sooner, for about 1% of a core.
POLL_SECONDS = 0.05
# What the command line gives serve: how to tell the user something, and how diagnostics are written
# (cli.py's one formatting function: the terminal and the page show the same lines).
Say = Callable[[str], None]
Format = Callable[[list[Diagnostic]], str]
# The problem box, in a folder of the work folder that the dev server watches (see the hook below).
PROBLEMS_FILE = "preview/problems.html"

Snapshot = dict[str, tuple[int, int]]


def _team_theme(root: Path) -> str | None:
    """The theme folder the team's mkdocs.yml names (theme.custom_dir), to watch as well."""
    try:
        stat = (root / CONFIG_FILE).stat()
    except OSError:
        return None
    return _team_theme_of(root, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _team_theme_of(root: Path, mtime_ns: int, size: int) -> str | None:
    """_team_theme for mkdocs.yml as it is at that time and size: read again only when it changes."""
    from .engines.site_config import load_team_config, team_theme_dir

    try:
        return team_theme_dir(load_team_config((root / CONFIG_FILE).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValidationFailed):
        return None  # no file, or one the next render reports


def _editor_scratch(name: str) -> bool:
    """A file an editor writes beside the one being saved (Vim's swap file, a backup, Emacs' auto-save
    file); none of them is read by a render, so their coming and going is not a change. A hidden file is
    not one of them: the loader reads a stages/.draft.yml like any other stage file."""
    return (name.startswith("#") and name.endswith("#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def snapshot(root: Path) -> Snapshot:
    """Modification time and size of every watched file, keyed by path relative to ``root``. An editor's
    scratch files in the playbook's own folders are left out (a save written to one and renamed over the
    file is one change, not two); the team's theme folder is copied whole, so all of it counts."""
    found: Snapshot = {}
    theme = _team_theme(root)
    for name in WATCHED + ((theme,) if theme else ()):
        base = root / name
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
        for path in paths:
            if name != theme and path != base and _editor_scratch(path.name):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass
class Preview:
    """One render into the work folder: the files that changed, the warnings, the playbook's language."""

    changed: list[Path]
    warnings: list[Diagnostic]
    language: str


def render_into(root: Path, work: Path) -> list[Path]:
    """Load, validate and render the project into ``work``; the files that changed (see render_preview)."""
    return render_preview(root, work).changed


def render_preview(root: Path, work: Path) -> Preview:
    """Load, validate and render the project into ``work``; drop pages that no longer exist.

    Raises ValidationFailed when the playbook has errors.
    """
    project, warnings = load_project(root, history=True)
    cache = template_cache()
    static, _ = static_files(project, pdfs=False, cache=cache)  # PDFs are slow; the preview links the HTML sheets
    # playbook.yml's deals: entry, when there is one; its problems show in the preview like any other
    health, health_problems = analyse_deals(project, DealsOptions())
    site = render_project(project, static, cache, health)
    changed = write_work_folder(work, site.files, static, theme={**site.theme_files, **site.assets})
    wanted = {work / name for name in [*site.files, *site.assets]} | {work / "docs" / name for name in static}
    changed += prune_folder(work / "docs", wanted)  # pages that no longer exist
    return Preview(changed, warnings + health_problems + site.diagnostics, project.playbook.language)


class Watcher(threading.Thread):
    """Polls the project and re-renders into the work folder on every change, reporting problems
    in the terminal and in the problem box on every page."""

    def __init__(self, root: Path, work: Path, say: Say, fmt: Format, language: str = "en",
                 rebuild: Callable[[], None] = lambda: None) -> None:
        super().__init__(name="playbookgen-watcher", daemon=True)
        self.root, self.work, self.say, self.fmt = root, work, say, fmt
        self.rebuild = rebuild  # asks the dev server to rebuild the work folder, once it is all written
        self.language = language  # the last good render's: a broken playbook.yml has none
        self.stopped = threading.Event()
        self.seen = snapshot(root)

    def run(self) -> None:
        while not self.stopped.wait(POLL_SECONDS):
            current = snapshot(self.root)
            if current != self.seen:
                self.seen = current
                self.rerender()

    def rerender(self) -> None:
        """Render the project again; when a file of the work folder changed, ask for one rebuild."""
        changed = False
        try:
            result = render_preview(self.root, self.work)
        except ValidationFailed as exc:
            changed = self.show(exc.diagnostics)
            self.say(self.fmt(exc.diagnostics) + "\nkeeping the last good preview")
        except PlaybookError as exc:
            changed = self.show([], f"error: {exc}")
            self.say(f"error: {exc}\nkeeping the last good preview")
        else:
            self.language = result.language
            changed = self.show(result.warnings) | bool(result.changed)
            if result.warnings:
                self.say(self.fmt(result.warnings))
            self.say(f"re-rendered {len(result.changed)} file(s)" if result.changed else "no page changed")
        if changed:
            self.rebuild()

    def show(self, diagnostics: list[Diagnostic], failure: str | None = None) -> bool:
        """Write the problem box every page shows (empty when all is well); whether it changed.

        ``failure``: an error that is not about a place in a file (it has no diagnostic).
        """
        errors = sum(d.is_error for d in diagnostics) + (failure is not None)
        lines = self.fmt(diagnostics).splitlines() if diagnostics else [failure or ""]
        box = problems_box(lines, errors, len(diagnostics) - errors + (failure is not None), self.language)
        return write_text_atomic(self.work / PROBLEMS_FILE, box)

    def stop(self) -> None:
        self.stopped.set()


def _team_hooks(work: Path) -> list[str]:
    """The hooks the team's mkdocs.yml names, as the generated config keeps them."""
    from .engines.site_config import load_team_config

    hooks = load_team_config((work / CONFIG_FILE).read_text(encoding="utf-8")).get("hooks") or []
    return [str(hook) for hook in hooks]


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # MkDocs' server stops and removes its folder on it; then we remove ours


def serve_project(root: Path, dev_addr: str = "127.0.0.1:8000", *, say: Say, fmt: Format) -> None:
    """Serve a live preview of the playbook in ``root`` until interrupted (Ctrl-C or SIGTERM).

    ``say`` tells the user something and ``fmt`` writes diagnostics as text: both come from cli.py.
    """
    from .engines.mkdocs_serve import request_rebuild, serve_folder

    work = Path(tempfile.mkdtemp(prefix="playbookgen-serve-"))
    # SIGTERM (a service manager, `kill`) would end the process without any clean-up.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        first = render_preview(root, work)  # errors at start are reported like `build`'s
        watcher = Watcher(root, work, say, fmt, first.language, rebuild=request_rebuild)
        watcher.show(first.warnings)
        if first.warnings:
            say(fmt(first.warnings))
        watcher.start()
        try:
            serve_folder(work, dev_addr, PROBLEMS_FILE, _team_hooks(work))  # MkDocs' dev server, until interrupted
        finally:
            watcher.stop()
    finally:
        remove_tree(work)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
