"""The stages a CRM sees: the playbook's stages plus the closed won/lost stages every CRM needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..crm import crm_name
from ..errors import Diagnostic, ValidationFailed, error, sort_diagnostics
from ..i18n import CLOSED_STAGE_NAMES
from ..model import Project, Stage

Outcome = Literal["won", "lost"]

CLOSED_PROBABILITY: dict[Outcome, int] = {"won": 100, "lost": 0}


@dataclass(frozen=True)
class CrmStage:
    """One stage as a CRM sees it; ``source`` is None for a closed stage the export appended."""

    name: str
    probability: int | None
    max_days: int | None
    closed: Outcome | None
    source: Stage | None

    @property
    def is_closed(self) -> bool:
        return self.closed is not None

    @property
    def won(self) -> bool:
        return self.closed == "won"


def playbook_stages(project: Project, crm: str | None = None) -> list[CrmStage]:
    """The playbook's own stages in pipeline order, closed ones included, nothing added."""
    return [_from_stage(stage, crm) for stage in project.stages]


def crm_stages(project: Project, crm: str | None = None) -> tuple[list[CrmStage], list[str]]:
    """Stages in pipeline order, then a won and a lost stage if the playbook marks none; plus notes."""
    stages = playbook_stages(project, crm)
    notes = []
    defined = {stage.closed for stage in stages}
    names = CLOSED_STAGE_NAMES[project.playbook.language]
    for outcome in ("won", "lost"):
        if outcome not in defined:
            name = names[outcome]
            stages.append(CrmStage(name, CLOSED_PROBABILITY[outcome], None, outcome, None))
            notes.append(
                f"no stage is marked 'closed: {outcome}'; the export adds a closed {outcome} stage "
                f"'{name}' (probability {CLOSED_PROBABILITY[outcome]}) at the end"
            )
    return stages, notes


def _from_stage(stage: Stage, crm: str | None) -> CrmStage:
    probability = stage.probability
    if probability is None and stage.closed is not None:
        probability = CLOSED_PROBABILITY[stage.closed]
    return CrmStage(crm_name(stage, crm), probability, stage.max_days, stage.closed, stage)


def where(project: Project, stage: CrmStage, *path: str | int) -> tuple[str, int, int]:
    """File, line and column to blame for ``stage``: its own field, or playbook.yml for an appended one."""
    if stage.source is None:
        file = "playbook/playbook.yml"
        line, column = project.locate(file, "stages")
    else:
        file = project.stage_file(stage.source.id)
        line, column = project.locate(file, *path)
    return file, line, column


def stage_error(project: Project, stage: CrmStage, field: str, code: str, message: str) -> Diagnostic:
    """A diagnostic at ``field`` of ``stage``, explaining an appended stage's origin when it has no file."""
    file, line, column = where(project, stage, field)
    if stage.source is None:
        message += f" (the closed stage '{stage.name}' is added by the export because no stage is marked closed)"
    return error(file, line, column, code, message)


def duplicates(project: Project, stages: list[CrmStage], code: str, crm: str) -> list[Diagnostic]:
    """Stages whose names equal an earlier stage's name, ignoring case."""
    seen: dict[str, CrmStage] = {}
    found = []
    for stage in stages:
        first = seen.setdefault(stage.name.casefold(), stage)
        if first is stage:
            continue
        if stage.source is None:
            # The clash is with a stage we add: the fix is in the user's stage, so point there.
            found.append(
                stage_error(
                    project, first, "name", code,
                    f"{crm} needs unique stage names (case does not count): the export adds a closed "
                    f"{stage.closed} stage named '{stage.name}' because no stage is marked closed; mark this "
                    f"stage 'closed: {stage.closed}' if it is that stage, or rename it",
                )
            )
        else:
            found.append(
                stage_error(
                    project, stage, "name", code,
                    f"{crm} needs unique stage names (case does not count): '{stage.name}' "
                    f"is already the name of stage '{first.source.id if first.source else first.name}'",
                )
            )
    return found


def refuse(diagnostics: list[Diagnostic]) -> None:
    """What the CRM would refuse ends the export, every problem listed."""
    if diagnostics:
        raise ValidationFailed(sort_diagnostics(diagnostics))
