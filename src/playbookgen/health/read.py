"""Read a CRM deals export into DuckDB and normalise it: every cell checked, every bad one reported.

Out come two relations the metrics read, whatever the CRM: ``deals(deal_id, name, amount, currency,
current_pos, current_at, first_ms, max_open_pos, first_pos)``, one row per deal (first_pos: the stage of its
earliest entry, NULL where the export holds no history), positions being open stages 1..n,
won n+1, lost n+2 and times milliseconds since 1970 UTC; and ``stays(pos, ms)``, one row per deal and
open stage it has left: its days there, in ms. The heavy lifting is SQL over one pass of the file, so a
million rows never pass through a Python loop.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb

from ..errors import Diagnostic, ValidationFailed, error, warning
from .formats import COLUMNS, DATE_ENTERED, DATE_EXITED, Column, StageMap, dated_label
from .hubspot import StageColumn, current_at_sql, deals_sql, first_sql, furthest_sql
from .source import DealsRequest

__all__ = ["Loaded", "load_deals", "connect", "LISTED_PER_KIND"]

LISTED_PER_KIND = 20  # per-row problems listed one by one; the rest are counted in one line
_SAMPLE_WORD = "regexp_matches({}, '\\bSAMPLE\\b')"  # SQL: the text holds the word SAMPLE, in capitals

# Timestamps: ISO 8601 first (DuckDB's own cast: T or space, optional seconds and fraction, Z or offset;
# none means UTC, as the session's time zone is UTC), then the CRMs' report formats.
_OTHER_TIME_FORMATS = [
    "%m/%d/%Y, %I:%M %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
]  # fmt: skip
_CURRENCY = r"(?:[A-Za-z]{3}|[$€£¥₹]|zł|kr)"
_SPACES = " \u00a0\u202f"  # thousands separators: space, no-break space, narrow no-break space
_AMOUNT_SHAPE = rf"^\s*{_CURRENCY}?\s*(-?\s*[0-9][0-9{_SPACES},.']*?)\s*{_CURRENCY}?\s*$"

_MACROS = f"""
CREATE OR REPLACE TEMP MACRO pb_blank(s) AS s IS NULL OR trim(s) = '';
CREATE OR REPLACE TEMP MACRO pb_any_ts(s) AS coalesce(
    CASE WHEN s[5] = '-' THEN epoch_ms(try_cast(s AS TIMESTAMPTZ)) END,  -- YYYY-: not 'epoch' or 'infinity'
    epoch_ms(try_strptime(trim(s), {_OTHER_TIME_FORMATS!r})));
CREATE OR REPLACE TEMP MACRO pb_ts(s) AS CASE
    WHEN s IS NULL THEN NULL
    -- HubSpot writes 'YYYY-MM-DD HH:MM': a strict strptime of exactly that shape reads it in half the time
    -- of the time-zone-aware cast, to the same instant (no offset means UTC); anything else, or a shape
    -- strptime refuses, takes the general way. tests/test_health_read.py holds them to the same answers.
    WHEN s LIKE '____-__-__ __:__' THEN coalesce(epoch_ms(try_strptime(s, '%Y-%m-%d %H:%M')), pb_any_ts(s))
    ELSE pb_any_ts(s) END;
