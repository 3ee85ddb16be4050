"""The fast ways `playbookgen health` reads an export give the answers of the plain ways: HubSpot times in
their own shape, each deal's stays straight from its HubSpot row in any order of its times, and row
numbers of problems deep in a file that DuckDB reads in parallel pieces."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from conftest import CliResult, run_cli
from playbookgen.health.sql import connect
from test_health import csv_text, day, project_with  # noqa: F401 - fixture


def health_json(root: Path) -> CliResult:
    deals = str(root / "deals.csv")
    return run_cli("health", str(root), "--deals", deals, "--deals-format", "hubspot", "--format", "json")


# Texts of HubSpot's 'YYYY-MM-DD HH:MM' shape, and near misses that must take the general way.
TIMES = [
    "2024-01-05 03:07", "1999-12-31 23:59", "2024-02-29 12:30", "0001-01-01 00:00", "9999-12-31 23:59",
    "2024-1-5 3:07", " 2024-01-05 03:07", "2024-01-05 03:07 ", "2024-01-05T03:07", "2024-01-05 03:07Z",
    "2024-01-05 03:07:30", "2024-01-05 03:07+02:00", "2024-13-05 03:07", "2024-02-30 00:00", "2024-01-05 24:00",
    "2024-01-05 23:60", "+024-01-05 03:07", "-024-01-05 03:07", "2O24-01-05 03:07", "2024-01-05 3:7 ",
    "02024-01-05 03:07", "2024-01-05 03:07:00.000", "01/05/2024 03:07", "", " ",
    # sixteen characters, as HubSpot's shape, but not it
    "02024-01-05 3:07", "2024-1-05 03:07 ", "2024-01-5 03:07Z", "2024-01-05 3:07Z", "2024-01-05T3:07Z",
    " 2024-01-5 03:07", "2024-01-05 03:7 ", "+2024-1-05 03:07", "2024-01-05 03:07"[::-1], "2024-01-05+03:07",
    "2024/01/05 03:07", "2024-01-05 0307Z", "12024-1-05 03:07", "2024-01-05 03-07", "2024-01-05  3:07",
]  # fmt: skip


def test_hubspot_time_shape_reads_as_the_general_way(tmp_path: Path) -> None:
    con = connect(tmp_path)
    rows = con.execute("SELECT s, pb_ts(s), pb_any_ts(s) FROM unnest($1::VARCHAR[]) AS t(s)", [TIMES]).fetchall()
    assert [(s, fast) for s, fast, general in rows if fast != general] == []
    read = {s: fast for s, fast, _ in rows}
    assert read["2024-01-05 03:07"] == datetime(2024, 1, 5, 3, 7, tzinfo=UTC).timestamp() * 1000
    assert read["2024-01-05 03:07+02:00"] == datetime(2024, 1, 5, 1, 7, tzinfo=UTC).timestamp() * 1000
    assert read["2024-13-05 03:07"] is None and read["2O24-01-05 03:07"] is None and read[""] is None


# Amounts of HubSpot's '32,900' shape, and near misses that must take the general way.
AMOUNTS = [
    "32,900", "1,234,567.89", "-1,000", "999", "1,000.5", " 12,300 ", "12,30", "1,2345", "1,234,56",
    "12,300,00", ",300", "1,,300", "1.234.567", "1 234,50", "PLN 12,300", "12,300 zł", "$1,000.00", "",
    "1234.5", "-0.25", "007", "+5", ".5", "5.", "1e3", " 42", "42 ", "1,000,000,000,000,000,000,000,000,000,000,000",
    "99999999999999999999999999999999999999", "12.30", "1,000.", "-", "--1",
]  # fmt: skip


def test_amount_shape_reads_as_the_general_way(tmp_path: Path) -> None:
    con = connect(tmp_path)
    rows = con.execute("SELECT s, pb_amount(s), pb_any_amount(s), try_cast(pb_number(pb_digits(s)) AS DECIMAL(38, 4)) "
                       "FROM unnest($1::VARCHAR[]) AS t(s)", [AMOUNTS]).fetchall()
    # The shape-first order of pb_amount reads every text as the plain-cast-first order does, and a number
    # with separators as the general extract-and-replace does.
    assert [(s, fast, plain) for s, fast, plain, _ in rows if fast != plain] == []
    assert [(s, fast, general) for s, fast, _, general in rows
            if s.strip() and "," in s and fast != general] == []
    read = {s: fast for s, fast, *_ in rows}
    assert str(read["32,900"]) == "32900.0000" and str(read["1,234,567.89"]) == "1234567.8900"
    assert str(read["-1,000"]) == "-1000.0000" and read[""] is None


# Every character DuckDB's trim() strips (the Unicode space separators), found by asking it, and texts that
# begin or end with each, or with what is not stripped (tab, newline, zero-width space, control characters).
def _stripped_by_trim(con: duckdb.DuckDBPyConnection) -> list[int]:
    found = con.execute(
        "SELECT list(i) FROM range(1, 1114112) t(i) WHERE (i < 55296 OR i > 57343) "
        "AND length(trim(chr(i::INTEGER) || 'a')) = 1").fetchone()
    assert found is not None
    return list(found[0])


def test_the_quick_trim_and_blank_test_agree_with_trim(tmp_path: Path) -> None:
    con = connect(tmp_path)
    spaces = _stripped_by_trim(con)
    assert 32 in spaces and 160 in spaces and 12288 in spaces and 9 not in spaces  # the probe itself works
    edges = [chr(c) for c in [*spaces, 9, 10, 13, 31, 33, 126, 127, 128, 159, 8203, 65279]]
    texts = ["", "a", "ab", "Jan Kowalski", "Łódź", "zł", "a b"]
    texts += [e + t for e in edges for t in ("", "x", "Łódź")] + [t + e for e in edges for t in ("x", "Łódź")]
    texts += [e + "x" + e for e in edges] + [e * 3 for e in edges]
    rows = con.execute("SELECT s, pb_trim(s), trim(s), pb_blank(s), s IS NULL OR trim(s) = '' "
                       "FROM unnest($1::VARCHAR[]) AS t(s)", [[*texts, None]]).fetchall()
    assert len(rows) == len(texts) + 1
    assert [(s, quick, plain) for s, quick, plain, _, _ in rows if quick != plain] == []
    assert [(s, quick, plain) for s, _, _, quick, plain in rows if quick != plain] == []
    read = {s: (trimmed, is_blank) for s, trimmed, _, is_blank, _ in rows}
    assert read["\u00a0Łódź"] == ("Łódź", False) and read["\u3000" * 3] == ("", True)
    assert read["\tx"] == ("\tx", False) and read[None] == (None, True)


# HubSpot stays in every order. Stage B has a column in two pipelines; stage C has a 'Date exited'.
# Days from 1 January 2024, per deal (current stage; entries):
# h1 open in C; A 10, B 2, C 20: out of playbook order, so B 2..10 = 8 and A 10..20 = 10.
# h2 won; A 0, B 0, C 5, won 9: A and B in the same minute are passed in playbook order, A 0 and B 5; C 4.
# h3 won; A 3, B 1, C 3, won 8: out of order and a tie: B 2, A 0 (C comes after A at the same time), C 5.
# h4 open in C; A 0, B (second pipeline) 4, C 6: A 4, B 2.
# h5 open in C; A 0, B 2, B (second pipeline) 5, C 9: A 2, B (5 - 2) + (9 - 5) = 7.
# h6 lost (no lost date); A 0, C 2, C exited 6: A 2, C 4 (no next entry: the stay ends at the exit).
HUBSPOT_HEADER = ["Record ID", "Deal Stage", 'Date entered "Stage A (P1)"', 'Date entered "Stage B (P1)"',
                  'Date entered "Stage C (P1)"', 'Date entered "Stage B (P2)"', 'Date exited "Stage C (P1)"',
                  'Date entered "Closed Won (P1)"', 'Date entered "Closed Lost (P1)"']
HUBSPOT_DEALS = [  # id, stage, A, B, C, B in P2, C exited, won, lost
    ("h1", "Stage C", 10, 2, 20, None, None, None, None),
    ("h2", "Closed Won", 0, 0, 5, None, None, 9, None),
    ("h3", "Closed Won", 3, 1, 3, None, None, 8, None),
    ("h4", "Stage C", 0, None, 6, 4, None, None, None),
    ("h5", "Stage C", 0, 2, 9, 5, None, None, None),
    ("h6", "Closed Lost", 0, None, 2, None, 6, None, None),
]
# Ended stays A: 10, 0, 0, 4, 2, 2; B: 8, 5, 2, 2, 7; C: 4, 5, 4, and h1, h4 and h5 are in C now: as of day 20
# (the file's latest time) open for 0, 14 and 11 days. Kaplan-Meier (docs/health.md): A falls to 4/6 at 0, 1/3 at
# 2 (median), 1/6 at 4, 0 at 10 (p90); B to 3/5 at 2, 2/5 at 5 (median), 1/5 at 7, 0 at 8 (p90); C (h1's 0 days
# censored first) to 3/5 at 4 and 2/5 at 5 (median), and no lower: the open stays give no p90 yet.
HUBSPOT_DAYS = {"a": (2.0, 10.0), "b": (5.0, 8.0), "c": (5.0, None), "d": (None, None)}


def test_hubspot_stays_in_any_order_of_a_deals_times(project_with: Callable[..., Path]) -> None:  # noqa: F811
    rows = [[deal, stage, *("" if d is None else day(d, "%Y-%m-%d %H:%M") for d in days)]
            for deal, stage, *days in HUBSPOT_DEALS]
    root = project_with(csv_text(HUBSPOT_HEADER, rows))
    result = health_json(root)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["source"]["deals"] == 6
    for stage in data["stages"]:
        median, p90 = HUBSPOT_DAYS[stage["id"]]
        assert (stage["median_days"], stage["p90_days"]) == (median, pytest.approx(p90) if p90 else None), stage


def test_row_numbers_stay_exact_deep_in_a_big_file(project_with: Callable[..., Path]) -> None:  # noqa: F811
    """About 20 MB: DuckDB reads it in pieces on several threads, and the rows it names must still be the
    rows a spreadsheet shows."""
    count = 700_000
    bad = {2: "soon", 350_001: "later", count + 1: "never"}  # spreadsheet rows (the header is row 1)
    lines = ["Record ID,Deal Stage,Date entered \"Stage A\""]
    lines += [f"{row},Stage A,{bad.get(row, '2024-01-01 00:00')}" for row in range(2, count + 2)]
    root = project_with("\n".join(lines) + "\n")
    result = health_json(root)
    assert result.exit_code == 1
    found = [line for line in result.stderr.splitlines() if "[deals-bad-date]" in line]
    header = 'Date entered "Stage A"'
    assert found == [f"deals.csv:{row}:3: error: '{header}': '{text}' is not a date or time this reader knows "
                     "(use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS) [deals-bad-date]" for row, text in bad.items()]
    assert json.loads(result.stdout)["source"] == {"file": "deals.csv", "format": "hubspot", "rows": count,
                                                   "deals": count - 3, "skipped_rows": 3,
                                                   "encoding": "utf-8", "date_format": None}


@pytest.mark.parametrize("dialect", ["bom", "semicolon", "tab", "lf"])
def test_the_export_reads_the_same_in_each_dialect_a_spreadsheet_saves(project_with, dialect: str) -> None:  # noqa: F811
    """A byte-order mark (Excel's 'CSV UTF-8'), semicolons (Excel where the decimal mark is a comma), tabs, and
    bare line feeds: the same deals, the same report."""
    rows = [[deal, stage, *("" if d is None else day(d, "%Y-%m-%d %H:%M") for d in days)]
            for deal, stage, *days in HUBSPOT_DEALS]
    plain = csv_text(HUBSPOT_HEADER, rows)
    delimiter = {"semicolon": ";", "tab": "\t"}.get(dialect, ",")
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n" if dialect == "lf" else "\r\n").writerows(
        [HUBSPOT_HEADER, *rows])
    text = ("\ufeff" if dialect == "bom" else "") + out.getvalue()
    expected = health_json(project_with(plain))
    result = health_json(project_with(text.encode("utf-8")))
    assert result.exit_code == expected.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(expected.stdout)


def test_a_header_written_twice_is_read_not_refused(project_with) -> None:  # noqa: F811
    """Two columns with one header (an export with a property added twice): DuckDB names the second apart,
    and the first is the one read."""
    text = csv_text(["Record ID", "Deal Stage", 'Date entered "Stage A"', "Deal Stage"],
                    [["1", "Stage A", "2024-01-01 00:00", "Stage C"]])
    result = health_json(project_with(text))
    assert result.exit_code == 0, result.stderr
    assert [s["open"] for s in json.loads(result.stdout)["stages"]][0] == 1


# Header lines as CRMs and spreadsheets write them, and ones DuckDB names otherwise (it trims a name, numbers a
# repeated one, names an empty one column<i>): each with the delimiter it is read with.
HEADER_LINES = [
    ("deal_id,stage,entered_at,amount,currency,name\n", ","),
    ("\ufeffdeal_id,stage,entered_at\r\n", ","),
    ('Record ID,Deal Name,"Date entered ""Poszukiwanie (Sample pipeline)""",'
     "Date entered 'Negocjacje (Sample pipeline)'\n", ","),
    ('"ID","OPPORTUNITYID","CREATEDDATE","STAGENAME"\r\n', ","),
    ("Id;Nazwa;Etap;Wartość;Data utworzenia\r\n", ";"),
    ("ID\tTitle\tStage\tDeal created\n", "\t"),
    ('"a,b",c\n', ","), ("it's,back\\slash,naïve\n", ","), ("only\n", ","),
    ("a,b,a\n", ","), ("a,A\n", ","), ("a,,c\n", ","), ("a ,b\n", ","), (" a,b\n", ","), ('" a",b\n', ","),
    ('"multi\nline",b\n', ","), ("a,b", ","), ("a\tb,c\n", ","),
]  # fmt: skip


def test_header_names_are_the_names_duckdb_gives(tmp_path: Path) -> None:
    from playbookgen.health.csvfile import first_line, header_names

    con = duckdb.connect()
    taken = 0
    for i, (line, delimiter) in enumerate(HEADER_LINES):
        path = tmp_path / f"h{i}.csv"
        values = delimiter.join(str(n) for n in range(len(next(csv.reader([line], delimiter=delimiter)))))
        ending = "\r\n" if line.endswith("\r\n") else "\n"
        path.write_bytes((line + ("" if line.endswith("\n") else ending) + values + ending).encode("utf-8"))
        plain = header_names(first_line(path), delimiter)
        try:
            described = [row[0] for row in con.execute(
                "DESCRIBE SELECT * FROM read_csv(?, header = true, all_varchar = true, normalize_names = false, "
                "delim = ?, quote = '\"', escape = '\"', strict_mode = true, skip = 0)",
                [str(path), delimiter]).fetchall()]
        except duckdb.Error:  # a line DuckDB cannot read at all: the reading pass reports the file
            continue
        assert plain is None or plain == described, (line, plain, described)
        taken += plain is not None
    assert taken >= 9  # every well-formed line above is read without DESCRIBE
