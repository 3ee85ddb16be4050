"""Project → printable checklist pages (HTML), one self-contained page per stage.

Pure: the templates and the caller's compiled-template cache are the only things read, and nothing
is written. Each sheet's layout (font size, room for notes) is estimated here from its text; the
checklist flow (``checklist_printing.py``) prints a sheet and asks for a tighter layout when it did not fit.
"""

from __future__ import annotations

import datetime as dt
import math
import urllib.parse
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jinja2
from markupsafe import Markup

from ..checklist_files import PREFIX
from ..fonts import FONT_STACK, font_face_css
from ..i18n import checklist_labels, format_date
from ..model import Project, Stage
from .templating import make_environment, render_template

__all__ = [
    "DENSITIES",
    "LAYOUTS",
    "PAPERS",
    "PREFIX",
    "Book",
    "Layout",
    "Sheet",
    "estimate_layout",
    "estimate_lines",
    "render_pages",
    "render_sheet",
    "sheets_of",
]

PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
# The pages' browser-tab icon, inside the page: a ticked box. A page on its own (`playbookgen
# checklists`, opened from the disk) has no site whose icon it could name, and without one a browser
# asks the server for /favicon.ico and logs a 404.
_ICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1.5" y="1.5" width="13" '
             'height="13" rx="2" fill="#fff" stroke="#4051b5" stroke-width="2"/><path d="M4.5 8.2l2.4 2.4 4.6-5" '
             'fill="none" stroke="#4051b5" stroke-width="2"/></svg>')
FAVICON = "data:image/svg+xml," + urllib.parse.quote(_ICON_SVG, safe="")
# In the site, the pages sit in checklists/ and a stage's page is stages/ID.html (render/site.py's
# page_path, as MkDocs names it without directory URLs).
SITE_ROOT_FROM_CHECKLISTS = "../"
# Loosest first; each is a font size in the CSS, and every length there is in em.
DENSITIES = ("regular", "compact", "tight", "tiny")


@dataclass(frozen=True)
class Layout:
    """How a sheet is set: a density class (font size) and how many ruled lines it leaves for notes."""

    density: str
    note_lines: int


# Loosest first: room for notes goes before the text gets smaller.
LAYOUTS = (Layout("regular", 8), Layout("regular", 4), Layout("regular", 0)) + tuple(
    Layout(density, 0) for density in DENSITIES[1:]
)


@dataclass(frozen=True)
class Sheet:
    """One stage as printed: the stage, its place in the pipeline and its layout."""

    stage: Stage
    position: str
    layout: Layout
    owner: str | None = None  # the stage's owner, else the playbook's default (review.owner)
    changed: str = ""  # the stage file's last change as its page says it (git); empty: the playbook's date

    @property
    def density(self) -> str:
        return self.layout.density

    @property
    def note_lines(self) -> int:
        return self.layout.note_lines

    @property
    def with_evidence(self) -> bool:
        """Whether the criteria table has an evidence column: when any criterion names its evidence."""
        return any(criterion.evidence for criterion in self.stage.exit_criteria)


def _iso_date(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _context(project: Project, paper: str, in_site: bool) -> dict[str, Any]:
    """What every checklist template sees besides its sheets; ``in_site``: the pages link back to the site."""
    language = project.playbook.language
    changed = project.last_changed
    return {
        "title": project.playbook.title,
        "language": language,
        "labels": checklist_labels(language),
        "examples": project.playbook.values_are_examples,
        "changed": format_date(changed, language) if changed > 0 else "",
        "changed_iso": _iso_date(changed) if changed > 0 else "",
        "page_size": PAPERS[paper],
        "font_stack": FONT_STACK,
        "font_faces": Markup(font_face_css()),  # our own CSS, from package data
        "favicon": FAVICON,
        "site_root": SITE_ROOT_FROM_CHECKLISTS if in_site else "",
    }


@dataclass(frozen=True)
class Book:
    """What every checklist of one render shares: the templates, their context and the print stylesheet."""

    env: jinja2.Environment
    context: dict[str, Any]

    @classmethod
    def of(cls, project: Project, paper: str, cache: jinja2.BytecodeCache | None = None, in_site: bool = False) -> Book:
        """The book for ``paper``; ``cache`` is the caller's compiled-template cache, if any; ``in_site``:
        the pages are the site's, and link back to its stage pages."""
        if paper not in PAPERS:
            raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}")
        return cls(make_environment(project.root, kind="html", cache=cache), _context(project, paper, in_site))

    @cached_property
    def print_css(self) -> str:
        """The rules only WeasyPrint reads (the footer in the page margin), kept out of the pages' own CSS.

        It does not see the paper, so a print made from HTML alone is the same as one made with it.
        """
        context = {k: v for k, v in self.context.items() if k != "page_size"}
        return render_template(self.env, "checklists/_print.css.j2", **context)


