"""HubSpot: the JSON body that creates a deal pipeline (POST /crm/v3/pipelines/deals)."""

from __future__ import annotations

import json

from ..errors import Diagnostic
from ..model import Project
from ._stages import CrmStage, crm_stages, duplicates, refuse, stage_error

FILE = "hubspot-pipeline.json"


def export(project: Project) -> tuple[dict[str, bytes], list[str]]:
    """The pipeline under the stages' HubSpot names; refused where HubSpot would refuse it."""
    stages, notes = crm_stages(project, "hubspot")
    refuse(check(project, stages))
    return render(project, stages), notes


def check(project: Project, stages: list[CrmStage]) -> list[Diagnostic]:
    """What HubSpot would reject or misread: duplicate labels and probabilities it cannot hold."""
    found = duplicates(project, stages, "hubspot-duplicate-label", "HubSpot")
    for stage in stages:
        if stage.probability is None:
            found.append(
                stage_error(
                    project, stage, "name", "hubspot-missing-probability",
                    f"HubSpot needs a probability for every deal stage; stage '{stage.name}' has none: "
                    "add 'probability' (0-100, a multiple of 10)",
                )
            )
        elif stage.probability % 10:
            found.append(
                stage_error(
                    project, stage, "probability", "hubspot-probability-step",
                    f"HubSpot deal stage probabilities go in steps of 10 (0.0 to 1.0 by 0.1); "
                    f"{stage.probability} is not one of them",
                )
            )
        elif not stage.is_closed and stage.probability in (0, 100):
            found.append(
                stage_error(
                    project, stage, "probability", "hubspot-open-stage-probability",
                    f"HubSpot treats a deal stage with probability {stage.probability} as closed "
                    f"{'won' if stage.probability else 'lost'}; stage '{stage.name}' is open: "
                    "give it a probability between 10 and 90, or mark it 'closed'",
                )
            )
    return found


def render(project: Project, stages: list[CrmStage]) -> dict[str, bytes]:
    body = {
        "label": project.playbook.title,
        "displayOrder": 0,
        "stages": [_stage(stage, order) for order, stage in enumerate(stages)],
    }
    return {FILE: (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")}


def _stage(stage: CrmStage, order: int) -> dict[str, object]:
    assert stage.probability is not None  # check() refuses stages without one
    return {
        "label": stage.name,
        "displayOrder": order,
        # HubSpot keeps stage metadata as strings: "0.2", "true".
        "metadata": {
            "probability": f"{stage.probability / 100:.1f}",
            "isClosed": "true" if stage.is_closed else "false",
        },
    }
