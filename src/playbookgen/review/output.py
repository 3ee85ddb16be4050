"""Review dates, the printer: the review items as text, JSON, CSV or GitHub annotations."""

from __future__ import annotations

import datetime as dt
import json

from ..annotations import annotation
from ..csv_output import csv_text
from .items import DUE_SOON_DAYS, STATUS_RANK, ReviewItem, days_words, iso, owner_words

__all__ = ["FIELDS", "OUTPUT_FORMATS", "render_review", "summary_line"]

OUTPUT_FORMATS = ("text", "json", "csv", "github")
# The fields of every output format, in this order (json keys, csv columns).
FIELDS = ("kind", "id", "file", "line", "owner", "reviewed", "due", "status", "days_overdue")


def summary_line(items: list[ReviewItem]) -> str:
    """'3 overdue, 2 due within 14 days, 41 ok', with the never-reviewed count when there are any."""
    count = {status: sum(item.status == status for item in items) for status in STATUS_RANK}
    line = f"{count['overdue']} overdue, {count['due-soon']} due within {DUE_SOON_DAYS} days, {count['ok']} ok"
    return line + (f", {count['never']} never reviewed" if count["never"] else "")



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
        return f"overdue {days_words(item.days_overdue or 0)}"
    return item.status


def _text(items: list[ReviewItem], as_of: dt.date) -> str:
    header = ("STATUS", "DUE", "REVIEWED", "OWNER", "KIND", "ID", "WHERE")
    rows = [(_status_words(i), iso(i.due) or "-", iso(i.reviewed) or "-", i.owner or "-", i.kind, i.id,
             f"{i.file}:{i.line}") for i in items]
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    lines = [f"Review as of {as_of}"]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    lines.append(summary_line(items))
    return "\n".join(lines) + "\n"


def _csv(items: list[ReviewItem]) -> str:
    return csv_text(FIELDS, ([item.as_dict()[name] for name in FIELDS] for item in items))


def _github(items: list[ReviewItem]) -> str:
    """GitHub Actions annotations: overdue as warnings, due soon and never reviewed as notices."""
    lines = []
    for item in items:
        what = f"{item.kind} '{item.id}'"
        if item.status == "overdue":
            late = days_words(item.days_overdue or 0)
            level, text = "warning", f"{what} is {late} overdue for review (due {item.due})"
        elif item.status == "due-soon":
            level, text = "notice", f"{what} is due for review on {item.due}"
        elif item.status == "never":
            level, text = "notice", f"{what} has never been reviewed"
        else:
            continue
        lines.append(annotation(level, f"{text}; {owner_words(item.owner)}", file=item.file, line=item.line,
                                col=item.column, title=f"review-{item.status}"))
    lines.append(annotation("notice", summary_line(items), title="playbook review"))
    return "\n".join(lines) + "\n"