CREATE OR REPLACE TEMP MACRO pb_digits(s) AS
    regexp_replace(regexp_extract(s, '{_AMOUNT_SHAPE.replace("'", "''")}', 1), '[{_SPACES}'']', '', 'g');
CREATE OR REPLACE TEMP MACRO pb_number(t) AS CASE
    WHEN t = '' THEN NULL
    WHEN contains(t, ',') AND contains(t, '.') THEN CASE
        WHEN strpos(reverse(t), '.') < strpos(reverse(t), ',') THEN replace(t, ',', '')
        ELSE replace(replace(t, '.', ''), ',', '.') END
    WHEN contains(t, ',') THEN CASE
        WHEN regexp_full_match(t, '-?[0-9]{{1,3}}(,[0-9]{{3}})+') THEN replace(t, ',', '') ELSE replace(t, ',', '.') END
    WHEN regexp_full_match(t, '-?[0-9]{{1,3}}([.][0-9]{{3}}){{2,}}') THEN replace(t, '.', '')
    ELSE t END;
CREATE OR REPLACE TEMP MACRO pb_any_amount(s) AS
    CASE WHEN pb_blank(s) THEN NULL ELSE coalesce(
        try_cast(trim(s) AS DECIMAL(38, 4)),  -- a plain number: no regular expressions needed
        CASE WHEN regexp_full_match(trim(s), '-?[0-9]{{1,3}}(,[0-9]{{3}})+([.][0-9]+)?')
             THEN try_cast(replace(trim(s), ',', '') AS DECIMAL(38, 4)) END,
        try_cast(pb_number(pb_digits(s)) AS DECIMAL(38, 4))) END;
CREATE OR REPLACE TEMP MACRO pb_amount(s) AS CASE
    WHEN s IS NULL THEN NULL
    -- '32,900' or '-1,234,567.89', as HubSpot writes amounts, and plain '1234.5': a full match first, since
    -- a cast that fails costs ten times a match. The same values as the general way below, which tries the
    -- plain cast first (tests/test_health_read.py holds them to it).
    WHEN regexp_full_match(s, '-?[0-9]{{1,3}}(,[0-9]{{3}})+([.][0-9]+)?')
        THEN try_cast(replace(s, ',', '') AS DECIMAL(38, 4))
    WHEN regexp_full_match(s, '-?[0-9]+([.][0-9]+)?') THEN try_cast(s AS DECIMAL(38, 4))
    ELSE pb_any_amount(s) END;
"""


def connect(work_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB in UTC that spills to ``work_dir`` rather than grow past a modest limit."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET temp_directory = '{_sql_text(str(work_dir))}'")
    con.execute("SET memory_limit = '500MB'")
    con.execute(_MACROS)
    return con


def _sql_text(value: str) -> str:
    return value.replace("'", "''")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Loaded:
    """What reading produced besides the tables: counts, the latest time seen, and diagnostics."""

    rows: int = 0
    skipped_rows: int = 0
    latest_ms: int | None = None
    has_history: bool = True
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sample: bool | None = None  # every deal named SAMPLE; None: tell from the deals table's names


@dataclass(frozen=True)
class _Cell:
    """A column of the file as the SQL sees it: alias in the raw table, header and 1-based index."""

    alias: str
    header: str
    index: int
    kind: str


# ---------------------------------------------------------------- reading the file


def _delimiter(path: Path) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab: whichever the header line holds most of."""
    with open(path, "rb") as handle:
        first = handle.readline(1 << 20).decode("utf-8", errors="replace")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _csv_source(path: Path, work: Path) -> str:
    # read_csv treats *, ? and [ as a glob: a file named like that is reached through a plain-named link.
    text = str(path)
    if any(c in text for c in "*?["):
        link = work / "deals.csv"
        os.symlink(path, link)
        text = str(link)
    # The dialect is fixed rather than sniffed: a sniffer that guesses wrong on a ragged file would read the
    # wrong row as the header; a fixed one stops at the first ragged row with its line number.
    delim = _sql_text(_delimiter(path))
    return (f"read_csv('{_sql_text(text)}', header = true, all_varchar = true, normalize_names = false, "
            f"delim = '{delim}', quote = '\"', escape = '\"', strict_mode = true, skip = 0)")


def _named(source: str, headers: list[str]) -> str:
    """``source`` with its columns given by name, as DESCRIBE found them: each later read of the file skips
    DuckDB's sniffing (a few hundredths of a second, which is most of what a small export costs)."""
    columns = ", ".join(f"'{_sql_text(h)}': 'VARCHAR'" for h in headers)
    return f"{source[:-1]}, auto_detect = false, columns = {{{columns}}})"


def _headers(con: duckdb.DuckDBPyConnection, source: str, request: DealsRequest) -> list[str]:
    try:
        return [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    except duckdb.Error as exc:
        raise _unreadable(request, exc) from None


def _unreadable(request: DealsRequest, exc: duckdb.Error) -> ValidationFailed:
    text = str(exc)
    line = re.search(r"\bLine:? (\d+)", text)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return ValidationFailed([error(
        request.display, int(line.group(1)) if line else 1, 1, "deals-not-csv",
        "this file cannot be read as CSV: a row has more or fewer cells than the header, or a quote is not "
        f"closed; export it from the CRM again (the reader said: {first})",
    )])


def _find(headers: list[str], wanted: str) -> int | None:
    lowered = [h.strip().lower() for h in headers]
    target = wanted.strip().lower()
    return lowered.index(target) if target in lowered else None


def _columns(request: DealsRequest, headers: list[str]) -> dict[str, _Cell]:
    """Our column names -> cells of the file; a missing required one ends the run with the headers found."""
    found: dict[str, _Cell] = {}
    missing: list[Column] = []
    for column in COLUMNS[request.format]:
        header = request.columns.get(column.name, column.header)
        index = _find(headers, header)
        if index is None:
            if column.required:
                missing.append(column)
            continue
        found[column.name] = _Cell(column.name, headers[index], index + 1, column.kind)
    if missing:
        more = f" and {len(headers) - 40} more" if len(headers) > 40 else ""
        shown = ", ".join(f"'{h}'" for h in headers[:40]) + more
        problems = [
            error(request.display, 1, 1, "deals-missing-column",
                  f"the {request.format} export needs a column '{request.columns.get(c.name, c.header)}' ({c.name}); "
                  f"headers found: {shown}" + ("" if c.name in request.columns else (
                      f" (if the export names it differently, map it: deals.columns.{c.name})")))
            for c in missing
        ]
        raise ValidationFailed(problems)
    return found


def _hubspot_dates(request: DealsRequest, headers: list[str]) -> tuple[list[tuple[_Cell, str]], dict[str, _Cell]]:
    """HubSpot's 'Date entered "<label>"' cells with their labels, and 'Date exited' cells by label."""
    entered_prefix = request.columns.get("date_entered", DATE_ENTERED)
    exited_prefix = request.columns.get("date_exited", DATE_EXITED)
    entered: list[tuple[_Cell, str]] = []
    exited: dict[str, _Cell] = {}
    for i, header in enumerate(headers):
        if (label := dated_label(header, entered_prefix)) is not None:
            entered.append((_Cell(f"e{len(entered)}", header, i + 1, "time"), label))
        elif (label := dated_label(header, exited_prefix)) is not None:
            exited[label.lower()] = _Cell(f"x{len(exited)}", header, i + 1, "time")
    if not entered:
        raise ValidationFailed([error(
            request.display, 1, 1, "deals-missing-column",
            f"the HubSpot export needs a '{entered_prefix} \"<stage>\"' column for each stage, and has none; "
            "add the 'Date entered' properties of your pipeline's stages to the exported columns",
        )])
    return entered, exited


_PARSE = {"time": "pb_ts", "amount": "pb_amount"}


def _unparsed(parsed: str, text: str) -> str:
    """SQL: the cell has text (not blank) and it did not parse. A CASE, so trim() runs only on the cells that
    did not parse: a plain AND in a SELECT list trims every cell (0.2 s a million)."""
    return f"CASE WHEN {parsed} IS NULL AND {text} IS NOT NULL THEN trim({text}) <> '' ELSE false END"


def _raw_picks(cells: list[_Cell]) -> tuple[str, str]:
    """The inner and outer SELECT lists of the one pass over the file.

    Text cells are kept as they are. A time or amount cell is parsed once (p_<alias>) and its text kept
    only where it does not parse (bad_<alias>, else NULL): the diagnostics need that text, and nothing
    else does, so a million well-formed cells are never stored twice. The parse sits in the inner SELECT
    so the outer one reads its result instead of parsing again.
    """
    inner, outer = [], []
    for c in cells:
        if c.kind in _PARSE:
            inner += [f"{_ident(c.header)} AS t_{c.alias}", f"{_PARSE[c.kind]}({_ident(c.header)}) AS p_{c.alias}"]
            bad = f"CASE WHEN {_unparsed(f'p_{c.alias}', f't_{c.alias}')} THEN t_{c.alias} END"
            outer += [f"p_{c.alias}", f"{bad} AS bad_{c.alias}"]
        else:
            inner.append(f"{_ident(c.header)} AS {c.alias}")
            outer.append(c.alias)
    return ", ".join(inner), ", ".join(outer)


def _load_raw(con: duckdb.DuckDBPyConnection, source: str, cells: list[_Cell], request: DealsRequest) -> None:
    """Table raw_cells, one pass over the file; view raw adds each record's row as a spreadsheet shows it."""
    inner, outer = _raw_picks(cells)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_cells AS SELECT {outer} FROM (SELECT {inner} FROM {source})")
    except duckdb.Error as exc:
        raise _unreadable(request, exc) from None
    # A new table keeps the file's order (DuckDB preserves insertion order), so rowid 0 is the record on
    # row 2, under the header. rowid costs nothing, where row_number() OVER () would read the file on one
    # thread and hold it all in a window.
    con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + 2 AS _row, * FROM raw_cells")


# ---------------------------------------------------------------- cell checks


def _parsed(cell: _Cell) -> str:
    if cell.kind in _PARSE:
        return f"p_{cell.alias}"
    return f"nullif(trim({cell.alias}), '')"


def _optional(columns: dict[str, _Cell], name: str) -> str:
    """The parsed value of our column ``name``, or NULL where the export does not have it."""
    return _parsed(columns[name]) if name in columns else "NULL"


def _bad_condition(cell: _Cell) -> str:
    return f"(bad_{cell.alias} IS NOT NULL)"


def _blank(cell: _Cell) -> str:
    """The cell is empty or spaces only: a parsed cell is then neither a value nor a bad text."""
    if cell.kind in _PARSE:
        return f"(p_{cell.alias} IS NULL AND bad_{cell.alias} IS NULL)"
    return f"pb_blank({cell.alias})"


_WHAT = {"time": ("deals-bad-date", "is not a date or time this reader knows (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"),
         "amount": ("deals-bad-amount", "is not an amount (a number, with a thousands separator or a currency sign "
                                        "if you like)")}
_BAD_CODES = {code for code, _ in _WHAT.values()}


def _listed(con: duckdb.DuckDBPyConnection, where: str, value: str,
            limit: int = LISTED_PER_KIND + 1) -> tuple[int, list[tuple[int, str]]]:
    """How many raw rows match ``where``, and the first ``limit`` of them as (row, value): one more than is
    listed, so the line that counts the rest can point at the first row left out."""
    count = con.execute(f"SELECT count(*) FROM raw WHERE {where}").fetchone()
    query = f"SELECT _row, coalesce({value}, '') FROM raw WHERE {where} ORDER BY _row LIMIT {limit}"
    rows = con.execute(query).fetchall()
    return (count[0] if count else 0), [(int(r), str(v)) for r, v in rows]


@dataclass
class _Found:
    """Per-row problems of one kind, gathered over columns, so they can be listed up to a limit."""

    code: str
    items: list[tuple[int, int, str]] = field(default_factory=list)  # row, column, message
    total: int = 0
    warn: bool = False

    def diagnostics(self, file: str) -> list[Diagnostic]:
        make = warning if self.warn else error
        self.items.sort()
        shown = self.items[:LISTED_PER_KIND]
        found = [make(file, row, col, self.code, message) for row, col, message in shown]
        if self.total > len(shown):
            row, col, _ = self.items[len(shown)] if len(self.items) > len(shown) else shown[-1]
            found.append(make(file, row, col, self.code,
                              f"{self.total - len(shown):,} more like the above (only the first {len(shown)} are "
                              "listed)"))
        return found


def _check_cells(con: duckdb.DuckDBPyConnection, cells: list[_Cell], required: set[str],
                 suspects: str | None = "true") -> tuple[list[_Found], str]:
    """Cells that do not parse and required cells left empty; and the SQL condition of a row to skip.
    ``suspects``: a cheap condition on raw that every row with such a cell meets, so the others are not checked;
    None when the caller knows no row meets it."""
    kinds = {code: _Found(code) for code, _ in _WHAT.values()} | {"deals-empty-cell": _Found("deals-empty-cell")}
    checks = []  # (condition, cell, code, message after the value)
    for cell in cells:
        if cell.kind in _WHAT:
            code, text = _WHAT[cell.kind]
            checks.append((_bad_condition(cell), cell, code, text))
        if cell.alias in required:
            checks.append((_blank(cell), cell, "deals-empty-cell", ""))
    if not checks:
        return list(kinds.values()), "false"
    if suspects is None:  # the caller found no suspect row: nothing to list
        return list(kinds.values()), " OR ".join(where for where, *_ in checks)
    # One pass counts every kind of problem; only the kinds that occur are listed row by row.
    counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {where})" for where, *_ in checks)
                         + f" FROM raw WHERE {suspects}").fetchone() or ()
    for (where, cell, code, text), count in zip(checks, counts, strict=True):
        if not count:
            continue
        _, rows = _listed(con, f"({suspects}) AND {where}", f"bad_{cell.alias}" if code in _BAD_CODES else "NULL")
        kinds[code].total += int(count)
        if code == "deals-empty-cell":
            kinds[code].items += [(r, cell.index, f"'{cell.header}' is empty; every row needs one, so the row is "
                                                  "skipped")
                                  for r, _ in rows]
        else:
            kinds[code].items += [(r, cell.index, f"'{cell.header}': '{v}' {text}") for r, v in rows]
    return list(kinds.values()), " OR ".join(where for where, *_ in checks)


def _stage_lookup(con: duckdb.DuckDBPyConnection, stages: StageMap, values_sql: str) -> None:
    """Table lookup(raw, pos): each distinct stage text of the file and where it lands (NULL: unknown)."""
    distinct = [row[0] for row in con.execute(values_sql).fetchall()]
    _stage_table(con, distinct, [stages.position(value) for value in distinct])


def _stage_table(con: duckdb.DuckDBPyConnection, texts: list[str], positions: list[int | None]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE lookup (raw VARCHAR, pos INTEGER)")
    con.execute("INSERT INTO lookup SELECT unnest($1::VARCHAR[]), unnest($2::INTEGER[])", [texts, positions])


def _unknown_stages(con: duckdb.DuckDBPyConnection, stages: StageMap, cell: _Cell,
                    extra: list[tuple[str, int, int, int]],
                    candidates: str | None = "true") -> _Found:
    """One warning per distinct stage text that matches no stage: its rows, first place, nearest stage.
    ``candidates``: a condition on raw r that every such row meets, so the others need no lookup; None when
    the caller knows no row has such a text (``extra`` is then all there is)."""
    rows = [] if candidates is None else con.execute(
        f"SELECT lower(trim(r.{cell.alias})) AS k, arg_min(trim(r.{cell.alias}), r._row), min(r._row), count(*) "
        f"FROM raw r JOIN lookup l ON l.raw = r.{cell.alias} WHERE ({candidates}) AND l.pos IS NULL "
        f"AND NOT pb_blank(r.{cell.alias}) GROUP BY k"  # a blank one is reported as an empty cell, and only so
    ).fetchall()
    # By lower-cased value: the value as first written, its first place, how many rows name it in the stage
    # column (skipped) and how many fill a 'Date entered' column of it (those dates are left out).
    merged: dict[str, tuple[str, int, int, int, int]] = {
        str(key): (str(value), int(row), cell.index, int(count), 0) for key, value, row, count in rows}
    for value, row, column, count in extra:
        first = merged.get(value.lower(), (value, row, column, 0, 0))
        merged[value.lower()] = (*first[:4], first[4] + count)
    found = _Found("deals-unknown-stage", warn=True)
    for value, row, column, skipped, dated in merged.values():
        rows_text = f"{skipped:,} row{'s' * (skipped != 1)}"
        dates_text = f"its 'Date entered' column filled in {dated:,} row{'s' * (dated != 1)}"
        if skipped and dated:
            what, effect = f"{rows_text}, and {dates_text}", "Its rows are skipped and those dates left out"
        elif dated:
            what, effect = dates_text, "Those dates are left out; the deals count with their other stages"
        else:
            what, effect = rows_text, "Its rows are skipped"
        found.items.append((row, column, (
            f"stage '{value}' ({what}) matches no stage of the playbook; nearest: '{stages.nearest(value)}'. "
            f"{effect}: if it is that stage, give the stage 'crm:' with this name, or map it in the CRM")))
    found.total = len(found.items)
    return found


# ---------------------------------------------------------------- per format


def load_deals(con: duckdb.DuckDBPyConnection, request: DealsRequest, stages: StageMap, work: Path) -> Loaded:
    """Fill the entries and deals tables from the file; problems go to ``Loaded.diagnostics``."""
    source = _csv_source(request.path, work)
    headers = _headers(con, source, request)
    columns = _columns(request, headers)
    source = _named(source, headers)
    if request.format == "hubspot":
        return _hubspot(con, source, request, stages, columns, headers)
    if request.format == "pipedrive":
        return _pipedrive(con, source, request, stages, columns)
    return _history(con, source, request, stages, columns)


def _finish(con: duckdb.DuckDBPyConnection, request: DealsRequest, loaded: Loaded, found: list[_Found],
            kept: str = "typed WHERE NOT _skip", table: str = "raw_cells", keep_table: bool = False) -> Loaded:
    """Diagnostics in, rows counted (``kept``: the rows the figures use), and the file's cells freed
    (``table``, the one row per record of the file; unless the figures read it: ``keep_table``)."""
    for kind in found:
        loaded.diagnostics += kind.diagnostics(request.display)
    loaded.rows = _scalar(con, f"SELECT count(*) FROM {table}") or 0
    loaded.skipped_rows = loaded.rows - (_scalar(con, f"SELECT count(*) FROM {kept}") or 0)
    # Every check is done and the relations the metrics read hold what they need: free the cells.
    con.execute("DROP VIEW raw")
    if not keep_table:
        con.execute(f"DROP TABLE {table}")
    return loaded


# Days in stage from a long history (csv, Salesforce): a stay ends at the deal's next entry; deals now in the
# stage are left out. Same-stage rows in a row are one stay: measuring each row to the next row gives the
# same sum, (b - a2) + (a2 - a1) = b - a1, with one window instead of two.
_HISTORY_STAYS = """
    CREATE OR REPLACE TEMP TABLE stays AS
    WITH runs AS (
        SELECT grp, pos, at_ms, lead(at_ms) OVER (PARTITION BY grp ORDER BY at_ms, _row) AS next_ms FROM entries),
    ended AS (
        SELECT r.grp, r.pos, r.next_ms - r.at_ms AS ms
        FROM runs r JOIN deals d ON d.grp = r.grp
        WHERE r.pos <= {n} AND d.current_pos IS DISTINCT FROM r.pos AND r.next_ms >= r.at_ms)
    SELECT pos, sum(ms) AS ms FROM ended GROUP BY grp, pos
"""


def _history(con: duckdb.DuckDBPyConnection, source: str, request: DealsRequest, stages: StageMap,
             columns: dict[str, _Cell]) -> Loaded:
    """csv and Salesforce OpportunityHistory: one row per entry into a stage (or per change, for Salesforce)."""
    cells = list(columns.values())
    _load_raw(con, source, cells, request)
    found, bad = _check_cells(con, cells, {"deal_id", "stage", "entered_at"})
    _stage_lookup(con, stages, "SELECT DISTINCT stage FROM raw WHERE stage IS NOT NULL")
    unknown = _unknown_stages(con, stages, columns["stage"], [])
    opt = partial(_optional, columns)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE typed AS
        SELECT r._row, trim(r.deal_id) AS deal_id, l.pos, r.p_entered_at AS at_ms,
               {opt('amount')} AS amount, upper({opt('currency')}) AS currency, {opt('name')} AS name,
               ({bad}) OR l.pos IS NULL AS _skip
        FROM raw r LEFT JOIN lookup l ON l.raw = r.stage
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE entries AS
        SELECT deal_id, deal_id AS grp, pos, at_ms, _row FROM typed WHERE NOT _skip
    """)
    backwards = _Found("deals-time-backwards", warn=True)
    at = columns["entered_at"]
    rows = con.execute("""
        SELECT _row, deal_id, prev_row FROM (
            SELECT _row, deal_id, at_ms, lag(at_ms) OVER w AS prev_at, lag(_row) OVER w AS prev_row
            FROM typed WHERE NOT _skip WINDOW w AS (PARTITION BY deal_id ORDER BY _row))
        WHERE at_ms < prev_at ORDER BY _row
    """).fetchall()
    backwards.total = len(rows)
    backwards.items = [(int(r), at.index, f"deal '{d}' goes back in time: this entry is earlier than its entry on "
                                          f"row {p}; entries are counted in time order, check the dates")
                       for r, d, p in rows[:LISTED_PER_KIND + 1]]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE deals AS
        WITH runs AS (
            SELECT *, lag(pos) OVER (PARTITION BY deal_id ORDER BY at_ms, _row) AS prev_pos FROM entries)
        SELECT e.deal_id, e.deal_id AS grp,
               arg_max(t.name, {{'t': t.at_ms, 'r': t._row}}) FILTER (WHERE t.name IS NOT NULL) AS name,
               arg_max(t.amount, {{'t': t.at_ms, 'r': t._row}}) FILTER (WHERE t.amount IS NOT NULL) AS amount,
               arg_max(t.currency, {{'t': t.at_ms, 'r': t._row}}) FILTER (WHERE t.currency IS NOT NULL) AS currency,
               arg_max(e.pos, {{'t': e.at_ms, 'r': e._row}}) AS current_pos,
               -- the current stay starts at the first of the last run of same-stage rows (Salesforce repeats them)
               max(e.at_ms) FILTER (WHERE e.prev_pos IS DISTINCT FROM e.pos) AS current_at,
               min(e.at_ms) AS first_ms,
               max(e.pos) FILTER (WHERE e.pos <= {len(stages.open_ids)}) AS max_open_pos,
               arg_min(e.pos, {{'t': e.at_ms, 'r': e._row}}) AS first_pos
        FROM runs e JOIN typed t ON t._row = e._row
        GROUP BY e.deal_id
    """)
    con.execute(_HISTORY_STAYS.format(n=len(stages.open_ids)))
    loaded = Loaded(latest_ms=_scalar(con, "SELECT max(at_ms) FROM entries"))
    return _finish(con, request, loaded, [*found, unknown, backwards])


def all_named_sample(con: duckdb.DuckDBPyConnection, rows: str) -> bool:
    """True when ``rows`` (a FROM clause with a ``name`` column) hold deals and every one is named with
    the word SAMPLE, in capitals.

    That is how the repository's synthetic export marks itself ("SAMPLE deal 00001 (synthetic)"),
    so a page or a report made from it says it is sample data even when the file was passed on the
    command line. A real deal called "Sample kit" does not count: the word is in capitals, and
    every deal must have it.
    """
    row = con.execute(f"SELECT count(*), count(*) FILTER (WHERE {_SAMPLE_WORD.format('name')}) FROM {rows}").fetchone()
    return row is not None and row[0] > 0 and row[0] == row[1]


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int | None:
    row = con.execute(sql).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _hubspot(con: duckdb.DuckDBPyConnection, source: str, request: DealsRequest, stages: StageMap,
             columns: dict[str, _Cell], headers: list[str]) -> Loaded:
    """HubSpot: one row per deal, its current 'Deal Stage', and a 'Date entered' time per stage.

    One pass over the file fills table hubspot_rows, a row per record in the file's order: each deal's facts
    and stays computed straight from its cells (no entries table, join, grouping or sort), with the few texts
    the checks need. View deals is its rows that are not skipped.
    """
    entered, exited = _hubspot_dates(request, headers)
    pairs = [(cell, label, exited.get(label.lower()), stages.position(label)) for cell, label in entered]
    cells = [*columns.values(), *(c for c, *_ in pairs), *exited.values()]
    # Parsed times kept beside the facts: those the checks below compare (an exit and its entry) or count
    # (a column whose stage is not in the playbook).
    checked = list(dict.fromkeys([*(cell for cell, _, exit_cell, pos in pairs if exit_cell is not None or pos is None),
                                  *exited.values()]))
    # The stage names as the playbook writes them first (CRMs mostly hold them so, and an exact compare is
    # cheap), then as SQL lower-cases and trims a text.
    as_written = {name: stages.position(name) for name in stages.names}
    written = _stage_case("stage", as_written)
    normalised = _stage_case("lower(trim(stage))", stages.keys)
    _hubspot_rows(con, source, request, stages, cells, pairs, checked, written, normalised)
    # The pass matched 'Deal Stage' texts as SQL lower-cases and trims them; the playbook's own matching
    # (formats.StageMap.position) is the rule. When it places any text differently (a label with its pipeline,
    # a letter SQL lower-cases otherwise), the pass runs again with every text of the file placed by it.
    distinct = con.execute("SELECT DISTINCT stage, current_pos FROM hubspot_rows WHERE stage IS NOT NULL").fetchall()
    exact = {str(text): stages.position(str(text)) for text, _ in distinct}
    if any(exact[str(text)] != pos for text, pos in distinct):
        _hubspot_rows(con, source, request, stages, cells, pairs, checked, written, _stage_case("stage", exact))
    _stage_table(con, list(exact), list(exact.values()))
    # The checks read a parsed cell's text where it did not parse (bad_<alias>), as from raw_cells elsewhere.
    parsed = [c for c in cells if c.kind in _PARSE]
    bad = "".join(f", CASE WHEN _texts IS NOT NULL AND {_unparsed(f'{_PARSE[c.kind]}(_texts[{j}])', f'_texts[{j}]')} "
                  f"THEN _texts[{j}] END AS bad_{c.alias}" for j, c in enumerate(parsed, start=1))
    # A row whose stage text is a name as the playbook writes it kept no text: it shows that name.
    names: dict[int, str] = {}
    for stage_name, pos in as_written.items():
        if pos is not None:
            names.setdefault(pos, stage_name)
    written_name = " ".join(f"WHEN {pos} THEN '{_sql_text(text)}'" for pos, text in names.items())
    stage = (f"CASE WHEN stage IS NULL AND current_pos IS NOT NULL THEN CASE current_pos {written_name} END "
             "ELSE stage END")
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + 2 AS _row, * REPLACE ({stage} AS stage){bad} "
                "FROM hubspot_rows")
    suspects = "_texts IS NOT NULL OR _no_id OR current_pos IS NULL"  # a bad cell, no id, or no stage
    clean = not _scalar(con, f"SELECT count(*) FROM hubspot_rows WHERE {suspects}")
    found, _ = _check_cells(con, cells, {"deal_id", "stage"}, suspects=None if clean else suspects)
    header_unknown = []
    for cell, label, _, pos in pairs:
        if pos is None:
            used = _scalar(con, f"SELECT count(*) FROM raw WHERE NOT {_blank(cell)}") or 0
            if used:
                header_unknown.append((label, 1, cell.index, used))
    unplaced = any(pos is None and text.strip(" ") for text, pos in exact.items())  # a text no stage takes
    unknown = _unknown_stages(con, stages, columns["stage"], header_unknown,
                              "r.current_pos IS NULL" if unplaced else None)
    backwards = _Found("deals-time-backwards", warn=True)
    for cell, label, exit_cell, _ in pairs:
        if exit_cell is None:
            continue
        count, rows = _listed(con, f"p_{exit_cell.alias} < p_{cell.alias}", "trim(deal_id)")
        backwards.total += count
        backwards.items += [(r, exit_cell.index, f"deal '{d}' leaves stage '{label}' before it enters it "
                                                 f"('{exit_cell.header}' is earlier than '{cell.header}')")
                            for r, d in rows]
    counts = con.execute("SELECT max(last_ms), count(*), count(*) FILTER (WHERE _sample) FROM deals").fetchone()
    latest, kept, named = counts if counts else (None, 0, 0)
    loaded = Loaded(latest_ms=None if latest is None else int(latest), sample=kept > 0 and kept == named)
    return _finish(con, request, loaded, [*found, unknown, backwards], kept="deals", table="hubspot_rows",
                   keep_table=True)


