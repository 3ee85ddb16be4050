"""Pipedrive: stage objects for the Stages API (POST /v1/stages, one call per stage, pipeline_id added by the user)."""

from __future__ import annotations

import json

from ..model import Project
from ._stages import CrmStage, playbook_stages

FILE = "pipedrive-stages.json"


def export(project: Project) -> tuple[dict[str, bytes], list[str]]:
    """The open stages under their Pipedrive names, and a note naming the closed stages left out."""
    stages = playbook_stages(project, "pipedrive")
    notes = []
    if closed := left_out(stages):
        notes.append(
            "Pipedrive closes a deal by marking it won or lost, not by a stage; left out the closed "
            f"stage(s): {', '.join(closed)}"
        )
    return render(stages), notes


def render(stages: list[CrmStage]) -> dict[str, bytes]:
    """Open stages only: Pipedrive closes a deal by marking it won or lost, not by moving it to a stage."""
    body = [_stage(stage, order) for order, stage in enumerate((s for s in stages if not s.is_closed), start=1)]
    return {FILE: (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def left_out(stages: list[CrmStage]) -> list[str]:
    """Names of the playbook's own closed stages, which Pipedrive has no stage for."""
    return [stage.name for stage in stages if stage.is_closed and stage.source is not None]


def _stage(stage: CrmStage, order: int) -> dict[str, object]:
    fields: dict[str, object] = {"name": stage.name, "order_nr": order}
    if stage.probability is not None:
        fields["deal_probability"] = stage.probability
    fields["rotten_flag"] = stage.max_days is not None
    if stage.max_days is not None:
        fields["rotten_days"] = stage.max_days
    return fields
