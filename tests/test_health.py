"""`playbookgen health`: small hand-made deal histories with answers worked out by hand, in each CRM's
export format, through the library and through the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, build_file_tree, run_cli
from playbookgen.health import analyse, resolve_request
from playbookgen.project import load_project

# Four open stages; no closed stage, so the won and lost stages are the export's "Closed Won"/"Closed Lost".
PLAYBOOK = {
    "playbook/playbook.yml": """
        title: Health test
        language: en
        stages: [a, b, c, d]
    """,
    **{
        f"stages/{i}-{sid}.yml": f"""
            id: {sid}
            name: Stage {sid.upper()}
            summary: Stage {sid}.
            probability: {prob}
            {'max_days: ' + str(limit) if limit else ''}
            exit_criteria: [Done]
        """
        for i, (sid, prob, limit) in enumerate([("a", 20, 10), ("b", 50, 5), ("c", 70, None), ("d", 90, 7)], start=1)
    },
}

START = datetime(2024, 1, 1, tzinfo=UTC)
AS_OF = "2024-02-10"  # day 40

# The story, in days from 1 January 2024 (deal, stage, day, amount, currency):
# d1 A0 B10 A12 B15 C20 Won30 (re-enters A and B), d2 A0 C4 Lost10 (skips B), d3 A5 B6 (open in B, stalled),
# d4 A30 (open in A, 10 days: not over A's 10), d5 A0 Won20 (skips B, C, D: D is reached but has no stays).
HISTORY = [
    ("d1", "Stage A", 0, "1000", "PLN"), ("d1", "Stage B", 10, "1000", "PLN"), ("d1", "Stage A", 12, "1000", "PLN"),
    ("d1", "Stage B", 15, "1000", "PLN"), ("d1", "Stage C", 20, "1000", "PLN"), ("d1", "Closed Won", 30, "1000", "PLN"),
    ("d2", "Stage A", 0, "500", "PLN"), ("d2", "Stage C", 4, "500", "PLN"), ("d2", "Closed Lost", 10, "500", "PLN"),
    ("d3", "Stage A", 5, "", "PLN"), ("d3", "Stage B", 6, "", "PLN"),
    ("d4", "Stage A", 30, "200", "PLN"),
    ("d5", "Stage A", 0, "3000", "PLN"), ("d5", "Closed Won", 20, "3000", "PLN"),
]  # fmt: skip

COUNTS = {  # stage -> reached, converted, open, stalled, win_rate
    "a": (5, 4, 1, 0, 2 / 3), "b": (4, 3, 1, 1, 2 / 3), "c": (3, 2, 0, None, 2 / 3), "d": (2, 2, 0, 0, 1.0),
}
# Days in stage, Kaplan-Meier (docs/health.md): ended stays per deal, and the open ones censored at as-of (day 40).
# A: ended d3 1, d2 4, d1 10+3, d5 20, and d4 open 10 (censored): S = 4/5 at 1, x 3/4 = 0.6 at 4, 10 leaves the
#    risk set, x 1/2 = 0.3 at 13 (median 13), x 0 at 20 (p90 20).
# B: ended d1 2+5 = 7, d3 open 34: S = 1/2 at 7 (median 7) and never lower, so no p90.
# C: ended d2 6, d1 10: S = 1/2 at 6, 0 at 10. D: no stays.
DAYS = {"a": (13.0, 20.0), "b": (7.0, None), "c": (6.0, 10.0), "d": (None, None)}
TOTALS = {
    "deals": 5, "open": 2, "won": 2, "lost": 1, "win_rate": 2 / 3, "avg_won_amount": 2000.0, "currency": "PLN",
    "mean_cycle_days": 25.0, "median_cycle_days": 25.0, "velocity_per_day": 2 * (2 / 3) * 2000 / 25,
}  # fmt: skip


def day(n: float, fmt: str = "%Y-%m-%dT%H:%M:%SZ") -> str:
    return (START + timedelta(days=n)).strftime(fmt)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value

    return "\r\n".join(",".join(cell(v) for v in row) for row in [header, *rows]) + "\r\n"


def our_csv(history: list[tuple[str, str, float, str, str]] = HISTORY) -> str:
    rows = [[deal, stage, day(d), amount, cur, f"Deal {deal}"] for deal, stage, d, amount, cur in history]
    return csv_text(["deal_id", "stage", "entered_at", "amount", "currency", "name"], rows)


def salesforce_csv() -> str:
    """OpportunityHistory: a row per change; d1 and d3 change amount or close date inside a stage."""
    rows = []
    for deal, stage, d, amount, cur in HISTORY:
        rows.append([f"006{deal}", stage, day(d, "%Y-%m-%dT%H:%M:%S.000+0000"), amount, cur])
        if (deal, stage, d) in (("d1", "Stage B", 10), ("d3", "Stage B", 6)):
            rows.append([f"006{deal}", stage, day(d + 1, "%Y-%m-%dT%H:%M:%S.000+0000"), amount, cur])
    return csv_text(["OpportunityId", "StageName", "CreatedDate", "Amount", "CurrencyIsoCode"], rows)


HUBSPOT_STAGES = ["Stage A", "Stage B", "Stage C", "Stage D", "Closed Won", "Closed Lost"]


def hubspot_csv(history: list[tuple[str, str, float, str, str]], header_style: str = 'double') -> str:
    """One row per deal, the latest entry per stage (HubSpot keeps no more), times as HubSpot writes them."""
    def dated(label: str, i: int) -> str:
        styles = {"double": f'Date entered "{label} (Sales Pipeline)"', "single": f"Date entered '{label}'",
                  "bare": f"Date entered {label}"}
        return styles[header_style] if header_style in styles else styles[("double", "single", "bare")[i % 3]]

    header = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Pipeline"] + [dated(s, i) for i, s in enumerate(HUBSPOT_STAGES)]
    deals: dict[str, dict[str, Any]] = {}
    for deal, stage, d, amount, _ in history:
        entry = deals.setdefault(deal, {"stage": stage, "amount": amount, "dates": {}})
        entry["stage"], entry["dates"][stage] = stage, day(d, "%Y-%m-%d %H:%M")
    rows = [[f"9{deal[1:]}", f"Deal {deal}", e["stage"], e["amount"] and f"{int(e['amount']):,}", "Sales Pipeline",
             *(e["dates"].get(s, "") for s in HUBSPOT_STAGES)] for deal, e in deals.items()]
    return csv_text(header, rows)


def pipedrive_csv() -> str:
    header = ["Deal - ID", "Deal - Title", "Deal - Stage", "Deal - Status", "Deal - Value", "Deal - Currency",
              "Deal - Deal created", "Deal - Last stage change", "Deal - Won time", "Deal - Lost time"]
    f = "%Y-%m-%d %H:%M:%S"
    rows = [
        ["1", "Deal d1", "Stage C", "won", "1000", "PLN", day(0, f), day(20, f), day(30, f), ""],
        ["2", "Deal d2", "Stage C", "lost", "500", "PLN", day(0, f), day(4, f), "", day(10, f)],
        ["3", "Deal d3", "Stage B", "open", "", "PLN", day(5, f), day(6, f), "", ""],
        ["4", "Deal d4", "Stage A", "open", "200", "PLN", day(30, f), "", "", ""],
        ["5", "Deal d5", "Stage A", "won", "3000", "PLN", day(0, f), "", day(20, f), ""],
    ]
    return csv_text(header, rows)


@pytest.fixture
def project_with(tmp_path: Path):
    """project_with(deals_text, extra files) -> project folder holding deals.csv beside the playbook."""

    def make(deals: str | bytes, extra: dict[str, str] | None = None) -> Path:
        root = build_file_tree(tmp_path / "project", dict(PLAYBOOK))
        build_file_tree(root, {"deals.csv": deals, **(extra or {})})
        return root

    return make


def health_json(root: Path, fmt: str, *extra: str) -> tuple[dict[str, Any], str, int]:
    result = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", fmt, "--format", "json", *extra)
    return (json.loads(result.stdout) if result.stdout else {}), result.stderr, result.exit_code


def assert_counts(data: dict[str, Any], history: bool = True) -> None:
    for stage in data["stages"]:
        reached, converted, open_, stalled, win_rate = COUNTS[stage["id"]]
        assert stage["open"] == open_, stage
        assert stage["stalled"] == stalled, stage
        if history:
            assert (stage["reached"], stage["converted"]) == (reached, converted), stage
            assert stage["conversion"] == pytest.approx(converted / reached)
            assert stage["win_rate"] == pytest.approx(win_rate)
        else:
            assert [stage[k] for k in ("reached", "converted", "conversion", "median_days", "p90_days", "win_rate")] == [None] * 6
    assert data["totals"] == pytest.approx(TOTALS)


def assert_days(data: dict[str, Any], days: dict[str, tuple[float | None, float | None]] = DAYS) -> None:
    for stage in data["stages"]:
        median, p90 = days[stage["id"]]
        assert stage["median_days"] == (None if median is None else pytest.approx(median)), stage
        assert stage["p90_days"] == (None if p90 is None else pytest.approx(p90)), stage


# --- every definition, in each format ----------------------------------------------------------


def test_our_csv_format_gives_every_definition(project_with) -> None:
    data, stderr, code = health_json(project_with(our_csv()), "csv", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["as_of"] == "2024-02-10T00:00:00Z"
    assert data["source"] == {"file": "deals.csv", "format": "csv", "rows": 14, "deals": 5, "skipped_rows": 0,
                              "encoding": "utf-8", "date_format": None}
    assert [s["id"] for s in data["stages"]] == ["a", "b", "c", "d"]
    assert [(s["max_days"], s["probability"]) for s in data["stages"]] == [(10, 20), (5, 50), (None, 70), (7, 90)]
    assert_counts(data)
    assert_days(data)


def test_salesforce_repeated_rows_of_a_stage_are_one_stay(project_with) -> None:
    data, stderr, code = health_json(project_with(salesforce_csv()), "salesforce", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["rows"] == 16 and data["source"]["deals"] == 5
    assert_counts(data)  # d3's stay in B starts at its first B row (day 6), so it is stalled all the same
    assert_days(data)


def test_hubspot_keeps_the_latest_entry_per_stage(project_with) -> None:
    # HubSpot holds one 'Date entered' per stage, so d1's re-entries are not in the export.
    plain = [h for h in HISTORY if not (h[0] == "d1" and h[2] in (12, 15))]
    data, stderr, code = health_json(project_with(hubspot_csv(plain)), "hubspot", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"] == {"file": "deals.csv", "format": "hubspot", "rows": 5, "deals": 5, "skipped_rows": 0,
                              "encoding": "utf-8", "date_format": None}
    assert data["totals"]["currency"] is None  # no Currency column: one currency, unnamed
    data["totals"]["currency"] = "PLN"
    assert_counts(data)
    # A: ended d3 1, d2 4, d1 10, d5 20, d4 open 10: at 10 the ended stay comes first (d4 still at risk), so
    # S = 4/5 · 3/4 · 2/3 = 0.4 at 10 (median 10) and 0 at 20. B: d1 10 ended, d3 open 34: S = 1/2 at 10, no p90.
    # C: d1 10, d2 6.
    assert_days(data, {"a": (10.0, 20.0), "b": (10.0, None), "c": (6.0, 10.0), "d": (None, None)})


@pytest.mark.parametrize("spelling", ["lower case", "spaces", "pipeline suffix", "mixed"])
def test_hubspot_deal_stage_in_any_spelling_gives_the_same_report(project_with, spelling: str) -> None:
    """'Deal Stage' as the playbook writes it is placed by an exact compare; any other spelling the playbook
    accepts (case, spaces, the pipeline in brackets) must land on the same stage, rows and figures alike."""
    plain = [h for h in HISTORY if not (h[0] == "d1" and h[2] in (12, 15))]
    written = hubspot_csv(plain)
    spell = {"lower case": lambda t: t.lower(), "spaces": lambda t: f"  {t} ",
             "pipeline suffix": lambda t: f"{t} (Sales Pipeline)"}
    rows = list(csv.reader(io.StringIO(written)))
    column = rows[0].index("Deal Stage")
    for i, row in enumerate(rows[1:]):
        how = spelling if spelling != "mixed" else list(spell)[i % len(spell)]
        row[column] = spell[how](row[column])
    expected, _, _ = health_json(project_with(written), "hubspot", "--as-of", AS_OF)
    data, stderr, code = health_json(project_with(csv_text(rows[0], rows[1:])), "hubspot", "--as-of", AS_OF)
    assert code == 0 and "[deals-" not in stderr, stderr
    assert data == expected


@pytest.mark.parametrize("style", ["double", "single", "bare", "mixed"])
def test_hubspot_date_entered_headers_in_every_quoting(project_with, style: str) -> None:
    plain = [h for h in HISTORY if not (h[0] == "d1" and h[2] in (12, 15))]
    data, stderr, code = health_json(project_with(hubspot_csv(plain, style)), "hubspot", "--as-of", AS_OF)
    assert code == 0, stderr
    assert [s["reached"] for s in data["stages"]] == [5, 4, 3, 2]


def test_pipedrive_snapshot_computes_what_it_can_and_says_what_needs_history(project_with) -> None:
    data, stderr, code = health_json(project_with(pipedrive_csv()), "pipedrive", "--as-of", AS_OF)
    assert code == 0, stderr
    assert_counts(data, history=False)
    assert "holds each deal's current stage but not its history" in stderr
    assert "reached, converted, conversion, median_days, p90_days, win_rate" in stderr
    root = project_with(pipedrive_csv())
    text = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "pipedrive")
    assert "Note: a pipedrive export holds each deal's current stage but not its history" in text.stdout


def test_pipedrive_statuses_in_any_case_read_the_same_and_a_bad_one_is_pointed_at(project_with) -> None:
    plain, _, _ = health_json(project_with(pipedrive_csv()), "pipedrive", "--as-of", AS_OF)
    written = pipedrive_csv().replace(",won,", ",Won,", 1).replace(",lost,", ", LOST ,").replace(",open,", ",Open,", 1)
    data, stderr, code = health_json(project_with(written), "pipedrive", "--as-of", AS_OF)
    assert code == 0, stderr
    assert (data["stages"], data["totals"]) == (plain["stages"], plain["totals"])
    bad = pipedrive_csv().replace(",open,", ",maybe,", 1)  # deal 3, on row 4; the status is column 4
    data, stderr, code = health_json(project_with(bad), "pipedrive", "--as-of", AS_OF)
    assert code == 1 and "deals.csv:4:4: error: 'Deal - Status': 'maybe' is not open, won or lost" in stderr
    assert data["totals"]["deals"] == plain["totals"]["deals"] - 1  # its row is skipped, the rest counted


def polish_statuses(text: str) -> str:
    """pipedrive_csv() with its statuses in the CRM's own (Polish) words, one of them spaced and capitalised."""
    return (text.replace(",won,", ",Wygrana,").replace(",lost,", ",przegrana,").replace(",open,", ", W TOKU ,", 1)
            .replace(",open,", ",otwarta,"))


