"""Review dates, the model: which content is reviewable, when each item is due, and who owns it.

Pure: a validated Project (its as-of date included) in, review items out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from .._yaml import Path_
from ..model import Project, Reviewable

__all__ = [
    "DUE_SOON_DAYS",
    "REVIEW_KINDS",
    "STATUS_RANK",
    "ReviewItem",
    "ReviewKind",
    "days_words",
    "filter_owner",
    "iso",
    "owner_words",
    "review_items",
]

DUE_SOON_DAYS = 14
# Overdue first, then what was never reviewed, then by due date.
STATUS_RANK = {"overdue": 0, "never": 1, "due-soon": 2, "ok": 3}


@dataclass(frozen=True)
class ReviewKind:
    """One list of reviewable items in a playbook-wide file."""

    kind: str  # as `playbookgen review` prints it
    file_kind: str  # the load.FILE_KINDS row whose file holds the list
    key: str  # the list's key in that file, which is also the Project attribute holding the items


# Making a kind of content reviewable: its model inherits model.Reviewable, and it gets one row here.
# Stages (one file each) and guides (front matter) are listed by review_items itself.
REVIEW_KINDS: tuple[ReviewKind, ...] = (
    ReviewKind("technique", "techniques", "techniques"),
    ReviewKind("framework", "frameworks", "frameworks"),
    ReviewKind("metric", "metrics", "metrics"),
    ReviewKind("case-study", "case-studies", "case_studies"),
    ReviewKind("objection", "objections", "objections"),
    ReviewKind("email", "emails", "emails"),
)


@dataclass(frozen=True)
class ReviewItem:
    """One reviewable item at the as-of date: where it is written, who owns it, when it is due."""

    kind: str
    id: str
    file: str
    line: int
    column: int
    owner: str | None  # the item's own, else review.owner
    reviewed: dt.date | None
    due: dt.date | None  # reviewed + the interval; None when never reviewed
    status: str  # ok, due-soon, overdue or never
    days_overdue: int | None  # 0 unless overdue; None when never reviewed
    reviewed_set: bool = False  # whether line/column point at the 'reviewed' value (else at the item)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind, "id": self.id, "file": self.file, "line": self.line, "owner": self.owner,
            "reviewed": iso(self.reviewed), "due": iso(self.due), "status": self.status,
            "days_overdue": self.days_overdue,
        }


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _entries(project: Project) -> Iterator[tuple[str, str, str, Path_, Reviewable]]:
    """(kind, id, file, YAML path of the item, item) of everything reviewable, in playbook order."""
    for stage in project.stages:
        yield "stage", stage.id, project.stage_file(stage.id), (), stage
    for row in REVIEW_KINDS:
        file = project.kind_files.get(row.file_kind)
        if file is not None:
            for i, item in enumerate(getattr(project, row.key)):
                yield row.kind, item.id, file, (row.key, i), item
    for guide in project.guides:
        yield "guide", guide.slug, guide.source, (), guide.front


def _status(reviewed: dt.date | None, every: int, as_of: dt.date) -> tuple[dt.date | None, str, int | None]:
    if reviewed is None:
        return None, "never", None
    due = reviewed + dt.timedelta(days=every)
    if due < as_of:
        return due, "overdue", (as_of - due).days
    return due, "due-soon" if (due - as_of).days <= DUE_SOON_DAYS else "ok", 0


def review_items(project: Project) -> list[ReviewItem]:
    """Every reviewable item, overdue first, then never reviewed, then by due date."""
    settings = project.playbook.review
    items: list[tuple[tuple[int, dt.date, int], ReviewItem]] = []
    for index, (kind, item_id, file, path, item) in enumerate(_entries(project)):
        reviewed = dt.date.fromisoformat(item.reviewed) if item.reviewed else None
        due, status, late = _status(reviewed, item.review_every_days or settings.every_days, project.as_of)
        line, column = project.locate(file, *path, "reviewed") if reviewed else project.locate(file, *path)
        entry = ReviewItem(kind, item_id, file, line, column, item.owner or settings.owner, reviewed, due, status, late,
                           reviewed is not None)
        items.append(((STATUS_RANK[status], due or dt.date.max, index), entry))
    return [entry for _, entry in sorted(items, key=lambda pair: pair[0])]


def filter_owner(items: list[ReviewItem], owner: str) -> list[ReviewItem]:
    """The items whose owner contains ``owner`` (case does not matter): 'anna' finds 'Anna Nowak <anna@x.pl>'."""
    wanted = owner.strip().casefold()
    return [item for item in items if item.owner is not None and wanted in item.owner.casefold()]


def owner_words(owner: str | None) -> str:
    return f"owner: {owner}" if owner else "no owner: set 'owner' here or review.owner in playbook.yml"


def days_words(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"
