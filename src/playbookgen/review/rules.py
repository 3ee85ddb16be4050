"""Review dates, the rule: a review in the future is an error; overdue and missing ones are warnings."""

from __future__ import annotations

from ..errors import Diagnostic, error, warning
from ..model import Project
from .items import days_words, owner_words, review_items

__all__ = ["review_diagnostics"]


def review_diagnostics(project: Project) -> list[Diagnostic]:
    """A review in the future is an error; overdue, and missing where review.required, are warnings."""
    diagnostics: list[Diagnostic] = []
    for item in review_items(project):
        what = f"{item.kind} '{item.id}'"
        if item.reviewed is not None and item.reviewed > project.as_of:
            diagnostics.append(error(item.file, item.line, item.column, "review-future",
                                     f"'reviewed' is {item.reviewed}, after the as-of date {project.as_of}: "
                                     "a review cannot be in the future; is the date mistyped?"))
        elif item.status == "overdue":
            diagnostics.append(warning(item.file, item.line, item.column, "review-overdue",
                                       f"{what} is {days_words(item.days_overdue or 0)} overdue for review "
                                       f"(reviewed {item.reviewed}, due {item.due}); {owner_words(item.owner)}"))
        elif item.status == "never" and project.playbook.review.required:
            diagnostics.append(warning(item.file, item.line, item.column, "review-missing",
                                       f"{what} has no 'reviewed' date, and review.required is true in "
                                       f"playbook.yml; {owner_words(item.owner)}"))
    return diagnostics
