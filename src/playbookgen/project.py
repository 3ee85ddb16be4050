"""A playbook project, loaded and validated: the pipeline's first two stages, composed.

Every command starts here: ``load.py`` reads the files (and, for the site, the git history),
``validate.py`` checks what was read. Nothing below this module reads and checks at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from .errors import Diagnostic, ValidationFailed
from .load import as_of_date, read_history, read_sources
from .model import Project
from .validate import validate_sources

__all__ = ["load_project", "validate_project"]


def validate_project(root: Path, *, as_of: dt.date | None = None,
                     history: bool = False) -> tuple[Project | None, list[Diagnostic]]:
    """Load and check the project at ``root``: the Project when it has no errors, and every diagnostic.

    Review dates are checked against ``as_of`` (default: load.as_of_date); ``history`` also reads the
    playbook's git history, for the site's "what changed" page.
    """
    sources = read_sources(Path(root))
    project, diagnostics = validate_sources(sources, as_of=as_of or as_of_date(None)[0])
    if project is not None and history:
        project = dataclasses.replace(project, history=read_history(project.root, project.playbook.review.changes))
    return project, diagnostics


def load_project(root: Path, *, strict: bool = False, as_of: dt.date | None = None,
                 history: bool = False) -> tuple[Project, list[Diagnostic]]:
    """The Project and its warnings; raises ValidationFailed on errors (or on warnings when strict)."""
    project, diagnostics = validate_project(root, as_of=as_of, history=history)
    if project is None or (strict and diagnostics):
        raise ValidationFailed(diagnostics)
    return project, diagnostics
