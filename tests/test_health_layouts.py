"""What every export layout hands the metrics: the ``deals`` table's columns, including where each deal
began (``first_pos``), worked out by hand on small files in each CRM's shape."""

from __future__ import annotations

from pathlib import Path

from playbookgen.health.formats import stage_map
from playbookgen.health.layouts import load_deals
from playbookgen.health.source import resolve_request
from playbookgen.health.sql import connect
from playbookgen.project import load_project
from test_health import HISTORY, csv_text, day, hubspot_csv, our_csv, pipedrive_csv, project_with  # noqa: F401

# The story's deals begin in stage A (position 1), except the mid-pipeline ones added here:
# d6 begins in C (3) and moves on to D (4); d7 begins in B (2), in the file after a later row of its own.
MID = [("d6", "Stage C", 1, "100", "PLN"), ("d6", "Stage D", 3, "100", "PLN"),
       ("d7", "Stage C", 9, "50", "PLN"), ("d7", "Stage B", 2, "50", "PLN")]  # fmt: skip
FIRST = {"d1": 1, "d2": 1, "d3": 1, "d4": 1, "d5": 1, "d6": 3, "d7": 2}


def deals_table(root: Path, fmt: str) -> dict[str, dict[str, object]]:
    project, _ = load_project(root)
    request = resolve_request(project, str(root / "deals.csv"), fmt, "2024-02-10")
    request = type(request)(**{**request.__dict__, "list_stalled": True})
    con = connect(root)
    load_deals(con, request, stage_map(project, fmt), root)
    cursor = con.execute("SELECT * FROM deals")
    names = [d[0] for d in cursor.description]
    return {str(row[0]).removeprefix("006").replace("9", "d", 1): dict(zip(names, row, strict=True))
            for row in cursor.fetchall()}


def test_history_layout_says_where_each_deal_began(project_with) -> None:  # noqa: F811
    deals = deals_table(project_with(our_csv([*HISTORY, *MID])), "csv")
    assert {d: row["first_pos"] for d, row in deals.items()} == FIRST
    assert deals["d7"]["current_pos"] == 3 and deals["d7"]["max_open_pos"] == 3
    assert deals["d6"]["created_ms"] is None and deals["d6"]["closed_ms"] is None


def test_hubspot_layout_says_where_each_deal_began(project_with) -> None:  # noqa: F811
    deals = deals_table(project_with(hubspot_csv([*HISTORY, *MID])), "hubspot")
    assert {d: row["first_pos"] for d, row in deals.items()} == FIRST


def test_snapshot_layout_has_created_and_closed_but_no_beginning(project_with) -> None:  # noqa: F811
    deals = deals_table(project_with(pipedrive_csv()), "pipedrive")
    ms = {d: (row["first_pos"], row["created_ms"], row["closed_ms"]) for d, row in deals.items()}
    assert ms["1"] == (None, _ms(0), _ms(30))
    assert ms["2"] == (None, _ms(0), _ms(10))
    assert ms["3"] == (None, _ms(5), None)


def _ms(n: float) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(day(n)).timestamp() * 1000)


_ = csv_text
