"""CSV: one row per stage with every field, for any CRM or spreadsheet the other formats do not cover.

Lists of texts go in one cell, one item per line; lists of ids are joined with ", ". Text cells that a
spreadsheet would run as a formula get a leading apostrophe (csv_output.py; reps open this file in Excel).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..csv_output import csv_text
from ..i18n import checklist_labels
from ..model import Project, Stage
from ._stages import CrmStage, crm_stages

FILE = "stages.csv"

COLUMNS = (
    "position", "id", "name", "summary", "description", "probability", "max_days", "closed",
    "exit_criteria", "disqualify_when", "signals", "tools", "questions", "techniques", "settles",
    "challenges", "bottleneck",
)  # fmt: skip


def export(project: Project) -> tuple[dict[str, bytes], list[str]]:
    """The CSV is for any CRM, so it keeps the playbook's own names."""
    stages, notes = crm_stages(project, None)
    return render(stages, project.playbook.language), notes


def render(stages: list[CrmStage], language: str = "en") -> dict[str, bytes]:
    """UTF-8 with a byte order mark, so Excel reads Polish letters right; CRLF rows as RFC 4180 has them.
    The few words the file adds to the playbook's own ("evidence") are in ``language``."""
    evidence = checklist_labels(language)["evidence"].lower()
    rows = ([_row(stage, position, evidence)[column] for column in COLUMNS]
            for position, stage in enumerate(stages, start=1))
    return {FILE: csv_text(COLUMNS, rows).encode("utf-8-sig")}


def _row(stage: CrmStage, position: int, evidence: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        position=str(position),
        name=stage.name,
        probability=_number(stage.probability),
        max_days=_number(stage.max_days),
        closed=stage.closed or "",
    )
    if stage.source is not None:
        row.update(_fields(stage.source, evidence))
    return row


def _fields(stage: Stage, evidence: str) -> dict[str, str]:
    return {
        "id": stage.id,
        "summary": stage.summary,
        "description": stage.description or "",
        "exit_criteria": _lines(
            f"{c.text} ({evidence}: {c.evidence})" if c.evidence else c.text for c in stage.exit_criteria
        ),
        "disqualify_when": _lines(stage.disqualify_when),
        "signals": _lines(stage.signals),
        "tools": _lines(stage.tools),
        "questions": _lines(stage.questions),
        "techniques": ", ".join(stage.techniques),
        "settles": _lines(f"{framework}: {', '.join(ids)}" for framework, ids in stage.settles.items()),
        "challenges": _lines(f"{c.name}: {c.remedy}" for c in stage.challenges),
        "bottleneck": stage.bottleneck.description if stage.bottleneck else "",
    }


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