def sheets_of(project: Project, layouts: dict[str, Layout] | None = None) -> list[Sheet]:
    """Every stage's sheet, at its layout in ``layouts`` (by stage id), else at the estimated one."""
    labels = checklist_labels(project.playbook.language)
    total = len(project.stages)
    chosen = layouts or {}
    default_owner = project.playbook.review.owner
    return [
        Sheet(stage, labels["stage_of"].format(number=n, total=total), chosen.get(stage.id) or estimate_layout(stage),
              stage.owner or default_owner, _stage_changed(project, stage))
        for n, stage in enumerate(project.stages, start=1)
    ]


def _stage_changed(project: Project, stage: Stage) -> str:
    """The day the stage's file last changed, as the stage's page shows it, so the sheet and the page agree;
    empty when git cannot tell (the sheet then shows the playbook's date)."""
    file = project.stage_files.get(stage.id)
    when = project.history.last_changed.get(file) if project.history is not None and file else None
    return format_date(when, project.playbook.language) if when else ""


def render_sheet(book: Book, sheet: Sheet) -> str:
    """One stage's page."""
    return render_template(book.env, "checklists/stage.html.j2", sheet=sheet, **book.context)


def render_pages(book: Book, sheets: list[Sheet], *, pdf_links: bool) -> dict[str, str]:
    """Each stage's page, all of them in one page, and an index (linking PDFs when ``pdf_links``).

    Paths are relative to the site root.
    """
    files = {f"{PREFIX}{s.stage.id}.html": render_sheet(book, s) for s in sheets}
    files[f"{PREFIX}all.html"] = render_template(book.env, "checklists/all.html.j2", sheets=sheets, **book.context)
    files[f"{PREFIX}index.html"] = render_template(
        book.env, "checklists/index.html.j2", sheets=sheets, pdf=pdf_links, **book.context
    )
    return files


# --- Estimating the layout ----------------------------------------------------------------------

# Rough capacity of one sheet in the regular density, in lines of full-width text; each tighter
# class holds about a fifth more. For the default playbook, the starters and the synthetic
# 60-stage one it picks what measuring picks, so the first print is nearly always the one kept;
# text it reads too kindly (long unbroken words) costs one more print.
_LINE_BUDGET = 52
_CHARS_PER_LINE = 100


def _lines(text: str, width: float) -> int:
    return max(1, math.ceil(len(text) / (_CHARS_PER_LINE * width)))


def estimate_lines(stage: Stage) -> float:
    """How many regular-density lines the stage's sheet needs, from the amount of text."""
    lines = 9.0 + _lines(stage.name, 0.55) * 1.6 + _lines(stage.summary, 1)
    lines += 1 if stage.probability is not None or stage.max_days else 0  # the facts line under the summary
    for criterion in stage.exit_criteria:
        lines += 0.6 + max(_lines(criterion.text, 0.45), _lines(criterion.evidence or "", 0.5))
    lines += 2.4 + sum(_lines(q, 0.95) + 0.2 for q in stage.questions) if stage.questions else 0
    side = [sum(_lines(t, 0.45) + 0.3 for t in items) for items in (stage.signals, stage.disqualify_when)]
    lines += 2.4 + max(side) if max(side) else 0
    return lines


def estimate_layout(stage: Stage) -> Layout:
    """The loosest layout whose estimated height fits the page."""
    lines = estimate_lines(stage)
    for layout in LAYOUTS:
        step = DENSITIES.index(layout.density)
        if lines + layout.note_lines * 1.5 <= _LINE_BUDGET * (1.2**step):
            return layout
    return LAYOUTS[-1]


