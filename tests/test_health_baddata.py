"""`playbookgen health` on bad exports: every problem reported with file, row, column and header, in plain
words; rows skipped are counted; a file that is not a CSV export stops the run with one error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from test_health import AS_OF, HISTORY, csv_text, hubspot_csv, our_csv, project_with  # noqa: F401 - fixture

HEADER = ["deal_id", "stage", "entered_at", "amount", "currency", "name"]


def run(root: Path, fmt: str = "csv", *extra: str):
    return run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", fmt, "--format", "json", *extra)


def test_missing_required_column_names_it_and_the_headers_found(project_with) -> None:
    text = our_csv().replace("entered_at", "when", 1)
    result = run(project_with(text))
    assert result.exit_code == 1 and result.stdout == ""
    assert ("deals.csv:1:1: error: the csv export needs a column 'entered_at' (entered_at); headers found: 'deal_id', "
            "'stage', 'when', 'amount', 'currency', 'name' (if the export names it differently, map it: "
            "deals.columns.entered_at) [deals-missing-column]") in result.stderr
    assert "Traceback" not in result.stderr


def test_hubspot_without_date_entered_columns_says_what_to_add(project_with) -> None:
    text = csv_text(["Record ID", "Deal Name", "Deal Stage"], [["1", "x", "Stage A"]])
    result = run(project_with(text), "hubspot")
    assert result.exit_code == 1
    assert "needs a 'Date entered \"<stage>\"' column for each stage, and has none" in result.stderr


def test_unparsable_date_and_amount_are_reported_at_row_and_column(project_with) -> None:
    rows = [["d1", "Stage A", "2024-01-01", "100", "PLN", ""], ["d1", "Stage B", "next tuesday", "100", "PLN", ""],
            ["d2", "Stage A", "2024-01-02", "about 100", "PLN", ""], ["d2", "Stage B", "2024-01-05", "100", "PLN", ""]]
    result = run(project_with(csv_text(HEADER, rows)))
    assert result.exit_code == 1
    assert ("deals.csv:3:3: error: 'entered_at': 'next tuesday' is not a date or time this reader knows "
            "(use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS) [deals-bad-date]") in result.stderr
    assert "deals.csv:4:4: error: 'amount': 'about 100' is not an amount" in result.stderr
    data = json.loads(result.stdout)  # the report is still made from the rows that are fine
    assert data["source"]["skipped_rows"] == 2 and data["source"]["rows"] == 4
    assert data["source"]["deals"] == 2


def test_empty_required_cell_skips_the_row_and_says_so(project_with) -> None:
    rows = [["d1", "Stage A", "2024-01-01", "", "", ""], ["", "Stage B", "2024-01-02", "", "", ""]]
    result = run(project_with(csv_text(HEADER, rows)))
    assert result.exit_code == 1
    assert "deals.csv:3:1: error: 'deal_id' is empty; every row needs one, so the row is skipped [deals-empty-cell]" in result.stderr
    assert json.loads(result.stdout)["source"]["skipped_rows"] == 1


@pytest.mark.parametrize("fmt", ["csv", "hubspot"])
def test_a_blank_stage_is_one_error_not_also_an_unknown_stage(project_with, fmt: str) -> None:
    if fmt == "csv":
        text = csv_text(HEADER, [["d1", "Stage A", "2024-01-01", "", "", ""], ["d2", "  ", "2024-01-02", "", "", ""]])
    else:
        text = hubspot_csv([("d1", "Stage A", 0, "10", ""), ("d2", "Stage A", 1, "10", "")])
        text = text.replace("Deal d2,Stage A,", "Deal d2,  ,")
    result = run(project_with(text), fmt)
    problems = [line for line in result.stderr.splitlines() if "[deals-" in line]
    column = 2 if fmt == "csv" else 3
    header = "stage" if fmt == "csv" else "Deal Stage"
    assert problems == [f"deals.csv:3:{column}: error: '{header}' is empty; every row needs one, so the row is "
                        "skipped [deals-empty-cell]"]
    assert json.loads(result.stdout)["source"]["skipped_rows"] == 1


def test_unknown_stage_once_per_value_with_row_count_and_nearest_stage(project_with) -> None:
    rows = [["d1", "Stage A", "2024-01-01", "", "", ""], ["d1", "Stag B", "2024-01-02", "", "", ""],
            ["d2", "stag b ", "2024-01-02", "", "", ""], ["d3", "Stag B", "2024-01-03", "", "", ""]]
    result = run(project_with(csv_text(HEADER, rows)))
    assert result.exit_code == 0  # a warning: the stage list and the CRM disagree, the data is not broken
    lines = [line for line in result.stderr.splitlines() if "[deals-unknown-stage]" in line]
    assert lines == [
        "deals.csv:3:2: warning: stage 'Stag B' (3 rows) matches no stage of the playbook. Its rows are skipped: "
        "if it is stage 'Stage B', write the stage's name in the file as the playbook does [deals-unknown-stage]"
    ]
    assert json.loads(result.stdout)["source"]["skipped_rows"] == 3


def test_unknown_hubspot_stage_column_is_reported_at_its_header(project_with) -> None:
    text = hubspot_csv([("d1", "Stage A", 0, "10", "")]).replace("Closed Lost (Sales", "Zamknięta (Sales")
    text = text.rstrip("\r\n") + "\r\n" + "92,Deal,Stage A,,Sales Pipeline,2024-01-01 00:00,,,,,2024-01-02 00:00\r\n"
    result = run(project_with(text), "hubspot")
    assert ("deals.csv:1:11: warning: stage 'Zamknięta (Sales Pipeline)' (its 'Date entered' column filled in 1 row) "
            "matches no stage of the playbook. Those dates are left out; the deals count with their other stages: "
            "if it is one of the playbook's stages, give that stage this name in its YAML file "
            "(crm: {hubspot: Zamknięta (Sales Pipeline)}), or rename the stage in the CRM "
            "[deals-unknown-stage]") in result.stderr.splitlines()
    assert json.loads(result.stdout)["source"]["skipped_rows"] == 0  # no row is skipped for it


def test_a_history_out_of_file_order_is_read_in_time_order_without_a_warning(project_with) -> None:
    # d1 enters B on 2 January and A on 5 January, written the other way round (as a Data Export is, unsorted):
    # in time order it spent 3 days in B and is now in A. Nothing contradicts itself, so nothing is warned.
    rows = [["d1", "Stage A", "2024-01-05", "", "", ""], ["d2", "Stage A", "2024-01-01", "", "", ""],
            ["d1", "Stage B", "2024-01-02", "", "", ""]]
    result = run(project_with(csv_text(HEADER, rows)))
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr
    stages = {s["id"]: s for s in json.loads(result.stdout)["stages"]}
    assert stages["b"]["median_days"] == 3.0 and stages["a"]["open"] == 2 and stages["b"]["open"] == 0


def test_hubspot_exit_before_entry_is_reported(project_with) -> None:
    header = ["Record ID", "Deal Stage", 'Date entered "Stage A"', 'Date exited "Stage A"', 'Date entered "Stage B"']
    text = csv_text(header, [["1", "Stage B", "2024-01-05 00:00", "2024-01-01 00:00", "2024-01-06 00:00"]])
    result = run(project_with(text), "hubspot")
    assert ("deals.csv:2:4: warning: deal '1' leaves stage 'Stage A' before it enters it ('Date exited \"Stage A\"' "
            "is earlier than 'Date entered \"Stage A\"') [deals-time-backwards]") in result.stderr


def test_a_million_bad_rows_do_not_flood_the_terminal(project_with) -> None:
    rows = [[f"d{i}", "Stage A", f"bad {i}", "", "", ""] for i in range(60)]
    result = run(project_with(csv_text(HEADER, rows)))
    bad = [line for line in result.stderr.splitlines() if "[deals-bad-date]" in line]
    assert len(bad) == 21
    assert bad[-1] == ("deals.csv:22:3: error: 40 more like the above (only the first 20 are listed) [deals-bad-date]")
    assert json.loads(result.stdout)["source"]["skipped_rows"] == 60


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty: export the deals again"),
    (b"\xef\xbb\xbf\r\n", "the file is empty: export the deals again"),
    (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "this is an Excel workbook (or another zip file), not CSV"),
    ("deal_id,stage\n".encode("utf-16"), "the file has a header row but no deals"),  # UTF-16 is read
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00", "this is not a text file"),
    (b"deal_id,stage,entered_at\r\n", "the file has a header row but no deals"),
])  # fmt: skip
def test_a_file_that_is_not_a_csv_export_is_one_clear_error(project_with, content: bytes, message: str) -> None:
    result = run(project_with(content))
    assert result.exit_code == 1
    assert f"deals.csv:1:1: error: {message}" in result.stderr
    assert result.stderr.count("error:") == 1 and "Traceback" not in result.stderr


def test_a_file_over_the_size_bound_is_refused(project_with, monkeypatch: pytest.MonkeyPatch) -> None:
    from playbookgen.health import csvfile

    monkeypatch.setattr(csvfile, "MAX_BYTES", 100)
    result = run(project_with(our_csv()))
    assert result.exit_code == 1
    assert "deals.csv:1:1: error: the file is 0 MiB; playbookgen reads deal exports of up to 0 MiB [deals-too-large]" in result.stderr


def test_a_missing_file_and_missing_settings_are_clear(project_with) -> None:
    root = project_with(our_csv())
    result = run_cli("health", root, "--deals", root / "nope.csv", "--deals-format", "csv")
    assert result.exit_code == 1 and "nope.csv:1:1: error: the deals file does not exist" in result.stderr
    result = run_cli("health", root)
    assert result.exit_code == 2
    assert "no deals file: add a 'deals:' entry to playbook/playbook.yml or pass --deals FILE --deals-format FORMAT" in result.stderr
    result = run_cli("health", root, "--deals", root / "deals.csv")
    assert result.exit_code == 2 and "pass --deals-format" in result.stderr
    result = run_cli("health", root, "--deals", root / "deals.csv", "--deals-format", "csv", "--as-of", "yesterday")
    assert result.exit_code == 2 and "--as-of 'yesterday' is not a date" in result.stderr


def test_a_file_whose_line_endings_change_is_pointed_at_the_first_line_that_differs(project_with) -> None:
    # Exported from a CRM with Windows line endings, then a row added in an editor that writes LF alone.
    rows = "deal_id,stage,entered_at\r\n" + "".join(f"{i},Stage A,2024-01-01\r\n" for i in range(1, 6))
    result = run(project_with(rows + "6,Stage A,2024-01-02\n"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "deals.csv:7:1: error: this line ends differently from the lines before it" in result.stderr
    assert result.stderr.count("error:") == 1
    assert run(project_with(rows)).exit_code == 0  # the same file, its endings all alike, reads


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_changed_line_ending_is_found_in_a_file_that_is_not_utf8(project_with, encoding: str) -> None:
    # Excel's "Unicode text" (UTF-16, tab-separated) or a Windows export, a row then added in an editor that
    # writes LF alone: the line is found in the text DuckDB read (the file converted to UTF-8), where the
    # file's own bytes (two per letter in UTF-16) would hide it.
    rows = "deal_id\tstage\tentered_at\r\n" + "".join(f"{i}\tStage A\t2024-01-01\r\n" for i in range(1, 6))
    result = run(project_with((rows + "6\tStage A\t2024-01-02\n").encode(encoding)))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "deals.csv:7:1: error: this line ends differently from the lines before it" in result.stderr
    assert result.stderr.count("error:") == 1
    assert run(project_with(rows.encode(encoding))).exit_code == 0  # its endings all alike, it reads


def test_rows_after_empty_lines_are_pointed_at_where_a_spreadsheet_shows_them(project_with) -> None:
    # An export edited by hand: an empty line after row 2 and two after row 4 (each an empty row in a
    # spreadsheet, skipped by the reader), and a name whose quoted cell holds an empty line of its own
    # (one row, not an empty one). The bad dates are on rows 4 and 8 as a spreadsheet numbers them.
    text = ("deal_id,stage,entered_at,name\n"
            "1,Stage A,2024-01-01,plain\n"                   # row 2
            "\n"                                               # row 3: empty
            "2,Stage A,next week,plain\n"                    # row 4: bad date
            "3,Stage A,2024-01-02,\"first\n\nlast\"\n"         # row 5: a cell of three lines
            "\n\n"                                             # rows 6 and 7: empty
            "4,Stage A,someday,plain\n")                     # row 8: bad date
    result = run(project_with(text))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "deals.csv:4:3: error: 'entered_at': 'next week' is not a date" in result.stderr, result.stderr
    assert "deals.csv:8:3: error: 'entered_at': 'someday' is not a date" in result.stderr, result.stderr
    assert json.loads(result.stdout)["source"]["rows"] == 4


@pytest.mark.parametrize(("delimiter", "rounded"), [(",", "1.23457E+11"), (";", "1,23457E+11")])
def test_deal_ids_that_excel_rounded_are_one_error_saying_the_figures_may_be_wrong(project_with, delimiter: str,
                                                                                  rounded: str) -> None:
    # Long numeric ids (123456789012, 123456789013, ...) after a trip through Excel: each reads 1.23457E+11
    # (in a Polish Excel, with a decimal comma), so three deals became one. One error, at the first such
    # row, with the count; other rows and ids are read as usual.
    rows = [["900", "Stage A", "2024-01-01"], [rounded, "Stage A", "2024-01-02"], [rounded, "Stage B", "2024-01-05"],
            [rounded, "Stage A", "2024-01-03"], ["901", "Stage A", "2024-01-04"]]
    text = "\n".join(delimiter.join(f'"{v}"' if delimiter in v else v for v in row)
                     for row in [["deal_id", "stage", "entered_at"], *rows]) + "\n"
    result = run(project_with(text))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("error:") == 1, result.stderr
    assert (f"deals.csv:3:1: error: 'deal_id': '{rounded}' is a long number as Excel writes it once it has rounded "
            "it (3 rows like this): different deals may now share one id and be counted as one") in result.stderr
    assert "[deals-excel-id]" in result.stderr
    assert json.loads(result.stdout)["source"]["deals"] == 3  # 900, 901 and the one the rounded ids became


def test_hubspot_record_ids_that_excel_rounded_are_pointed_at_too(project_with) -> None:
    text = hubspot_csv(HISTORY).replace("\n92,", "\n1.23457E+11,", 1)  # deal d2's Record ID, on row 3
    assert "1.23457E+11" in text
    result = run(project_with(text), "hubspot", "--as-of", AS_OF)
    assert result.exit_code == 1 and result.stderr.count("error:") == 1, result.stderr
    assert "deals.csv:3:1: error: 'Record ID': '1.23457E+11' is a long number as Excel writes it" in result.stderr


def test_a_line_break_inside_a_quoted_cell_is_not_taken_for_a_changed_line_ending(project_with) -> None:
    # Excel writes a line break inside a cell as LF alone, in a file whose rows end CR LF: that LF is the
    # cell's, and the line to name is the row added later with LF alone (line 8 as an editor counts lines).
    rows = ("deal_id,stage,entered_at,name\r\n1,Stage A,2024-01-01,\"first line\nsecond, \"\"quoted\"\"\"\r\n"
            + "".join(f"{i},Stage A,2024-01-01,plain\r\n" for i in range(2, 6)))
    result = run(project_with(rows + "6,Stage A,2024-01-02,plain\n"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "deals.csv:8:1: error: this line ends differently from the lines before it" in result.stderr
    assert result.stderr.count("error:") == 1
    assert run(project_with(rows)).exit_code == 0  # the cell's own line break alone does not stop the read


def test_ragged_rows_are_reported_not_a_traceback(project_with) -> None:
    result = run(project_with("deal_id,stage,entered_at\n1,Stage A,2024-01-01\n2,Stage A,2024-01-01,extra,cells\n"))
    assert result.exit_code == 1
    # At the ragged row itself: line 3 of the file.
    assert "deals.csv:3:1: error: this file cannot be read as CSV" in result.stderr and "Traceback" not in result.stderr


def test_deals_settings_are_validated_with_file_line_column(project_with) -> None:
    from test_health import PLAYBOOK

    root = project_with(our_csv(), {"playbook/playbook.yml": PLAYBOOK["playbook/playbook.yml"] + """
        deals:
          file: deals.csv
          format: zoho
          as_of: 2024-13-01
          columns: {deal: x}
    """})
    result = run_cli("validate", root)
    assert result.exit_code == 1
    out = result.stdout
    assert "playbook/playbook.yml:7:11: error: 'format' must be 'hubspot', 'salesforce', 'pipedrive', 'csv' or 'snapshot'" in out
    assert "playbook/playbook.yml:8:10: error: 'as_of': '2024-13-01' is not a date" in out
    assert "playbook/playbook.yml:9:13: error: 'deal' must be 'deal_id'" in out


def test_the_nearest_stage_is_found_without_the_pipeline_in_brackets() -> None:
    from conftest import REPO
    from playbookgen.health.formats import stage_map
    from playbookgen.project import load_project

    stages = stage_map(load_project(REPO)[0], "hubspot")
    assert stages.nearest("Wygrana (Pipeline negocjacje)") == "Wygrana"  # not the word in brackets
    assert stages.nearest("Przegrana (Zamknięcie transakcji)") == "Przegrana"
    assert stages.nearest("Ocena (Sales Pipeline)") == "Ocena potrzeb"  # a name that begins with it
    assert stages.nearest("Negocjacja (Pipeline partnerski)") == "Negocjacje"
    assert stages.nearest("Zamknięta (Sales Pipeline)") == stages.nearest("Zamknięta") == "Zamknięcie transakcji"
