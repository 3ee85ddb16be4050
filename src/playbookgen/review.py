"""Review dates: which content is due for a check, who owns it, and the warnings that say so.

Pure: a validated Project (its as-of date included) in, review items, diagnostics and text out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

from ._yaml import Path_
from .errors import Diagnostic, error, warning
from .model import Project, Reviewable

__all__ = [
    "DUE_SOON_DAYS",
    "FIELDS",
    "OUTPUT_FORMATS",
    "REVIEW_KINDS",
    "ReviewItem",
    "ReviewKind",
    "filter_owner",
    "render_review",
    "review_diagnostics",
    "review_items",
    "summary_line",
]

DUE_SOON_DAYS = 14
OUTPUT_FORMATS = ("text", "json", "csv", "github")
# The fields of every output format, in this order (json keys, csv columns).
FIELDS = ("kind", "id", "file", "line", "owner", "reviewed", "due", "status", "days_overdue")
# Overdue first, then what was never reviewed, then by due date.
_STATUS_RANK = {"overdue": 0, "never": 1, "due-soon": 2, "ok": 3}


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
            "reviewed": _iso(self.reviewed), "due": _iso(self.due), "status": self.status,
            "days_overdue": self.days_overdue,
        }


def _iso(day: dt.date | None) -> str | None:
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
        items.append(((_STATUS_RANK[status], due or dt.date.max, index), entry))
    return [entry for _, entry in sorted(items, key=lambda pair: pair[0])]


def filter_owner(items: list[ReviewItem], owner: str) -> list[ReviewItem]:
    """The items whose owner contains ``owner`` (case does not matter): 'anna' finds 'Anna Nowak <anna@x.pl>'."""
    wanted = owner.strip().casefold()
    return [item for item in items if item.owner is not None and wanted in item.owner.casefold()]


def _owner_words(owner: str | None) -> str:
    return f"owner: {owner}" if owner else "no owner: set 'owner' here or review.owner in playbook.yml"


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
                                       f"{what} is {_days(item.days_overdue or 0)} overdue for review "
                                       f"(reviewed {item.reviewed}, due {item.due}); {_owner_words(item.owner)}"))
        elif item.status == "never" and project.playbook.review.required:
            diagnostics.append(warning(item.file, item.line, item.column, "review-missing",
                                       f"{what} has no 'reviewed' date, and review.required is true in "
                                       f"playbook.yml; {_owner_words(item.owner)}"))
    return diagnostics


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def summary_line(items: list[ReviewItem]) -> str:
    """'3 overdue, 2 due within 14 days, 41 ok', with the never-reviewed count when there are any."""
    count = {status: sum(item.status == status for item in items) for status in _STATUS_RANK}
    line = f"{count['overdue']} overdue, {count['due-soon']} due within {DUE_SOON_DAYS} days, {count['ok']} ok"
    return line + (f", {count['never']} never reviewed" if count["never"] else "")


# --- output formats -------------------------------------------------------------------------------


def render_review(items: list[ReviewItem], fmt: str, as_of: dt.date) -> str:
    """The items in one of OUTPUT_FORMATS, ending in a newline."""
    if fmt == "json":
        return json.dumps([item.as_dict() for item in items], ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(items)
    if fmt == "github":
        return _github(items)
    return _text(items, as_of)


def _status_words(item: ReviewItem) -> str:
    if item.status == "overdue":
        return f"overdue {_days(item.days_overdue or 0)}"
    return item.status


def _text(items: list[ReviewItem], as_of: dt.date) -> str:
    header = ("STATUS", "DUE", "REVIEWED", "OWNER", "KIND", "ID", "WHERE")
    rows = [(_status_words(i), _iso(i.due) or "-", _iso(i.reviewed) or "-", i.owner or "-", i.kind, i.id,
             f"{i.file}:{i.line}") for i in items]
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    lines = [f"Review as of {as_of}"]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    lines.append(summary_line(items))
    return "\n".join(lines) + "\n"


def _csv(items: list[ReviewItem]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for item in items:
        row = item.as_dict()
        writer.writerow(["" if row[name] is None else row[name] for name in FIELDS])
    return buffer.getvalue()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(items: list[ReviewItem]) -> str:
    """GitHub Actions annotations: overdue as warnings, due soon and never reviewed as notices."""
    lines = []
    for item in items:
        what = f"{item.kind} '{item.id}'"
        if item.status == "overdue":
            level, text = "warning", f"{what} is {_days(item.days_overdue or 0)} overdue for review (due {item.due})"
        elif item.status == "due-soon":
            level, text = "notice", f"{what} is due for review on {item.due}"
        elif item.status == "never":
            level, text = "notice", f"{what} has never been reviewed"
        else:
            continue
        props = f"file={_escape_property(item.file)},line={item.line},col={item.column},title=review-{item.status}"
        lines.append(f"::{level} {props}::{_escape_data(f'{text}; {_owner_words(item.owner)}')}")
    lines.append(f"::notice title=playbook review::{_escape_data(summary_line(items))}")
    return "\n".join(lines) + "\n"