def _stage_case(text: str, positions: Mapping[str, int | None]) -> str:
    """SQL placing ``text`` (a stage's text) at its pipeline position by ``positions``, else NULL."""
    branches = " ".join(f"WHEN '{_sql_text(key)}' THEN {pos}" for key, pos in positions.items() if pos is not None)
    return f"CASE {text} {branches} END" if branches else "NULL::INTEGER"


def _hubspot_rows(con: duckdb.DuckDBPyConnection, source: str, request: DealsRequest, stages: StageMap,
                  cells: list[_Cell], pairs: list[tuple[_Cell, str, _Cell | None, int | None]], checked: list[_Cell],
                  written: str, normalised: str) -> None:
    """Table hubspot_rows in one pass over the file, view deals over it, and view stays.

    ``written`` places a row's 'Deal Stage' text (``stage``) in the pipeline where it is a stage's name as the
    playbook writes it, else NULL, and ``normalised`` does for the others. Only rows that ``written`` does not
    place keep the text: the placing of the others is certain, and a million stage names are not stored.
    """
    n = len(stages.open_ids)
    parsed = [c for c in cells if c.kind in _PARSE]
    texts = {c.alias for c in cells if c.kind not in _PARSE}
    known = [StageColumn(cell.alias, exit_cell.alias if exit_cell else None, pos)
             for cell, _, exit_cell, pos in pairs if pos is not None]
    # A cell that has text and does not parse: the row is skipped, and its texts are kept for the report.
    # Only such rows carry them, so a million well-formed rows store no text twice.
    failed = " OR ".join(_unparsed(f"p_{c.alias}", f"t_{c.alias}") for c in parsed) or "false"
    name = "nullif(trim(name), '')" if "name" in texts and request.list_stalled else "NULL::VARCHAR"
    typed = [
        # The id as written; blank is NULL, empty or spaces only (only a text that starts with a space is trimmed).
        "deal_id", "CASE WHEN deal_id IS NULL OR deal_id = '' THEN true WHEN starts_with(deal_id, ' ') "
        "THEN trim(deal_id) = '' ELSE false END AS _no_id",
        "CASE WHEN _written IS NULL THEN stage END AS stage",
        f"coalesce(_written, {normalised}) AS current_pos",
        "p_amount AS amount" if "amount" in {c.alias for c in parsed} else "NULL::DECIMAL(38, 4) AS amount",
        # As written: the metrics upper-case and trim each distinct currency, not a million cells.
        "currency" if "currency" in texts else "NULL::VARCHAR AS currency",
        # Only the list of stalled deals shows names: without it a million of them are not stored.
        f"{name} AS name",
        f"name IS NOT NULL AND {_SAMPLE_WORD.format('name')} AS _sample" if "name" in texts
        else "false AS _sample",
        *(f"p_{c.alias} AS {c.alias}" for c in parsed if c.kind == "time"),
        *(f"t_{c.alias}" for c in parsed), f"({failed}) AS _failed",
    ]
    kept = [t.rsplit(" AS ", 1)[-1] for t in typed if not t.startswith("t_")]
    texts_list = f"CASE WHEN _failed THEN [{', '.join(f't_{c.alias}' for c in parsed)}]::VARCHAR[] END AS _texts"
    inner, _ = _raw_picks(cells)
    rows = (f"(SELECT {', '.join(kept)}, {texts_list} FROM ("
            f"SELECT {', '.join(typed)} FROM (SELECT {inner}, {written} AS _written FROM {source})))")
    times = [c.alias for c in cells if c.kind == "time"]
    facts = {"deal_id": "deal_id", "stage": "stage", "name": "name", "amount": "amount", "currency": "currency",
             "current_pos": "current_pos", "current_at": current_at_sql(known), "first_ms": first_sql(known),
             "max_open_pos": furthest_sql(known, n), "first_pos": _first_pos_sql(known),
             "last_ms": f"greatest({', '.join(times)})",
             "_skip": "_failed OR _no_id OR current_pos IS NULL", "_no_id": "_no_id", "_sample": "_sample",
             "_texts": "_texts",
             **{f"p_{c.alias}": c.alias for c in checked}}
    select, stay_columns = deals_sql(known, n, facts, rows)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE hubspot_rows AS {select}")
    except duckdb.Error as exc:
        raise _unreadable(request, exc) from None
    stays = ", ".join(stay_columns.values())
    # Only the list of stalled deals shows ids: without it a million of them are not trimmed.
    deal_id = "trim(deal_id)" if request.list_stalled else "NULL::VARCHAR"
    con.execute(f"CREATE OR REPLACE TEMP VIEW deals AS SELECT {deal_id} AS deal_id, name, amount, currency, "
                "current_pos, current_at, first_ms, max_open_pos, first_pos, "
                f"last_ms, _sample{', ' + stays if stays else ''} "
                "FROM hubspot_rows WHERE NOT _skip")
    parts = [f"SELECT {pos} AS pos, {name} AS ms FROM deals WHERE {name} IS NOT NULL"
             for pos, name in stay_columns.items()] or ["SELECT NULL::INTEGER AS pos, NULL::BIGINT AS ms WHERE false"]
    con.execute(f"CREATE OR REPLACE TEMP VIEW stays AS {' UNION ALL '.join(parts)}")


