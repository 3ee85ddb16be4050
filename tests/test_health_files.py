"""`playbookgen health` on files shaped like real CRM exports: their encodings, delimiters and date shapes,
Salesforce's Data Export and field history, HubSpot's two column sets and several pipelines, and snapshots.
The story is test_health's (five deals, answers worked out by hand there) unless a test says otherwise."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from test_health import (
    AS_OF,
    HISTORY,
    PLAYBOOK,
    START,
    assert_counts,
    assert_days,
    csv_text,
    day,
    hubspot_csv,
    our_csv,
    project_with,  # noqa: F401 - fixture
)
from test_health_layouts import deals_table

HEADER = ["deal_id", "stage", "entered_at", "amount", "currency", "name"]


def health(root: Path, fmt: str, *extra: str) -> tuple[dict[str, Any], str, int]:
    result = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", fmt, "--format", "json", *extra)
    return (json.loads(result.stdout) if result.stdout else {}), result.stderr, result.exit_code


def with_deals(settings: str) -> dict[str, str]:
    return {"playbook/playbook.yml": PLAYBOOK["playbook/playbook.yml"] + f"\n        deals: {settings}\n"}


# --- encodings and delimiters --------------------------------------------------------------------


def data_export(history: list[tuple[str, str, float, str, str]] = HISTORY) -> str:
    """OpportunityHistory as Salesforce's weekly Data Export writes it: API names in capitals, every field
    quoted, extra columns, and the rows in no particular order."""
    header = ["ID", "OPPORTUNITYID", "CREATEDBYID", "CREATEDDATE", "STAGENAME", "AMOUNT", "EXPECTEDREVENUE",
              "CLOSEDATE", "PROBABILITY", "FORECASTCATEGORY", "SYSTEMMODSTAMP", "ISDELETED", "CURRENCYISOCODE"]
    rows = [[f"008{i:03}", f"006{deal}", "005Renée", day(d, "%Y-%m-%dT%H:%M:%S.000Z"), stage, amount, "",
             "2024-03-01", "", "Pipeline", day(d, "%Y-%m-%dT%H:%M:%S.000Z"), "false", cur]
            for i, (deal, stage, d, amount, cur) in enumerate(history)]
    random.Random(7).shuffle(rows)
    return "\r\n".join(",".join(f'"{v}"' for v in row) for row in [header, *rows]) + "\r\n"


def test_a_salesforce_data_export_in_windows_1252_unsorted_reads_as_the_story(project_with) -> None:
    raw = data_export().encode("cp1252")
    assert b"Ren\xe9e" in raw  # a Windows-1252 byte: not UTF-8
    data, stderr, code = health(project_with(raw), "salesforce", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["encoding"] == "windows-1252" and data["source"]["deals"] == 5
    assert "warning" not in stderr  # unsorted is not 'going back in time'
    assert "note: the Salesforce file is read as windows-1252 text (found from its bytes" in stderr
    assert_counts(data)
    assert_days(data)


# The footer a Salesforce report export ends with, after its rows (each line one quoted cell), its lines
# ending as data_export()'s do.
SALESFORCE_FOOTER = ('\r\n"Grand Totals (14 records)"\r\n\r\n"Confidential Information - Do Not Distribute"\r\n'
                     '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n')


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_salesforce_reports_footer_is_left_out_and_said_so(project_with, encoding: str) -> None:
    # Read as rows, the footer's lines of one cell are ragged and the whole file was refused. It is left
    # out, the report says so, and the figures are the file's without it. The user's file is not changed.
    plain, _, _ = health(project_with(data_export().encode(encoding)), "salesforce", "--as-of", AS_OF)
    written = (data_export() + SALESFORCE_FOOTER).encode(encoding)
    root = project_with(written)
    data, stderr, code = health(root, "salesforce", "--as-of", AS_OF)
    assert code == 0, stderr
    assert "note: the last 5 lines of the file are a Salesforce report's footer (totals, copyright)" in stderr
    assert (data["stages"], data["totals"]) == (plain["stages"], plain["totals"])
    assert data["source"]["rows"] == plain["source"]["rows"] == 14
    assert_counts(data)
    assert (root / "deals.csv").read_bytes() == written


def test_one_cell_lines_at_the_end_that_are_not_a_salesforce_footer_are_still_refused(project_with) -> None:
    # Without the salesforce.com copyright line, lines of one cell after the rows are not taken for a footer:
    # the file is refused at the first of them, as any ragged row is.
    text = data_export() + '\r\n"Grand Totals (14 records)"\r\n'
    data, stderr, code = health(project_with(text), "salesforce", "--as-of", AS_OF)
    assert code == 1 and data == {}
    assert "this file cannot be read as CSV" in stderr and stderr.count("error:") == 1


def test_the_text_report_says_each_note_once(project_with) -> None:
    # The text report carries its notes; printed on stderr too, a terminal showed each sentence twice.
    # JSON and CSV are for scripts and spreadsheets: there the notes stay on stderr for the person.
    root = project_with(data_export().encode("cp1252"))
    said = "the Salesforce file is read as windows-1252 text"
    text = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "salesforce", "--as-of", AS_OF)
    assert text.exit_code == 0, text.stderr
    assert (text.stdout + text.stderr).count(said) == 1 and f"Note: {said}" in text.stdout
    for fmt in ("json", "csv"):
        other = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "salesforce", "--as-of", AS_OF,
                        "--format", fmt)
        assert other.exit_code == 0 and f"note: {said}" in other.stderr


def test_excel_unicode_text_utf16_tab_separated_reads_as_the_story(project_with) -> None:
    raw = our_csv().replace(",", "\t").encode("utf-16")  # with its byte order mark, as Excel saves it
    data, stderr, code = health(project_with(raw), "csv", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["encoding"] == "utf-16"
    assert_counts(data)
    assert_days(data)


def test_polish_windows_1250_is_told_from_windows_1252(project_with) -> None:
    text = our_csv().replace("Deal d1", "Szansa Łódź żółć").replace("Deal d2", "Oferta dla Gdańska")
    root = project_with(text.encode("cp1250"))
    data, stderr, code = health(root, "csv", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["encoding"] == "windows-1250"
    assert_counts(data)


def test_deals_encoding_overrides_the_guess_and_a_wrong_one_is_one_clear_error(project_with) -> None:
    root = project_with(our_csv().replace("Deal d1", "Renée").encode("cp1252"),
                        with_deals("{file: deals.csv, format: csv, encoding: utf-8}"))
    result = run_cli("health", root, "--as-of", AS_OF)
    assert result.exit_code == 1 and result.stderr.count("error:") == 1
    assert "deals.csv:1:1: error: this file is not utf-8 text (byte 92, near line 2, is not): set deals.encoding" \
        in result.stderr


def test_a_late_windows_1252_byte_is_found_after_a_utf8_looking_start(project_with) -> None:
    filler = [[f"f{i}", "Stage A", "2024-01-01", "", "", "x" * 40] for i in range(3000)]  # past the first 64 KiB
    rows = [*filler, ["z1", "Stage A", "2024-01-02", "", "", "Renée"]]
    data, stderr, code = health(project_with(csv_text(HEADER, rows).encode("cp1252")), "csv")
    assert code == 0, stderr
    assert data["source"]["encoding"] == "windows-1252" and data["source"]["deals"] == 3001


def test_a_late_windows_1252_byte_in_a_hubspot_export_is_found_too(project_with) -> None:
    """The wide layout reads the file in one pass of its own: the byte found there sends it back as well."""
    story = hubspot_csv(HISTORY).rstrip("\r\n").split("\n")
    filler = [f"8{i:05},{'x' * 60},Stage A,,Sales Pipeline,2024-01-01 00:00,,,,," for i in range(1500)]
    late = "899999,Renée,Stage A,,Sales Pipeline,2024-01-02 00:00,,,,,"  # past the first 64 KiB
    text = "\n".join([*story, *filler, late]) + "\n"
    data, stderr, code = health(project_with(text.encode("cp1252")), "hubspot", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["encoding"] == "windows-1252" and data["source"]["deals"] == 5 + 1500 + 1
    assert "read as windows-1252 text (found from its bytes" in stderr


# --- date shapes -------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "order"), [
    ("%m/%d/%y %I:%M %p", "MM/DD/YYYY"),  # a report's two-digit years: 01/31/24 08:55 PM
    ("%m/%d/%Y %I:%M %p", "MM/DD/YYYY"),
    ("%d/%m/%Y", "DD/MM/YYYY"),
    ("%d-%m-%Y %H:%M", "DD/MM/YYYY"),
    ("%d.%m.%Y", None),  # with dots the day is always first: nothing to decide
])  # fmt: skip
def test_report_dates_in_every_shape_read_as_the_story(project_with, shape: str, order: str | None) -> None:
    # The story's days run to 31 January: a day over 12 tells the order in every shape.
    rows = [[deal, stage, day(d, shape), amount, cur, f"Deal {deal}"] for deal, stage, d, amount, cur in HISTORY]
    data, stderr, code = health(project_with(csv_text(HEADER, rows)), "csv", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["date_format"] == order
    assert_counts(data)
    assert_days(data)


def test_dates_that_do_not_tell_their_order_need_deals_date_format(project_with) -> None:
    # 02/03 and 03/04: the 2nd of March or the 3rd of February? The file cannot tell, so it is never guessed.
    rows = [["d1", "Stage A", "02/03/2024", "", "", ""], ["d1", "Stage B", "03/04/2024", "", "", ""]]
    root = project_with(csv_text(HEADER, rows))
    data, stderr, code = health(root, "csv")
    assert code == 1 and "Traceback" not in stderr
    assert ("deals.csv:1:1: error: the file writes dates such as 03/04/2026, and none of them has a day over 12, so "
            "it does not tell whether the month or the day comes first: set deals.date_format in playbook.yml "
            "(MM/DD/YYYY or DD/MM/YYYY) [deals-date-order]") in stderr
    for setting, days_in_a in (("DD/MM/YYYY", 32.0), ("MM/DD/YYYY", 30.0)):  # 2 Mar→3 Apr; 3 Feb→4 Mar 2024
        build = project_with(csv_text(HEADER, rows), with_deals(f"{{file: deals.csv, format: csv, date_format: {setting}}}"))
        result = run_cli("health", build, "--format", "json")
        assert result.exit_code == 0, result.stderr
        stages = json.loads(result.stdout)["stages"]
        assert stages[0]["median_days"] == days_in_a
        assert f"its dates are read {'day' if setting[0] == 'D' else 'month'} first, {setting} (as deals.date_format " \
               "says)" in result.stderr


def _past_the_first_megabyte(tail: list[list[str]]) -> str:
    """A csv export whose first megabyte holds only dates that do not tell their order (5 March or 3 May?):
    40,000 deals entered into Stage A on 05/03/2024, then ``tail``."""
    filler = [[f"f{i}", "Stage A", "05/03/2024", "", "", ""] for i in range(40_000)]
    text = csv_text(HEADER, [*filler, *tail])
    assert len(text.split("\n", 1)[1].encode()) > 1 << 20  # the file's start alone does not tell
    return text


def test_a_date_past_the_first_megabyte_decides_the_order_in_the_same_pass(project_with) -> None:
    # d1 enters Stage A on 02/03 and Stage B on 25/03: day first, so 2 March to 25 March, 23 days. The 40,000
    # others are still in Stage A, censored at 20 days (5 to 25 March), before d1's stay ends: at 23 days only
    # d1 is at risk, the curve falls to 0 there, and the median is 23 days.
    tail = [["d1", "Stage A", "02/03/2024", "", "", ""], ["d1", "Stage B", "25/03/2024", "", "", ""]]
    data, stderr, code = health(project_with(_past_the_first_megabyte(tail)), "csv")
    assert code == 0, stderr
    assert data["source"]["date_format"] == "DD/MM/YYYY"
    assert data["stages"][0]["median_days"] == 23.0
    assert data["stages"][0]["open_stays"] == 40_000


def test_dates_past_the_first_megabyte_that_contradict_or_do_not_tell_are_errors(project_with) -> None:
    both = [["d1", "Stage A", "25/03/2024", "", "", ""], ["d2", "Stage A", "03/26/2024", "", "", ""]]
    _, stderr, code = health(project_with(_past_the_first_megabyte(both)), "csv")
    assert code == 1 and "Traceback" not in stderr
    assert ("the file's dates put the day first in some places ('25/03/2024') and the month first in others "
            "('03/26/2024')") in stderr
    _, stderr, code = health(project_with(_past_the_first_megabyte([])), "csv")
    assert code == 1 and "does not tell whether the month or the day comes first" in stderr
    assert stderr.count("error:") == 1


def test_a_date_that_reads_before_1990_or_far_after_the_report_is_an_error_at_its_cell(project_with) -> None:
    rows = [["d1", "Stage A", "2024-01-01", "", "", ""], ["d2", "Stage A", "0024-02-23", "", "", ""],
            ["d3", "Stage A", "2099-01-01", "", "", ""]]
    data, stderr, code = health(project_with(csv_text(HEADER, rows)), "csv", "--as-of", AS_OF)
    assert code == 1
    assert ("deals.csv:3:3: error: 'entered_at': '0024-02-23' reads as 0024-02-23, before 1990: it is a misread or a "
            "typo; a two-digit year reads as 19xx or 20xx") in stderr
    assert "deals.csv:4:3: error: 'entered_at': '2099-01-01' reads as 2099-01-01, more than a year after the " \
           "report's date" in stderr
    assert data["source"]["skipped_rows"] == 2 and data["source"]["deals"] == 1


# --- Salesforce field history ------------------------------------------------------------------

def field_history() -> str:
    """OpportunityFieldHistory, labels as a report writes them: per deal its 'created' row, its stage changes
    (old and new value) and a change of another field, unsorted.

    Days from 1 January: f1 created in A on 0, A→B on 3, B→Closed Won on 10: A 3, B 7, won.
    f2 created on 2 (no 'created' row: its first stage's time is unknown), B→C on 5, C→Closed Lost on 6: C 1,
    lost; it began in B (the OldValue of its first change), so B has no stay from it.
    f3 created in C on 1, still in C: open in C.
    """
    t = "%Y-%m-%dT%H:%M:%S.000+0000"
    rows = [
        ["f1", "created", "", "", day(0, t)], ["f1", "StageName", "Stage A", "Stage B", day(3, t)],
        ["f1", "Amount", "100", "200", day(4, t)], ["f1", "StageName", "Stage B", "Closed Won", day(10, t)],
        ["f2", "StageName", "Stage C", "Closed Lost", day(6, t)], ["f2", "StageName", "Stage B", "Stage C", day(5, t)],
        ["f3", "created", "", "", day(1, t)],
    ]
    rows = [rows[i] for i in (3, 0, 4, 6, 1, 2, 5)]
    return csv_text(["Opportunity ID", "Changed Field", "Old Value", "New Value", "Created Date"], rows)


def test_salesforce_field_history_gives_stays_from_stage_changes(project_with) -> None:
    root = project_with(field_history())
    data, stderr, code = health(root, "salesforce", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["deals"] == 2  # f3 never changed stage: nothing says which stage it is in
    assert (data["totals"]["won"], data["totals"]["lost"]) == (1, 1)
    deals = {d: (row["first_pos"], row["current_pos"]) for d, row in deals_table(root, "salesforce").items()}
    assert deals == {"f1": (1, 5), "f2": (2, 6)}


def test_field_history_stays_in_days(project_with) -> None:
    from playbookgen.health.formats import stage_map
    from playbookgen.health.layouts import load_deals
    from playbookgen.health.source import resolve_request
    from playbookgen.health.sql import connect
    from playbookgen.project import load_project

    root = project_with(field_history())
    project, _ = load_project(root)
    con = connect(root)
    load_deals(con, resolve_request(project, str(root / "deals.csv"), "salesforce", AS_OF),
               stage_map(project, "salesforce"), root)
    stays = sorted((int(p), ms / 86_400_000) for p, ms in con.execute("SELECT pos, ms FROM stays").fetchall())
    assert stays == [(1, 3.0), (2, 7.0), (3, 1.0)]


# --- HubSpot: two column sets, several pipelines ------------------------------------------------

def hubspot_two_sets() -> str:
    """A portal with the legacy (single-quoted) and current (double-quoted) 'Date entered' columns, and two
    pipelines. Days from 1 January:
    1 Sales, now in C: current A 0, B 4; legacy A 0, B 50 (wrong), C 10 (only the legacy set has C).
      Stays: A 4, B 6 (4 to C's 10).
    2 Sales, won: current A 0, B 2, Won 9; legacy C 5. Stays: A 2, B 3, C 4.
    3 and 4 Partners, in 'Partner intro', a stage of the other pipeline only.
    """
    f = "%Y-%m-%d %H:%M"
    header = ["Record ID", "Deal Name", "Deal Stage", "Pipeline",
              "Date entered 'Stage A (Sales Pipeline)'", 'Date entered "Stage A (Sales Pipeline)"',
              "Date entered 'Stage B (Sales Pipeline)'", 'Date entered "Stage B (Sales Pipeline)"',
              "Date entered 'Stage C (Sales Pipeline)'", 'Date entered "Closed Won (Sales Pipeline)"',
              'Date entered "Partner intro (Partners)"']
    rows = [
        ["1", "Deal 1", "Stage C", "Sales Pipeline", day(0, f), day(0, f), day(50, f), day(4, f), day(10, f), "", ""],
        ["2", "Deal 2", "Closed Won", "Sales Pipeline", "", day(0, f), "", day(2, f), day(5, f), day(9, f), ""],
        ["3", "Deal 3", "Partner intro", "Partners", "", "", "", "", "", "", day(1, f)],
        ["4", "Deal 4", "Partner intro", "Partners", "", "", "", "", "", "", day(2, f)],
    ]
    return csv_text(header, rows)


def test_hubspot_prefers_the_current_columns_and_reads_one_pipeline(project_with) -> None:
    root = project_with(hubspot_two_sets())
    data, stderr, code = health(root, "hubspot", "--as-of", AS_OF)
    assert code == 0, stderr
    assert data["source"]["deals"] == 2 and data["source"]["skipped_rows"] == 0
    warnings = [line for line in stderr.splitlines() if "warning:" in line]
    assert warnings == [
        "deals.csv:1:5: warning: the file has both the legacy 'Date entered' columns (single quotes, such as "
        "Date entered 'Stage A (Sales Pipeline)') and the current ones (double quotes): the current ones are read; "
        "the legacy ones only for 'Stage C (Sales Pipeline)', which have no other [deals-legacy-columns]"]
    assert ("note: the file holds 2 pipelines: the deals of 'Sales Pipeline' are read, those of 'Partners' (2 deals) "
            "are left out (choose another with deals.pipeline in playbook.yml)") in stderr
    from playbookgen.health.formats import stage_map
    from playbookgen.health.layouts import load_deals
    from playbookgen.health.source import resolve_request
    from playbookgen.health.sql import connect
    from playbookgen.project import load_project

    project, _ = load_project(root)
    con = connect(root)
    load_deals(con, resolve_request(project, str(root / "deals.csv"), "hubspot", AS_OF), stage_map(project, "hubspot"),
               root)
    stays = sorted((int(p), ms / 86_400_000) for p, ms in con.execute("SELECT pos, ms FROM stays").fetchall())
    assert stays == [(1, 2.0), (1, 4.0), (2, 3.0), (2, 6.0), (3, 4.0)]


def test_hubspot_deals_pipeline_chooses_another_or_names_the_ones_there(project_with) -> None:
    root = project_with(hubspot_two_sets(), with_deals("{file: deals.csv, format: hubspot, pipeline: partners}"))
    result = run_cli("health", root, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["source"]["deals"] == 0  # its stage is not in the playbook: warned
    assert "stage 'Partner intro' (2 rows) matches no stage of the playbook" in result.stderr
    root = project_with(hubspot_two_sets(), with_deals("{file: deals.csv, format: hubspot, pipeline: Renewals}"))
    result = run_cli("health", root)
    assert result.exit_code == 1
    assert ("deals.csv:1:4: error: deals.pipeline is 'Renewals', and the file's 'Pipeline' column has no such "
            "pipeline; it has: 'Partners', 'Sales Pipeline' [deals-unknown-pipeline]") in result.stderr


# --- snapshot ----------------------------------------------------------------------------------

def test_a_snapshot_list_export_computes_what_it_can_and_says_what_needs_history(project_with) -> None:
    """A generic list export: one row per deal. s1 won (created 0, closed 20), s2 lost (0, 10), s3 open in B
    since it was created on 5, s4 open in A, created on 39 (mid-pipeline deals are fine: no history)."""
    f = "%m/%d/%Y"
    header = ["ID", "Title", "Stage", "Status", "Value", "Currency", "Deal created", "Deal closed on"]
    rows = [["s1", "One", "Stage C", "won", "1000", "PLN", day(0, f), day(20, f)],
            ["s2", "Two", "Stage B", "lost", "500", "PLN", day(0, f), day(10, f)],
            ["s3", "Three", "Stage B", "open", "", "PLN", day(5, f), ""],
            ["s4", "Four", "Stage A", "open", "300", "PLN", day(39, f), ""]]
    data, stderr, code = health(project_with(csv_text(header, rows)), "snapshot", "--as-of", AS_OF)
    assert code == 0, stderr
    totals = data["totals"]
    assert (totals["deals"], totals["open"], totals["won"], totals["lost"]) == (4, 2, 1, 1)
    assert totals["win_rate"] == 0.5 and totals["mean_cycle_days"] == 20.0 and totals["avg_won_amount"] == 1000.0
    stages = {s["id"]: s for s in data["stages"]}
    assert stages["b"]["open"] == 1 and stages["b"]["stalled"] == 1  # 35 days in B, over its 5
    assert stages["a"]["reached"] is None and stages["a"]["median_days"] is None
    assert "needs" in stderr or "history" in stderr  # the note names what a snapshot cannot tell


def test_pipedrive_without_the_deal_prefix_reads_the_same(project_with) -> None:
    header = ["ID", "Title", "Stage", "Status", "Deal created", "Won time"]
    rows = [["1", "A", "Stage A", "won", "2024-01-01 00:00:00", "2024-01-11 00:00:00"],
            ["2", "B", "Stage B", "open", "2024-01-02 00:00:00", ""]]
    data, stderr, code = health(project_with(csv_text(header, rows)), "pipedrive", "--as-of", AS_OF)
    assert code == 0, stderr
    assert (data["totals"]["won"], data["totals"]["open"], data["totals"]["mean_cycle_days"]) == (1, 1, 10.0)


_ = START
