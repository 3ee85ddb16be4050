"""`playbookgen build`: load → validate → checklists → render → write → engine (and its theme
fixes, engines/) → link check → swap.

The site is built in a hidden folder beside the real one and renamed into place only when every
step succeeded, so a failed build leaves the last good site byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import BytecodeCache

from . import checklists
from .engines import ENGINES, run_engine, start_worker, stop_worker
from .engines.layout import DOCS_DIR
from .errors import Diagnostic, UserError, ValidationFailed, error, warning
from .linkcheck import BrokenLink, check_site_links
from .load import read_theme_folder
from .model import Project
from .render.config import TEAM_CONFIG
from .render.site import SiteFiles, render_site, with_team_theme
from .template_cache import template_cache
from .validate import load_project
from .write import (check_replaceable, make_staging, remove_tree, swap_folder, write_bytes_atomic, write_marker,
                    write_new_file)

__all__ = ["BuildResult", "SITE_MARKER", "build_site", "render_project", "static_files", "write_work_folder"]

SITE_MARKER = ".playbookgen-site"
# Pages made by other modules (the checklists) are checked by their own tests, and may link to PDFs
# that a --no-pdf build leaves out.
OTHERS_PAGES = ("checklists/",)
MARKER_NOTE = "Built by playbookgen: this folder is replaced on every build.\nFiles listed below are ours."


@dataclass
class BuildResult:
    """Where the site went, and what the user should hear about (warnings, notes)."""

    site_dir: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    engine_output: str = ""


def build_site(root: Path, site_dir: Path | None = None, strict: bool = False, engine: str = "mkdocs",
               *, pdfs: bool = True, as_of: dt.date | None = None) -> BuildResult:
    """Build the playbook in ``root`` into ``site_dir`` (default ROOT/site); raise on any failure."""
    root = Path(root).resolve()
    out = Path(site_dir).resolve() if site_dir is not None else root / "site"
    _check_target(root, out, engine)
    start_worker(engine)  # the engine gets ready meanwhile, on another core
    try:
        return _build(root, out, strict, engine, pdfs, as_of)
    finally:
        stop_worker()


def _build(root: Path, out: Path, strict: bool, engine: str, pdfs: bool, as_of: dt.date | None) -> BuildResult:
    project, diagnostics = load_project(root, strict=strict, as_of=as_of, history=True)  # load (git too) + validate
    cache = template_cache()  # compiled templates between builds: ours to own, the renderers only use it
    static, notes = static_files(project, pdfs=pdfs, cache=cache)  # printable checklists
    site = render_project(project, static, cache)  # render (pure)
    diagnostics += site.diagnostics
    if strict and site.diagnostics:  # mkdocs.yml settings we set aside
        raise ValidationFailed(diagnostics)
    staging = make_staging(out)
    try:
        write_work_folder(staging, site.files, static, fresh=True, theme=site.theme_files)  # write
        result = run_engine(staging, staging / "site", engine=engine, strict=strict, epoch=project.last_changed)
        diagnostics += _link_diagnostics(project, check_site_links(staging / "site", skip=OTHERS_PAGES), strict)
        diagnostics += [warning(f"<{engine}>", 1, 1, "engine-warning", w) for w in result.warnings]
        write_marker(staging / "site", SITE_MARKER, MARKER_NOTE)
        swap_folder(staging / "site", out)  # swap
    finally:
        remove_tree(staging)
    return BuildResult(out, diagnostics, notes, result.output)


def _check_target(root: Path, out: Path, engine: str) -> None:
    """Refuse before any work: an unknown engine, or an output folder holding someone else's files."""
    if engine not in ENGINES:
        raise UserError(f"unknown engine '{engine}': choose one of {', '.join(ENGINES)}")
    if out == root or out in root.parents:
        raise UserError(f"the site folder {out} would replace the playbook itself; choose another with --site-dir")
    check_replaceable(out, SITE_MARKER)


def static_files(project: Project, *, pdfs: bool = True,
                 cache: BytecodeCache | None = None) -> tuple[dict[str, bytes], list[str]]:
    """Site-root files made outside the site engine: printable checklists (HTML, and PDFs if possible)."""
    return checklists.make_checklists(project, pdfs=pdfs, cache=cache)


def render_project(project: Project, static: dict[str, bytes], cache: BytecodeCache | None = None) -> SiteFiles:
    """The work folder's text files: pages, stylesheet and the merged mkdocs.yml."""
    team = project.root / TEAM_CONFIG
    team_text = team.read_text(encoding="utf-8") if team.is_file() else None
    site = render_site(project, team_config=team_text, static=static.keys(), cache=cache)
    if site.team_theme is None:
        return site
    return with_team_theme(site, read_theme_folder(project.root, site.team_theme), site.team_theme)


def write_work_folder(work: Path, files: dict[str, str], static: dict[str, bytes], *, fresh: bool = False,
                      theme: dict[str, bytes] | None = None) -> list[Path]:
    """Write the engine's input; static files go into docs/ so the engine copies them and checks links to them.

    ``theme``: the team's theme files, by work-folder path (SiteFiles.theme_files).

    ``fresh``: ``work`` is a staging folder we just made, written plainly. Otherwise (serve's
    long-lived folder) each file is replaced atomically and only when its content changed.
    Returns the files written (serve rebuilds only when there are some).
    """
    write = write_new_file if fresh else write_bytes_atomic
    changed = [work / name for name, text in sorted(files.items()) if write(work / name, text.encode("utf-8"))]
    changed += [work / DOCS_DIR / name for name, data in sorted(static.items()) if write(work / DOCS_DIR / name, data)]
    changed += [work / name for name, data in sorted((theme or {}).items()) if write(work / name, data)]
    return changed


def _find_in_source(path: Path, needle: str) -> tuple[int, int]:
    """Line and column of the first ``needle`` in a source file; 1:1 when it cannot be found there."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return (1, 1)
    at = text.find(needle)
    if at < 0:
        return (1, 1)
    return (text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1)


def _link_diagnostics(project: Project, broken: list[BrokenLink], strict: bool) -> list[Diagnostic]:
    """Broken links as diagnostics on the file the page came from; errors in strict mode (or when unsafe)."""
    sources = {f"stages/{s.id}.html": project.stage_file(s.id) for s in project.stages}
    sources.update({f"guides/{g.slug}.html": g.source for g in project.guides})
    diagnostics = []
    for link in broken:
        file = sources.get(link.page, f"site/{link.page}")
        line, column = _find_in_source(project.root / file, link.href)
        message = f"broken link '{link.href}' in {link.page}: {link.reason}"
        make = error if (strict or link.unsafe) else warning
        diagnostics.append(make(file, line, column, "unsafe-link" if link.unsafe else "broken-link", message))
    if any(d.is_error for d in diagnostics):
        raise ValidationFailed(diagnostics)
    return diagnostics