def _first_pos_sql(known: list[StageColumn]) -> str:
    """The stage of the deal's earliest 'Date entered' (the lowest position on a tie), else its current stage."""
    if not known:
        return "current_pos"
    first = "least(" + ", ".join(c.alias for c in known) + ")"
    branches = " ".join(f"WHEN {c.alias} = {first} THEN {c.pos}" for c in sorted(known, key=lambda c: c.pos))
    return f"coalesce(CASE {branches} END, current_pos)"


def _pipedrive(con: duckdb.DuckDBPyConnection, source: str, request: DealsRequest, stages: StageMap,
               columns: dict[str, _Cell]) -> Loaded:
    """Pipedrive: a snapshot, one row per deal, with no stage history."""
    cells = list(columns.values())
    _load_raw(con, source, cells, request)
    found, bad = _check_cells(con, cells, {"deal_id", "stage", "status", "created"})
    status = columns["status"]
    count, rows = _listed(con, "NOT pb_blank(status) AND lower(trim(status)) NOT IN ('open', 'won', 'lost')", "status")
    statuses = _Found("deals-bad-status", total=count,
                      items=[(r, status.index, f"'{status.header}': '{v}' is not open, won or lost") for r, v in rows])
    _stage_lookup(con, stages, "SELECT DISTINCT stage FROM raw WHERE stage IS NOT NULL")
    unknown = _unknown_stages(con, stages, columns["stage"], [])
    opt = partial(_optional, columns)
    n = len(stages.open_ids)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE typed AS
        SELECT r._row, trim(r.deal_id) AS deal_id, l.pos AS stage_pos, lower(trim(r.status)) AS status,
               {opt('amount')} AS amount, upper({opt('currency')}) AS currency, {opt('name')} AS name,
               r.p_created AS created, {opt('stage_changed')} AS changed, {opt('won_time')} AS won,
               {opt('lost_time')} AS lost,
               ({bad}) OR l.pos IS NULL OR lower(trim(r.status)) NOT IN ('open', 'won', 'lost')
                   OR pb_blank(r.status) AS _skip
        FROM raw r LEFT JOIN lookup l ON l.raw = r.stage
    """)
    backwards = _Found("deals-time-backwards", warn=True)
    created = columns["created"]
    for name in ("stage_changed", "won_time", "lost_time"):
        if name not in columns:
            continue
        cell = columns[name]
        count, rows = _listed(con, f"p_{cell.alias} < p_created", "trim(deal_id)")
        backwards.total += count
        backwards.items += [(r, cell.index, f"deal '{d}': '{cell.header}' is earlier than '{created.header}'")
                            for r, d in rows]
    con.execute("CREATE OR REPLACE TEMP TABLE stays (pos INTEGER, ms BIGINT)")  # a snapshot holds no stays
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE deals AS
        SELECT deal_id, deal_id AS grp, name, amount, currency,
               CASE status WHEN 'won' THEN {n + 1} WHEN 'lost' THEN {n + 2} ELSE stage_pos END AS current_pos,
               CASE status WHEN 'won' THEN won WHEN 'lost' THEN lost ELSE coalesce(changed, created) END AS current_at,
               created AS first_ms, stage_pos AS max_open_pos, NULL::INTEGER AS first_pos
        FROM typed WHERE NOT _skip
    """)
    latest = _scalar(con, "SELECT max(greatest(created, changed, won, lost)) FROM typed WHERE NOT _skip")
    loaded = Loaded(latest_ms=latest, has_history=False)
    return _finish(con, request, loaded, [*found, statuses, unknown, backwards])
