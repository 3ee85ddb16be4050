"""Where the printable checklists go in the site, named without rendering or printing anything.

One HTML page and one PDF a stage, all.html and all.pdf, and the index. The build plans its pages'
links with these names before the sheets print, and `validate` checks the site with them, without
importing the renderer or the printer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Project

__all__ = ["PREFIX", "checklist_paths", "pdf_jobs"]

PREFIX = "checklists/"


def pdf_jobs(project: Project) -> list[tuple[str, str, int]]:
    """(html path, pdf path, expected pages) for every stage and for all.html."""
    jobs = [(f"{PREFIX}{s.id}.html", f"{PREFIX}{s.id}.pdf", 1) for s in project.stages]
    jobs.append((f"{PREFIX}all.html", f"{PREFIX}all.pdf", len(project.stages)))
    return jobs


def checklist_paths(project: Project, *, pdfs: bool = True) -> list[str]:
    """Every path ``checklist_printing.make_checklists`` writes when every print succeeds; ``pdfs=False``:
    the HTML pages only."""
    paths = [path for html, pdf, _ in pdf_jobs(project) for path in ((html, pdf) if pdfs else (html,))]
    return [*paths, f"{PREFIX}index.html"]
