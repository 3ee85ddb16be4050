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


Plan = tuple[list[tuple[str, int]], str, str]


def _entries(rng: random.Random, number: int, plan: Plan) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """A made-up deal's row (as for HubSpot) and its entries in time order: (stage, 'YYYY-MM-DD HH:MM')."""
    opens, won, lost = plan
    row = _deal(rng, number, opens, won, lost)
    names = [*(n for n, _ in opens), won, lost]
    entries = sorted(((name, row[f'Date entered "{name} ({PIPELINE})"']) for name in names
                      if row.get(f'Date entered "{name} ({PIPELINE})"')), key=lambda e: e[1])
    return row, entries


def _iso(when: str, fraction: str = "") -> str:
    return when.replace(" ", "T") + f":00{fraction}Z"


def write_history_csv(path: Path, rows: int, seed: int = 16, root: Path = REPO) -> Path:
    """Our csv format, one row per entry into a stage, about ``rows`` rows (whole deals)."""
    plan, rng = stage_plan(root), random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["deal_id", "stage", "entered_at", "amount", "currency", "name"])
        written, number = 0, 0
        while written < rows:
            number += 1
            row, entries = _entries(rng, number, plan)
            for stage, when in entries:
                writer.writerow([row["Record ID"], stage, _iso(when), row["Amount"], "PLN", row["Deal Name"]])
            written += len(entries)
    return path


DATA_EXPORT = ["ID", "OPPORTUNITYID", "CREATEDBYID", "CREATEDDATE", "STAGENAME", "AMOUNT", "EXPECTEDREVENUE",
               "CLOSEDATE", "PROBABILITY", "FORECASTCATEGORY", "SYSTEMMODSTAMP", "ISDELETED", "CURRENCYISOCODE"]


def write_salesforce_history(path: Path, deals: int, seed: int = 16, root: Path = REPO) -> Path:
    """OpportunityHistory as Salesforce's weekly Data Export writes it: capitals, every cell quoted, a Windows code
    page (Windows-1250 here: the Polish playbook's stage names must survive it),
    extra columns, a row per change (a stage is repeated when the amount changes), rows unsorted within each
    block of a thousand deals."""
    plan, rng = stage_plan(root), random.Random(seed)
    with open(path, "w", encoding="cp1250", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(DATA_EXPORT)
        block: list[list[str]] = []
        for number in range(1, deals + 1):
            row, entries = _entries(rng, number, plan)
            changes = [*entries]
            if entries and rng.random() < 0.6:  # an amount change inside a stage repeats the stage
                stage, when = entries[rng.randrange(len(entries))]
                changes.append((stage, when[:-2] + "59"))
            for k, (stage, when) in enumerate(changes):
                block.append([f"008{number:09d}{k}", f"006{number:012d}", "005Ren\u00e9e", _iso(when, ".000"), stage,
                              row["Amount"], "", "2025-12-31", "", "Pipeline", _iso(when, ".000"), "0", "PLN"])
            if number % 1000 == 0 or number == deals:
                rng.shuffle(block)
                writer.writerows(block)
                block = []
    return path


def write_field_history(path: Path, deals: int, seed: int = 16, root: Path = REPO) -> Path:
    """OpportunityFieldHistory: per deal a 'created' row, a row per stage change (old and new value), and a change
    of another field."""
    plan, rng = stage_plan(root), random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["Id", "OpportunityId", "CreatedById", "CreatedDate", "Field", "DataType", "OldValue",
                         "NewValue", "IsDeleted"])
        for number in range(1, deals + 1):
            _, entries = _entries(rng, number, plan)
            deal = f"006{number:012d}"
            if not entries:
                continue
            writer.writerow([f"017{number}c", deal, "005", _iso(entries[0][1], ".000"), "created", "", "", "", "false"])
            for (old, _), (new, when) in zip(entries, entries[1:], strict=False):
                writer.writerow([f"017{number}{new[:3]}", deal, "005", _iso(when, ".000"), "StageName", "Picklist", old,
                                 new, "false"])
            writer.writerow([f"017{number}a", deal, "005", _iso(entries[-1][1], ".000"), "Amount", "Currency", "100",
                             "200", "false"])
    return path


def write_snapshot(path: Path, deals: int, seed: int = 16, root: Path = REPO) -> Path:
    """A list export, one row per deal: its current stage, status, created and closed dates (Pipedrive's names)."""
    plan, rng = stage_plan(root), random.Random(seed)
    _, won, lost = plan
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["ID", "Title", "Stage", "Status", "Value", "Currency", "Deal created", "Deal closed on",
                         "Owner"])
        for number in range(1, deals + 1):
            row, entries = _entries(rng, number, plan)
            stage, when = entries[-1]
            status = "won" if stage == won else "lost" if stage == lost else "open"
            shown = entries[-2][0] if status != "open" and len(entries) > 1 else stage
            writer.writerow([row["Record ID"], row["Deal Name"], shown, status, row["Amount"], "PLN", entries[0][1],
                             when if status != "open" else "", row["Deal owner"]])
    return path


WRITERS = {"hubspot": write_hubspot_export, "csv": write_history_csv, "salesforce": write_salesforce_history,
           "salesforce-field": write_field_history, "snapshot": write_snapshot}


if __name__ == "__main__":
    print(write_hubspot_export(SAMPLE_FILE, 400).relative_to(REPO))
