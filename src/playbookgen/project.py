"""A playbook project, loaded and validated: the pipeline's first two stages, composed.

Every command starts here: ``load.py`` reads the files (and, for the site, the git history),
``validate.py`` checks what was read. Nothing below this module reads and checks at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from .errors import Diagnostic, ValidationFailed, warning
from .load import as_of_date, is_shallow_clone, read_history, read_sources
from .model import Project
from .validate import validate_sources

__all__ = ["load_project", "validate_project"]


def validate_project(root: Path, *, as_of: dt.date | None = None, history: bool = False,
                     last_change: bool = True) -> tuple[Project | None, list[Diagnostic]]:
    """Load and check the project at ``root``: the Project when it has no errors, and every diagnostic.

    Review dates are checked against ``as_of`` (default: load.as_of_date); ``history`` also reads the
    playbook's git history, for the site's "what changed" page. Without ``last_change`` the project's
    ``last_changed`` is 0: git is not asked when the playbook last changed (`validate` prints no date).
    """
    sources = read_sources(Path(root), last_change=last_change)
    project, diagnostics = validate_sources(sources, as_of=as_of or as_of_date(None)[0])
    if project is not None and history:
        if is_shallow_clone(project.root):
            diagnostics.append(SHALLOW_CLONE)
        else:
            project = dataclasses.replace(project, history=read_history(project.root, project.playbook.review.changes))
    return project, diagnostics


# A shallow clone's log ends at its last commit, which would seem to have changed every page: the
# history is left out instead (the "what changed" page says it is not available).
SHALLOW_CLONE = warning(
    "<git>", 1, 1, "shallow-clone",
    "this is a shallow git clone, which holds only the last commits: the 'What changed' page and the pages' "
    "'last changed' dates are left out rather than shown wrong; build from the whole history (git fetch "
    "--unshallow; in GitHub Actions, actions/checkout with fetch-depth: 0)")


def load_project(root: Path, *, strict: bool = False, as_of: dt.date | None = None,
                 history: bool = False, last_change: bool = True) -> tuple[Project, list[Diagnostic]]:
    """The Project and its warnings; raises ValidationFailed on errors (or on warnings when strict).
    ``last_change``: as validate_project's (off for a command that prints no date of the playbook)."""
    project, diagnostics = validate_project(root, as_of=as_of, history=history, last_change=last_change)
    if project is None or (strict and diagnostics):
        raise ValidationFailed(diagnostics)
    return project, diagnostics
