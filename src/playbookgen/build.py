"""`playbookgen build`: load → validate → deals (pipeline health) → checklists → render → write →
engine (and its theme fixes, engines/) → link check → swap.

The site is built in a hidden folder beside the real one and renamed into place only when every
step succeeded, so a failed build leaves the last good site byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import BytecodeCache

from . import checklist_files
from .engines import ENGINES, EngineRun, start_engine, start_worker, stop_worker
from .engines.layout import CONFIG_FILE, DOCS_DIR
from .engines.site_config import missing_theme_folder, team_files
from .engines.work_folder import SiteFiles, with_team_files, with_team_theme, work_files
from .errors import Diagnostic, Severity, UserError, ValidationFailed, error, warning
from .load import SITE_ROOT_DIR, read_folder, read_site_root, read_team_files
from .model import Project
from .project import load_project
from .render.site import outline_site, render_site
from .team_templates import outdated_templates
from .template_cache import template_cache
from .write import (
    check_replaceable,
    make_staging,
    remove_tree,
    swap_folder,
    write_bytes_atomic,
    write_marker,
    write_new_file,
)

if TYPE_CHECKING:
    from .health import HealthReport
    from .linkcheck import BrokenLink

__all__ = ["BuildResult", "DealsOptions", "SITE_MARKER", "add_site_root", "analyse_deals", "build_site",
           "render_project", "static_files", "write_work_folder"]

SITE_MARKER = ".playbookgen-site"
# Pages made by other modules (the checklists) are checked by their own tests, and may link to PDFs
# that a --no-pdf build leaves out.
OTHERS_PAGES = ("checklists/",)
MARKER_NOTE = "Built by playbookgen: this folder is replaced on every build.\nFiles listed below are ours."


@dataclass(frozen=True)
class DealsOptions:
    """The command line's --deals, --deals-format and --as-of; each wins over playbook.yml's deals: entry."""

    file: str | None = None
    format: str | None = None
    as_of: str | None = None


@dataclass
class BuildResult:
    """Where the site went, and what the user should hear about (warnings, notes)."""

    site_dir: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    engine_output: str = ""


def build_site(root: Path, site_dir: Path | None = None, strict: bool = False, engine: str = "mkdocs",
               *, pdfs: bool = True, deals: DealsOptions | None = None,
               as_of: dt.date | None = None) -> BuildResult:
    """Build the playbook in ``root`` into ``site_dir`` (default ROOT/site); raise on any failure.

    With a deals export (``deals``, or playbook.yml's ``deals:``) the site gets a pipeline health page;
    ``as_of`` is the day review dates are checked against."""
    root = Path(root).resolve()
    out = Path(site_dir).resolve() if site_dir is not None else root / "site"
    _check_target(root, out, engine)
    start_worker(engine)  # the engine gets ready meanwhile, on another core
    try:
        return _build(root, out, strict, engine, pdfs, deals or DealsOptions(), as_of)
    finally:
        stop_worker()


def _build(root: Path, out: Path, strict: bool, engine: str, pdfs: bool, deals: DealsOptions,
           as_of: dt.date | None) -> BuildResult:
    project, diagnostics = load_project(root, strict=strict, as_of=as_of, history=True)  # load (git too) + validate
    health, health_problems = analyse_deals(project, deals, strict)  # the deals export, when there is one
    diagnostics += health_problems
    cache = template_cache()  # compiled templates between builds: ours to own, the renderers only use it
    from . import checklist_printing  # the printer: not for validate, which imports this module for check_site

    printing = pdfs and checklist_printing.pdf_available()
    planned = _planned_checklists(project, printing)  # the pages link the checklists before they are made
    site = render_project(project, planned, cache, health)  # render (pure)
    site_root = read_site_root(project.root)  # CNAME, robots.txt, downloads: copied as they are
    diagnostics += site.diagnostics
    if strict and site.diagnostics:  # mkdocs.yml settings we set aside
        raise ValidationFailed(diagnostics)
    staging = make_staging(out)
    try:
        # The engine builds on the worker's core while the checklists are made (and printed) on this one:
        # it only copies them, so it is given empty stand-ins, and the files made replace its copies.
        finish = _start_engine(staging, site, planned, engine, strict, project)  # write, engine
        static, notes = static_files(project, pdfs=pdfs, cache=cache)  # the checklists, meanwhile
        result, built = finish(), staging / "site"
        if static.keys() != planned.keys():  # a sheet WeasyPrint could not print: no page may link its PDF
            site, built = render_project(project, static, cache, health), staging / "again" / "site"
            start_worker(engine)  # a new one: MkDocs stays out of this process, as in every other build
            result = _start_engine(built.parent, site, static, engine, strict, project)()
        for name, data in sorted(static.items()):
            write_new_file(built / name, data)
        notes += (health.notes if health else []) + result.notes
        add_site_root(built, site_root)
        from .linkcheck import check_site_links  # not for validate, which imports this module for check_site

        diagnostics += _link_diagnostics(project, check_site_links(built, skip=OTHERS_PAGES), strict)
        diagnostics += [warning(f"<{engine}>", 1, 1, "engine-warning", w) for w in result.warnings]
        write_marker(built, SITE_MARKER, MARKER_NOTE)
        swap_folder(built, out)  # swap
    finally:
        stop_worker()  # a build that failed while the engine ran: the engine stops before its folder goes
        remove_tree(staging)
    return BuildResult(out, diagnostics, notes, result.output)


def _planned_checklists(project: Project, pdfs: bool) -> dict[str, bytes]:
    """The checklist files (PDFs too, with ``pdfs``) a build makes when every sheet prints, each as an empty
    stand-in."""
    return dict.fromkeys(checklist_files.checklist_paths(project, pdfs=pdfs), b"")


def _start_engine(work: Path, site: SiteFiles, static: dict[str, bytes], engine: str, strict: bool,
                  project: Project) -> Callable[[], EngineRun]:
    """Write the work folder and start the engine on it (engines.start_engine); call the result to wait."""
    write_work_folder(work, site.files, static, fresh=True, theme={**site.theme_files, **site.assets})
    return start_engine(work, work / "site", engine=engine, strict=strict, epoch=project.last_changed,
                        language=project.playbook.language)


def _check_target(root: Path, out: Path, engine: str) -> None:
    """Refuse before any work: an unknown engine, or an output folder holding someone else's files."""
    if engine not in ENGINES:
        raise UserError(f"unknown engine '{engine}': choose one of {', '.join(ENGINES)}")
    if out == root or out in root.parents:
        raise UserError(f"the site folder {out} would replace the playbook itself; choose another with --site-dir")
    if out == root / SITE_ROOT_DIR or root / SITE_ROOT_DIR in out.parents:
        raise UserError(f"the site folder {out} is inside {SITE_ROOT_DIR}/, whose files are copied into the site; "
                        "choose another with --site-dir")
    check_replaceable(out, SITE_MARKER, hint=SITE_ROOT_HINT)


# Said when the site folder holds a file someone put there by hand: most often a CNAME or robots.txt.
SITE_ROOT_HINT = (f"files the published site needs at its top (CNAME, robots.txt, .nojekyll, downloads) belong in "
                  f"the project's {SITE_ROOT_DIR}/ folder: every build copies them into the site")


def add_site_root(site: Path, files: dict[str, bytes]) -> None:
    """Copy the project's site-root/ files into the built site; one that would replace a built file is an error."""
    clashes = [error(f"{SITE_ROOT_DIR}/{name}", 1, 1, "site-root-clash",
                     f"{SITE_ROOT_DIR}/{name} has the name of a file the build makes; rename or move it")
               for name in sorted(files) if (site / name).exists()]
    if clashes:
        raise ValidationFailed(clashes)
    for name, data in sorted(files.items()):
        write_new_file(site / name, data)


def static_files(project: Project, *, pdfs: bool = True,
                 cache: BytecodeCache | None = None) -> tuple[dict[str, bytes], list[str]]:
    """Site-root files made outside the site engine: printable checklists (HTML, and PDFs if possible), on the
    playbook's paper, with links back to the site's stage pages."""
    from . import checklist_printing

    return checklist_printing.make_checklists(project, pdfs=pdfs, paper=project.playbook.paper, cache=cache,
                                              in_site=True)


def check_site(project: Project) -> list[Diagnostic]:
    """What a build of ``project`` would report before its site engine runs, without building: the team's
    mkdocs.yml (its YAML, the files and theme folder it names, the settings set aside) and templates.

    ``validate`` runs it, so a change that would fail the build fails the check on the pull request too.
    Only the pages made from the team's own templates are rendered (render.site.outline_site); the
    others, and the checklists, are only named.
    """
    try:
        static = dict.fromkeys(checklist_files.checklist_paths(project), b"")
        site = render_project(project, static, template_cache(), outline=True)
    except ValidationFailed as exc:
        return exc.diagnostics
    return site.diagnostics


def analyse_deals(project: Project, options: DealsOptions, strict: bool = False
                  ) -> tuple[HealthReport | None, list[Diagnostic]]:
    """The pipeline health report when the build has a deals export (the command line's or
    playbook.yml's), else None; its problems. A bad cell or an unknown stage never costs the site: the
    problems are warnings and the health page lists them; a file that cannot be read at all leaves the
    page out, its reasons warned (a file that is not there is an error: the path is wrong). With ``strict``
    any problem fails the build."""
    if options.file is None and project.playbook.deals is None:
        return None, []
    from .health import analyse, resolve_request  # DuckDB is imported only by builds that read deals

    request = resolve_request(project, options.file, options.format, options.as_of)
    try:
        report, diagnostics = analyse(project, request)
    except ValidationFailed as exc:
        if strict or any(d.code == "deals-missing" for d in exc.diagnostics):  # no file at all: a wrong path
            raise
        return None, [*_as_warnings(exc.diagnostics), warning(
            request.display, 1, 1, "deals-page-left-out",
            "the deals file cannot be read, so the site is built without its pipeline health page")]
    if strict and diagnostics:
        raise ValidationFailed(diagnostics)
    return report, _as_warnings(diagnostics)


def _as_warnings(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [replace(d, severity=Severity.WARNING) for d in diagnostics]


def render_project(project: Project, static: dict[str, bytes], cache: BytecodeCache | None = None,
                   health: HealthReport | None = None, *, outline: bool = False) -> SiteFiles:
    """The work folder's text files: the rendered pages, and what the engine adapter joins to them (the
    merged mkdocs.yml, our theme, the team's files and theme folder); its diagnostics say which of the
    team's settings were set aside and which of its templates were copied from ours before ours changed.
    ``outline``: only what checking them needs (render.site.outline_site), for `validate`."""
    team = project.root / CONFIG_FILE
    team_text = team.read_text(encoding="utf-8") if team.is_file() else None
    if outline:
        rendered = outline_site(project, static=static.keys(), cache=cache)
    else:
        rendered = render_site(project, static=static.keys(), cache=cache, health=health)  # pure, engine-neutral
    site = work_files(project, rendered.pages, rendered.nav, rendered.stylesheet, team_text)  # the adapter's
    site = replace(site, diagnostics=[*site.diagnostics, *outdated_templates(project.root)])
    if team_text is not None:  # the logo, favicon, stylesheets and scripts it names
        found = read_team_files(project.root, team_files(team_text), site.team_theme)
        site = with_team_files(site, found, static.keys())
    if site.team_theme is None:
        return site
    theme = read_folder(project.root, site.team_theme)
    if theme is None:
        raise ValidationFailed([missing_theme_folder(site.team_theme)])
    return with_team_theme(site, theme, site.team_theme)


def write_work_folder(work: Path, files: dict[str, str], static: dict[str, bytes], *, fresh: bool = False,
                      theme: dict[str, bytes] | None = None) -> list[Path]:
    """Write the engine's input; static files go into docs/ so the engine copies them and checks links to them.

    ``theme``: the team's theme files, by work-folder path (SiteFiles.theme_files).

    ``fresh``: ``work`` is a staging folder we just made, written plainly. Otherwise (serve's
    long-lived folder, thrown away when serve stops: no fsync) each file is replaced atomically and
    only when its content changed. Returns the files written (serve rebuilds only when there are some).
    """
    def replace_file(path: Path, data: bytes) -> bool:
        return write_bytes_atomic(path, data, durable=False)

    write = write_new_file if fresh else replace_file
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