def test_a_snapshots_statuses_in_the_crms_own_words_are_read_through_deals_statuses(project_with) -> None:
    plain, _, _ = health_json(project_with(pipedrive_csv()), "pipedrive", "--as-of", AS_OF)
    settings = PLAYBOOK["playbook/playbook.yml"] + """
        deals:
          file: deals.csv
          format: pipedrive
          as_of: 2024-02-10
          statuses:
            won: [Wygrana]
            lost: [Przegrana]
            open: [w toku, Otwarta]
    """
    root = project_with(polish_statuses(pipedrive_csv()), {"playbook/playbook.yml": settings})
    result = run_cli("health", root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert_counts(data, history=False)  # the story's counts, by hand: 2 open, 2 won, 1 lost
    assert (data["totals"]["deals"], data["totals"]["open"], data["totals"]["won"], data["totals"]["lost"]) == (5, 2, 2, 1)
    assert (data["stages"], data["totals"]) == (plain["stages"], plain["totals"])
    # Without the words, each row is pointed at, and the message says where the words go.
    data, stderr, code = health_json(project_with(polish_statuses(pipedrive_csv())), "pipedrive", "--as-of", AS_OF)
    assert code == 1 and data["totals"]["deals"] == 0
    assert ("deals.csv:2:4: error: 'Deal - Status': 'Wygrana' is not open, won or lost (if the CRM writes them in "
            "other words, list those in deals.statuses in playbook.yml)") in stderr


@pytest.mark.parametrize(("header", "f"), [
    (["deal_id", "name", "stage", "amount", "currency", "created", "Last stage change", "closed"], "%Y-%m-%d %H:%M:%S"),
    # A Salesforce opportunities report, as its export names the columns and writes the times (month first)
    (["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Opportunity Currency", "Created Date",
      "Last Stage Change Date", "Close Date"], "%m/%d/%Y %I:%M %p"),
])
def test_a_snapshot_without_a_status_column_reads_each_deals_status_off_its_stage(project_with, header: list[str],
                                                                                   f: str) -> None:
    # A list export (a Salesforce opportunities report) has no status: the stage says Closed Won or Closed
    # Lost. The story of pipedrive_csv(), so the same figures: 2 open, 2 won, 1 lost.
    plain, _, _ = health_json(project_with(pipedrive_csv()), "pipedrive", "--as-of", AS_OF)
    rows = [["1", "Deal d1", "Closed Won", "1000", "PLN", day(0, f), day(20, f), day(30, f)],
            ["2", "Deal d2", "Closed Lost", "500", "PLN", day(0, f), day(4, f), day(10, f)],
            ["3", "Deal d3", "Stage B", "", "PLN", day(5, f), day(6, f), ""],
            ["4", "Deal d4", "Stage A", "200", "PLN", day(30, f), "", ""],
            ["5", "Deal d5", "Closed Won", "3000", "PLN", day(0, f), "", day(20, f)]]
    text = csv_text(header, rows)
    data, stderr, code = health_json(project_with(text), "snapshot", "--as-of", AS_OF)
    assert code == 0, stderr
    assert "the file has no status column, so a deal's status is read off its stage" in stderr
    assert_counts(data, history=False)
    assert (data["totals"]["deals"], data["totals"]["open"], data["totals"]["won"], data["totals"]["lost"]) == (5, 2, 2, 1)
    assert data["totals"] == plain["totals"]
    assert [(s["open"], s["stalled"]) for s in data["stages"]] == [(s["open"], s["stalled"]) for s in plain["stages"]]


@pytest.mark.parametrize(("words", "at", "said"), [
    ("won: [Wygrana]\n            lost: [WYGRANA]", "10:12",
     "'WYGRANA' is listed under both won and lost; a word means one status"),
    ("won: [Lost]", "9:11", "'Lost' is the status lost itself; it cannot also mean won"),
])
def test_a_status_word_that_means_two_statuses_is_one_error_where_it_is_written(project_with, words: str, at: str,
                                                                                  said: str) -> None:
    # playbook.yml as written: title, language, stages, a blank line, then deals: on line 5 and its
    # statuses' lists on lines 9 and 10.
    settings = PLAYBOOK["playbook/playbook.yml"] + f"""
        deals:
          file: deals.csv
          format: pipedrive
          statuses:
            {words}
    """
    root = project_with(pipedrive_csv(), {"playbook/playbook.yml": settings})
    result = run_cli("validate", root)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stdout.count("error:") == 1, result.stdout
    assert f"playbook/playbook.yml:{at}: error: {said} [deals-status-twice]" in result.stdout, result.stdout


def test_as_of_defaults_to_the_latest_time_in_the_file(project_with) -> None:
    data, _, code = health_json(project_with(our_csv()), "csv")
    assert code == 0
    assert data["as_of"] == "2024-01-31T00:00:00Z"  # d1 won on day 30 and d4 entered A on day 30
    assert [s["stalled"] for s in data["stages"]] == [0, 1, None, 0]  # d3: 24 days in B, over its 5


def test_an_empty_stage_has_null_figures_never_zero(project_with) -> None:
    only_a = [("d1", "Stage A", 0, "", ""), ("d2", "Stage A", 1, "", "")]
    data, _, code = health_json(project_with(our_csv(only_a)), "csv")
    assert code == 0
    b = data["stages"][1]
    assert (b["reached"], b["converted"], b["conversion"], b["median_days"], b["win_rate"]) == (0, 0, None, None, None)
    assert data["totals"]["win_rate"] is None and data["totals"]["avg_won_amount"] is None
    assert data["totals"]["mean_cycle_days"] is None and data["totals"]["velocity_per_day"] is None


def test_mixed_currencies_are_never_added_up(project_with) -> None:
    mixed = [h if h[0] != "d5" else (*h[:4], "EUR") for h in HISTORY]
    data, stderr, code = health_json(project_with(our_csv(mixed)), "csv", "--as-of", AS_OF)
    assert code == 0
    assert data["totals"]["avg_won_amount"] is None and data["totals"]["velocity_per_day"] is None
    assert data["totals"]["currency"] is None
    assert "deals.csv:1:1: warning: the deals are in 2 currencies (EUR, PLN)" in stderr and "[deals-mixed-currency]" in stderr


def test_hubspot_currency_as_written_is_one_currency_per_code(project_with) -> None:
    """HubSpot's 'Currency' cells are compared trimmed and in capitals: ' pln', 'PLN' and 'Pln ' are one."""
    plain = [h for h in HISTORY if not (h[0] == "d1" and h[2] in (12, 15))]
    rows = list(csv.reader(io.StringIO(hubspot_csv(plain))))
    header = [*rows[0], "Currency"]

    def with_currency(codes: list[str]) -> str:
        return csv_text(header, [[*row, codes[i % len(codes)]] for i, row in enumerate(rows[1:])])

    expected, _, _ = health_json(project_with(hubspot_csv(plain)), "hubspot", "--as-of", AS_OF)
    data, stderr, code = health_json(project_with(with_currency([" pln", "PLN", "Pln "])), "hubspot", "--as-of", AS_OF)
    assert code == 0 and "[deals-mixed-currency]" not in stderr, stderr
    assert data["totals"]["currency"] == "PLN"
    assert data["totals"]["avg_won_amount"] == expected["totals"]["avg_won_amount"] is not None
    data, stderr, _ = health_json(project_with(with_currency([" pln", "eur", "PLN"])), "hubspot", "--as-of", AS_OF)
    assert "the deals are in 2 currencies (EUR, PLN)" in stderr and data["totals"]["avg_won_amount"] is None


def test_a_chosen_currency_averages_that_currency_only(project_with) -> None:
    mixed = [h if h[0] != "d5" else (*h[:4], "EUR") for h in HISTORY]
    root = project_with(our_csv(mixed), {"playbook/playbook.yml": PLAYBOOK["playbook/playbook.yml"] + """
        deals:
          file: deals.csv
          format: csv
          currency: pln
          as_of: 2024-02-10
    """})
    result = run_cli("health", root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    totals = json.loads(result.stdout)["totals"]
    assert (totals["avg_won_amount"], totals["currency"]) == (1000.0, "PLN")
    assert totals["velocity_per_day"] == pytest.approx(2 * (2 / 3) * 1000 / 25)


def test_text_and_csv_outputs(project_with) -> None:
    root = project_with(our_csv())
    text = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", AS_OF)
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert lines[0] == "Pipeline health as of 2024-02-10 00:00 UTC"
    row_b = next(line for line in lines if line.startswith("Stage B"))
    # Reached 4, 75% on, median 7 with no p90 (d3's open stay keeps the curve at 1/2), 1 ended and 1 open stay,
    # max 5, 1 open, 1 stalled; then the win-rate table: 3 closed, 2 won, 67% in the Wilson interval 21%–94%.
    assert row_b.split() == ["Stage", "B", "4", "75%", "7.0", "-", "-", "1", "1", "5", "1", "1"]
    wins_b = [line for line in lines if line.startswith("Stage B")][1]
    assert wins_b.split() == ["Stage", "B", "3", "2", "67%", "[21%–94%]", "50%"]
    assert "  Stage B: probability: not enough data yet (3 of 30 closed deals); max_days: not enough data yet " \
           "(1 of 30 ended stays)" in lines
    assert "Deals: 5 (2 open, 2 won, 1 lost); win rate 67%" in text.stdout
    assert "SAMPLE" not in text.stdout  # real deals are not labelled as a sample
    table = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", AS_OF, "--format", "csv")
    rows = table.stdout.splitlines()
    assert rows[0] == ("id,name,reached,converted,conversion,median_days,p90_days,p90_low_days,p90_high_days,"
                       "ended_stays,open_stays,open,stalled,max_days,suggested_max_days,won,closed,win_rate,"
                       "win_rate_low,win_rate_high,probability,suggested_probability")
    low, high = rows[3].split(",")[18:20]
    assert rows[3] == f"c,Stage C,3,2,0.6666666666666666,6.0,10.0,10.0,10.0,2,0,0,,,,2,3,0.6666666666666666,{low},{high},70,"
    assert (round(float(low), 3), round(float(high), 3)) == (0.208, 0.939)  # Wilson, 2 of 3: worked in docs/health.md


def test_crm_names_match_before_the_stage_name(project_with) -> None:
    root = project_with(salesforce_csv().replace("Stage B", "Qualification"),
                        {"stages/2-b.yml": PLAYBOOK["stages/2-b.yml"].rstrip() + "\n            crm: {salesforce: qualification}\n"})
    data, stderr, code = health_json(root, "salesforce", "--as-of", AS_OF)
    assert code == 0, stderr
    assert_counts(data)


def test_columns_map_a_teams_own_headers(project_with) -> None:
    text = our_csv().replace("deal_id,stage,entered_at", "ID szansy,Etap,Data wejścia", 1)
    root = project_with(text, {"playbook/playbook.yml": PLAYBOOK["playbook/playbook.yml"] + """
        deals:
          file: deals.csv
          format: csv
          as_of: 2024-02-10
          columns: {deal_id: ID szansy, stage: Etap, entered_at: Data wejścia}
    """})
    result = run_cli("health", root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert_counts(json.loads(result.stdout))


def test_timestamps_and_amounts_in_the_ways_exports_write_them(project_with) -> None:
    # Deal i enters A on 1 + i January (in its own way of writing it) with its own way of writing 1234.50,
    # and is won on 20 January: cycles of 19 down to 12 days, every amount the same.
    times = ["2024-01-01", "2024-01-02T00:00", "2024-01-03 00:00:00", "2024-01-04T02:00:00+02:00",
             "2024-01-05T00:00:00.000Z", "01/06/2024", "1/7/2024 12:00 AM", "08.01.2024"]
    amounts = ["1,234.50", "$1,234.50", "1 234,50 zł", "PLN 1.234,50", "1234.5", "1.234,50", "€ 1234,50", "1\u00a0234.50"]
    rows = []
    for i, (t, a) in enumerate(zip(times, amounts, strict=True)):
        rows += [[f"x{i}", "Stage A", t, a, "", ""], [f"x{i}", "Closed Won", "2024-01-20T00:00:00Z", "", "", ""]]
    text = csv_text(["deal_id", "stage", "entered_at", "amount", "currency", "name"], rows)
    # 01/06/2024 and 1/7/2024 do not tell which comes first, the month or the day: the playbook says it.
    root = project_with(text, {"playbook/playbook.yml": PLAYBOOK["playbook/playbook.yml"] + """
        deals: {file: deals.csv, format: csv, date_format: MM/DD/YYYY}
    """})
    data, stderr, code = health_json(root, "csv")
    assert code == 0, stderr
    assert data["source"]["date_format"] == "MM/DD/YYYY"
    assert data["as_of"] == "2024-01-20T00:00:00Z"
    # Stays of 12..19 days, none censored: S falls by 1/8 at each, to 4/8 at 15 (the median: the first day the
    # curve is at or below 1/2, not the 15.5 midway of a sample median) and to 0 at 19 (the p90).
    assert data["stages"][0]["median_days"] == 15.0 and data["stages"][0]["p90_days"] == 19.0
    assert data["totals"]["mean_cycle_days"] == 15.5
    assert data["totals"]["avg_won_amount"] == 1234.5


def test_same_file_same_bytes_whatever_the_time_zone(project_with) -> None:
    """Times without an offset are UTC, on any machine: run under a far-off TZ and compare."""
    root = project_with(our_csv().replace("T00:00:00Z", " 00:00"))
    command = [sys.executable, "-m", "playbookgen", "health", str(root), "--deals", str(root / "deals.csv"),
               "--deals-format", "csv", "--format", "json"]
    outputs = []
    for tz in ("UTC", "Pacific/Auckland", "America/Los_Angeles"):
        done = subprocess.run(command, capture_output=True, env={**os.environ, "TZ": tz}, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    data = json.loads(outputs[1])
    assert data["as_of"] == "2024-01-31T00:00:00Z"
    # As of day 30 d4 has been in A for 0 days (censored at 0) and d3 in B for 24: A's ended stays 1, 4, 13, 20
    # give S = 3/4, 1/2 (median 4), 1/4, 0 (p90 20).
    assert_days(data, {"a": (4.0, 20.0), "b": (7.0, None), "c": (6.0, 10.0), "d": (None, None)})


def test_the_sample_export_works_on_the_default_playbook_in_one_command() -> None:
    result = run_cli("health", REPO, "--deals", REPO / "examples/sample-deals-hubspot.csv", "--deals-format", "hubspot",
                     "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"]["deals"] == 400 and data["source"]["skipped_rows"] == 0
    assert [s["id"] for s in data["stages"]] == load_project(REPO)[0].playbook.stages
    assert all(s["reached"] for s in data["stages"])
    text = run_cli("health", REPO, "--deals", REPO / "examples/sample-deals-hubspot.csv", "--deals-format", "hubspot")
    assert text.stdout.splitlines()[2].startswith("SAMPLE data: every deal in this file is made up")


def test_the_report_is_a_typed_object_for_renderers(project_with) -> None:
    root = project_with(our_csv(), {"playbook/playbook.yml": PLAYBOOK["playbook/playbook.yml"] + """
        deals: {file: deals.csv, format: csv, as_of: 2024-02-10, list_stalled: true}
    """})
    project, _ = load_project(root)
    report, diagnostics = analyse(project, resolve_request(project, None, None, None))
    assert diagnostics == []
    assert report.stage("b").stalled == 1 and report.has_history
    assert [(d.stage_id, d.deal_id, d.name, d.days) for d in report.stalled_deals] == [("b", "d3", "Deal d3", 34.0)]


@pytest.mark.parametrize("list_stalled", [False, True])
def test_a_hubspot_export_is_sample_data_only_when_every_kept_deal_is_named_so(project_with, list_stalled: bool) -> None:
    plain = [h for h in HISTORY if not (h[0] == "d1" and h[2] in (12, 15))]
    text = hubspot_csv(plain).replace(",Deal d", ",SAMPLE deal d")
    broken = "999,Acme renewal,Stage A,not money,Sales Pipeline,2024-01-01 00:00,,,,,\r\n"  # skipped: bad amount
    config = PLAYBOOK["playbook/playbook.yml"] + (
        f"    deals: {{file: deals.csv, format: hubspot, list_stalled: {str(list_stalled).lower()}}}\n")

    def sample(deals: str) -> bool:
        project, _ = load_project(project_with(deals, {"playbook/playbook.yml": config}))
        report, _ = analyse(project, resolve_request(project, None, None, None))
        return report.sample

    assert sample(text) and sample(text + broken)  # a skipped row's name does not count
    assert not sample(text.replace("SAMPLE deal d2", "Acme renewal"))
    assert not sample(text.replace("SAMPLE deal d2", "Sample deal d2"))  # the word, in capitals


@pytest.mark.parametrize("fmt", ["csv", "pipedrive"])
@pytest.mark.parametrize("list_stalled", [False, True])
def test_a_history_or_snapshot_export_is_sample_data_by_each_deals_latest_name(project_with, fmt: str,
                                                                               list_stalled: bool) -> None:
    """Without the list of stalled deals a name is read only as its SAMPLE mark (checks.NAME_MARK): the label,
    and the names the list shows when it is on, are what they are when every name is read."""
    text = (our_csv() if fmt == "csv" else pipedrive_csv()).replace("Deal d", "SAMPLE deal d")
    config = PLAYBOOK["playbook/playbook.yml"] + (
        f"    deals: {{file: deals.csv, format: {fmt}, as_of: 2024-02-10, "
        f"list_stalled: {str(list_stalled).lower()}}}\n")

    def report(deals: str) -> tuple[bool, list[str]]:
        result = run_cli("health", project_with(deals, {"playbook/playbook.yml": config}))
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        listed = lines[lines.index("Stalled deals (longest first):") + 1:] if list_stalled else []
        assert list_stalled or not any(line.startswith("Stalled deals") for line in lines)
        return "SAMPLE data: every deal in this file is made up" in result.stdout, listed

    labelled, listed = report(text)
    assert labelled and (len(listed) == 1 and "SAMPLE deal d3" in listed[0] if list_stalled else listed == [])
    assert not report(text.replace("SAMPLE deal d2", "Acme renewal"))[0]
    assert not report(text.replace("SAMPLE deal d2", "Sample deal d2"))[0]  # the word, in capitals
    assert not report(text.replace("SAMPLE deal d2", " "))[0]  # a deal without a name is not marked
    if fmt == "csv":  # a deal is known by its latest name: renamed from a sample to a real one, it is real
        renamed = text.replace("d2,Closed Lost,2024-01-11T00:00:00Z,500,PLN,SAMPLE deal d2",
                               "d2,Closed Lost,2024-01-11T00:00:00Z,500,PLN,Acme renewal")
        assert renamed != text and not report(renamed)[0]
        assert report(text.replace("d2,Stage A,2024-01-01T00:00:00Z,500,PLN,SAMPLE deal d2",
                                   "d2,Stage A,2024-01-01T00:00:00Z,500,PLN,Acme renewal"))[0]
