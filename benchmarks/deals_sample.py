"""Synthetic HubSpot-shaped deal exports (SAMPLE data, fixed seed) for trying and measuring `playbookgen health`.

Run ``python benchmarks/deals_sample.py`` to regenerate ``examples/sample-deals-hubspot.csv`` for the
repository's default playbook; ``benchmarks/health.py`` uses ``write_hubspot_export`` for its big files.
Every deal is made up: names read "SAMPLE deal NNNNN (synthetic)".
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

SAMPLE_FILE = REPO / "examples" / "sample-deals-hubspot.csv"
PIPELINE = "Sample pipeline"
AS_OF = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)
OWNERS = ("Anna Nowak", "Piotr Kowalski", "Maria Wiśniewska", "Jan Wójcik")
EXTRA = ("Deal owner", "Deal Type", "Priority", "Create Date", "Close Date", "Last Activity Date", "Associated Company",
         "Forecast category")


def stage_plan(root: Path = REPO) -> tuple[list[tuple[str, int]], str, str]:
    """(name, max_days) of the playbook's open stages, and its won and lost stage names."""
    from playbookgen.crm import crm_name
    from playbookgen.i18n import CLOSED_STAGE_NAMES
    from playbookgen.project import load_project

    project, _ = load_project(root)
    opens = [(crm_name(s, "hubspot"), s.max_days or 30) for s in project.stages if s.closed is None]
    closed = {s.closed: crm_name(s, "hubspot") for s in project.stages if s.closed}
    names = CLOSED_STAGE_NAMES[project.playbook.language]
    return opens, closed.get("won", names["won"]), closed.get("lost", names["lost"])


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")  # as HubSpot writes date-times in an export


def _deal(rng: random.Random, number: int, opens: list[tuple[str, int]], won: str, lost: str) -> dict[str, str]:
    """One made-up deal walking the pipeline: it may skip a stage, stall, be lost, or be won."""
    start = AS_OF - timedelta(days=rng.uniform(1, 365))
    row = {"Record ID": str(100000 + number), "Deal Name": f"SAMPLE deal {number:05d} (synthetic)"}
    entered: dict[str, datetime] = {}
    moment, current = start, opens[0][0]
    for i, (name, max_days) in enumerate(opens):
        if i and rng.random() < 0.07:
            continue  # skipped straight past this stage
        entered[name] = moment
        current = name
        moment += timedelta(days=rng.expovariate(1 / (max_days * 0.6)))
        if moment > AS_OF:
            break
        if rng.random() < 0.12:
            entered[lost], current = moment, lost
            break
    else:
        outcome = won if rng.random() < 0.75 else lost
        entered[outcome], current = moment, outcome
    row.update({
        "Deal Stage": current, "Pipeline": PIPELINE, "Amount": str(rng.randrange(20, 900) * 100),
        "Currency": "PLN", "Deal owner": rng.choice(OWNERS),
        "Deal Type": rng.choice(("New Business", "Existing Business")),
        "Priority": rng.choice(("Low", "Medium", "High")), "Create Date": _when(start),
        "Close Date": _when(entered[current]) if current in (won, lost) else "",
        "Last Activity Date": _when(min(AS_OF, max(entered.values()) + timedelta(days=2))),
        "Associated Company": f"Sample Company {rng.randrange(1, 400)}", "Forecast category": "Pipeline",
    })
    for name, moment in entered.items():
        row[f'Date entered "{name} ({PIPELINE})"'] = _when(moment)
    return row


def write_hubspot_export(path: Path, deals: int, seed: int = 16, root: Path = REPO) -> Path:
    """A HubSpot deals export of ``deals`` made-up deals for the playbook in ``root``."""
    opens, won, lost = stage_plan(root)
    rng = random.Random(seed)
    dated = [f'Date entered "{name} ({PIPELINE})"' for name in [*(n for n, _ in opens), won, lost]]
    header = ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Currency", *EXTRA, *dated]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, restval="", lineterminator="\r\n")
        writer.writeheader()
        for number in range(1, deals + 1):
            writer.writerow(_deal(rng, number, opens, won, lost))
    return path


if __name__ == "__main__":
    print(write_hubspot_export(SAMPLE_FILE, 400).relative_to(REPO))
