"""Read a CRM deals export into DuckDB and normalise it: every cell checked, every bad one reported.

Out come two relations the metrics read, whatever the layout: ``deals(deal_id, name, amount, currency,
current_pos, current_at, first_ms, max_open_pos, first_pos, created_ms, closed_ms)``, one row per deal,
positions being open stages 1..n, won n+1, lost n+2 and times milliseconds since 1970 UTC (``first_pos``:
where the deal's earliest entry is, NULL for a snapshot; ``created_ms``/``closed_ms``: NULL where the file
does not have them); and ``stays(pos, ms)``, one row per deal and open stage it has left: its days there, in
ms. The heavy lifting is SQL over one pass of the file, so a million rows never pass through a Python loop.

One module per layout: ``history`` (a row per stage entry, and Salesforce's field history), ``wide`` (a
row per deal with a date per stage) and ``snapshot`` (a row per deal, its current stage only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ...crm import Column, Reader, deals_crm, header_key
from ...errors import Diagnostic, ValidationFailed, error
from ..checks import Bounds, Cell, Found, load_raw
from ..csvfile import CsvFile, NotUtf8, check_file, headers, named, open_csv, spreadsheet_rows
from ..dates import DATE_FORMATS, EARLIEST, SLASH_DATE_SQL, Evidence, Order, evidence, latest_allowed, time_formats
from ..formats import StageMap
from ..source import DealsRequest
from ..sql import SAMPLE_WORD, ident, scalar, set_time_formats

if TYPE_CHECKING:
    import duckdb

__all__ = ["Loaded", "Context", "DateOrder", "load_deals", "read_cells", "finish", "all_named_sample", "names_marked"]

_SAMPLE_BYTES = 1 << 20  # the dates of the first megabyte usually tell their order; else all of them are read


@dataclass
class Loaded:
    """What reading produced besides the tables: counts, the latest time seen, and diagnostics."""

    rows: int = 0
    skipped_rows: int = 0
    latest_ms: int | None = None
    has_history: bool = True
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sample: bool | None = None  # every deal named SAMPLE; None: tell from the deals table's names
    notes: list[str] = field(default_factory=list)  # what the report should say about how the file was read
    encoding: str = "utf-8"
    date_order: str | None = None  # "MM/DD/YYYY" or "DD/MM/YYYY" when the file has such dates


@dataclass
class DateOrder:
    """The file's date order as far as it is known: ``pending`` while the first megabyte did not tell it and
    the reading pass is to count the evidence of every time cell (``sample``: what the megabyte showed)."""

    order: Order | None
    pending: bool = False
    sample: Evidence = field(default_factory=Evidence)


@dataclass(frozen=True)
class Context:
    """What every layout reads with: the connection, the request, the stages, the file and its columns."""

    con: duckdb.DuckDBPyConnection
    request: DealsRequest
    stages: StageMap
    file: CsvFile
    source: str  # SQL: the read_csv of the file, its columns named
    headers: list[str]
    columns: dict[str, Cell]
    bounds: Bounds
    dates: DateOrder = field(default_factory=lambda: DateOrder(None))


def load_deals(con: duckdb.DuckDBPyConnection, request: DealsRequest, stages: StageMap, work: Path) -> Loaded:
    """Fill the deals and stays relations from the file; problems go to ``Loaded.diagnostics``."""
    head = check_file(request)
    try:
        return _load(con, request, stages, work, head, not_utf8=False)
    except NotUtf8:  # UTF-8 at its start only: read again, as its code page (or refused where deals.encoding says)
        return _load(con, request, stages, work, head, not_utf8=True)


def _load(con: duckdb.DuckDBPyConnection, request: DealsRequest, stages: StageMap, work: Path, head: bytes,
          not_utf8: bool) -> Loaded:
    from . import history, snapshot, wide

    file = open_csv(request, work, head, [*stages.names, *stages.keys], not_utf8=not_utf8)
    found = headers(con, file, request)
    reader = deals_crm(request.format).reader([header_key(h) for h in found])
    columns = _columns(request, reader, found)
    source = named(file.source, found)
    dates = _date_order(request, file, columns)
    set_time_formats(con, time_formats(dates.order or "mdy"))
    latest = latest_allowed(request.as_of)
    bounds = Bounds(int(EARLIEST.timestamp() * 1000), int(latest.timestamp() * 1000))
    ctx = Context(con, request, stages, file, source, found, columns, bounds, dates)
    layouts = {"history": history.load, "field_history": history.load_field_history, "wide": wide.load,
               "snapshot": snapshot.load}
    loaded = layouts[reader.layout](ctx)
    loaded.encoding = file.encoding
    if file.footer_lines:
        loaded.notes.append(f"the last {file.footer_lines} lines of the file are a Salesforce report's footer (totals, "
                            "copyright), not deals: they are left out")
    loaded.date_order = next((k for k, v in DATE_FORMATS.items() if v == ctx.dates.order), None)
    return loaded


def names_marked(request: DealsRequest) -> bool:
    """Names are shown only in the list of stalled deals; without it each is read only as its SAMPLE mark
    (checks.NAME_MARK), in read_cells, and all_named_sample reads the marks."""
    return not request.list_stalled


def read_cells(ctx: Context, cells: list[Cell]) -> None:
    """Table raw_cells and view raw (checks.load_raw), in one pass over the file that also settles the date
    order where the file's first megabyte did not: a day-first file is then read once more, as one."""
    times = [c for c in cells if c.kind == "time"]
    pending = ctx.dates.pending and bool(times)
    marked = frozenset({"name"}) if names_marked(ctx.request) else frozenset()
    load_raw(ctx.con, ctx.source, cells, ctx.request, ctx.file, ctx.bounds, order_evidence=pending, marked=marked)
    if not pending:
        return
    found = _evidence_in_table(ctx.con, times, ctx.dates.sample)
    if found.contradicts:  # the error shows an example of each order: read them off the file
        found = _evidence_in_sql(ctx.con, ctx.source, times, Evidence())
    ctx.dates.order, ctx.dates.pending = _judged(ctx.request, found), False
    if ctx.dates.order == "dmy":
        set_time_formats(ctx.con, time_formats("dmy"))
        load_raw(ctx.con, ctx.source, cells, ctx.request, ctx.file, ctx.bounds, marked=marked)


def _find(found: list[str], wanted: tuple[str, ...]) -> int | None:
    keys = [header_key(h) for h in found]
    for header in wanted:
        if header_key(header) in keys:
            return keys.index(header_key(header))
    return None


def _columns(request: DealsRequest, reader: Reader, found: list[str]) -> dict[str, Cell]:
    """Our column names -> cells of the file; a missing required one ends the run with the headers found."""
    cells: dict[str, Cell] = {}
    missing: list[Column] = []
    for column in reader.columns:
        wanted = (request.columns[column.name],) if column.name in request.columns else column.headers
        index = _find(found, wanted)
        if index is None:
            if column.required:
                missing.append(column)
            continue
        cells[column.name] = Cell(column.name, found[index], index + 1, column.kind)
    if missing:
        more = f" and {len(found) - 40} more" if len(found) > 40 else ""
        shown = ", ".join(f"'{h}'" for h in found[:40]) + more
        problems = [
            error(request.display, 1, 1, "deals-missing-column",
                  f"the {request.format} export needs a column '{request.columns.get(c.name, c.headers[0])}' "
                  f"({c.name}); headers found: {shown}" + ("" if c.name in request.columns else (
                      f" (if the export names it differently, map it: deals.columns.{c.name})")))
            for c in missing
        ]
        raise ValidationFailed(problems)
    return cells


def _date_order(request: DealsRequest, file: CsvFile, columns: dict[str, Cell]) -> DateOrder:
    """Month or day first, for the file's report-style dates: deals.date_format, else what the dates of the
    first megabyte show; when those do not tell and the file goes on (with time columns), the reading pass
    counts every time cell's evidence (read_cells). None when it has no such dates."""
    if request.date_order is not None:
        return DateOrder("dmy" if request.date_order == "dmy" else "mdy")
    with open(file.path, encoding="utf-8", errors="replace") as handle:
        handle.readline()  # the header: a stage named '1/2/3' is not a date
        sample = handle.read(_SAMPLE_BYTES)
    found = evidence(sample.splitlines())
    has_times = any(c.kind == "time" for c in columns.values())
    if found.order is None and not found.contradicts and len(sample) >= _SAMPLE_BYTES and has_times:
        return DateOrder(None, pending=True, sample=found)
    return DateOrder(_judged(request, found))


def _judged(request: DealsRequest, found: Evidence) -> Order | None:
    """The order ``found`` shows; an error when it contradicts itself, or has dates that do not tell."""
    if found.contradicts:
        raise ValidationFailed([error(
            request.display, 1, 1, "deals-date-order",
            f"the file's dates put the day first in some places ('{found.example_first}') and the month first in "
            f"others ('{found.example_second}'); export it again with one date format, or set deals.date_format "
            f"({' or '.join(DATE_FORMATS)})")])
    if found.order is None and found.any:
        raise ValidationFailed([error(
            request.display, 1, 1, "deals-date-order",
            "the file writes dates such as 03/04/2026, and none of them has a day over 12, so it does not tell "
            "whether the month or the day comes first: set deals.date_format in playbook.yml "
            f"({' or '.join(DATE_FORMATS)})")])
    return found.order


def _evidence_in_table(con: duckdb.DuckDBPyConnection, cells: list[Cell], found: Evidence) -> Evidence:
    """``found`` plus the order evidence the reading pass counted in raw_cells (o_<alias>, checks.raw_picks)."""
    classes = " UNION ALL ".join(f"SELECT o_{c.alias} AS o FROM raw_cells" for c in cells)
    row = con.execute("SELECT count(*) FILTER (WHERE o = 1), count(*) FILTER (WHERE o = 2), "
                      f"count(*) FILTER (WHERE o = 3) FROM ({classes})").fetchone()
    if row:
        found.first_over_12 += int(row[0])
        found.second_over_12 += int(row[1])
        found.ambiguous += int(row[2])
    return found


def _evidence_in_sql(con: duckdb.DuckDBPyConnection, source: str, cells: list[Cell], found: Evidence) -> Evidence:
    """The order evidence of every time cell of the file, counted in one pass."""
    if not cells:
        return found
    parts = []
    for c in cells:
        pair = SLASH_DATE_SQL.format(ident(c.header))
        parts.append(f"SELECT {pair} AS m, {ident(c.header)} AS t FROM {source}")
    rows = con.execute(
        "SELECT count(*) FILTER (WHERE a > 12), count(*) FILTER (WHERE b > 12 AND a <= 12), "
        "count(*) FILTER (WHERE a <= 12 AND b <= 12), arg_min(t, a > 12) FILTER (WHERE a > 12), "
        "arg_min(t, b > 12) FILTER (WHERE b > 12 AND a <= 12) FROM ("
        "SELECT try_cast(m.a AS INTEGER) AS a, try_cast(m.b AS INTEGER) AS b, t FROM ("
        + " UNION ALL ".join(parts) + ") WHERE m.a <> '')").fetchone()
    if rows:
        found.first_over_12 += int(rows[0])
        found.second_over_12 += int(rows[1])
        found.ambiguous += int(rows[2])
        found.example_first = found.example_first or rows[3]
        found.example_second = found.example_second or rows[4]
    return found


def finish(ctx: Context, loaded: Loaded, found: list[Found], kept: int | None = None, table: str = "raw_cells",
           keep_table: bool = False, skipped: str | None = None) -> Loaded:
    """Diagnostics in, rows counted (``kept``: how many rows the figures use, which each layout has counted
    where it made them; or ``skipped``: the rows left out), and the file's cells freed (``table``, the one row
    per record of the file; unless the figures read it: ``keep_table``)."""
    found = [*found, _excel_ids(ctx, table)]
    rows = [row for kind in found for row, _, _ in kind.items]
    shown = spreadsheet_rows(ctx.file.path, rows) if rows else {}  # where empty lines move them down
    for kind in found:
        kind.items = [(shown.get(row, row), column, message) for row, column, message in kind.items]
        loaded.diagnostics += kind.diagnostics(ctx.request.display)
    loaded.rows = scalar(ctx.con, f"SELECT count(*) FROM {table}") or 0
    if skipped is not None:
        loaded.skipped_rows = scalar(ctx.con, f"SELECT count(*) FROM {skipped}") or 0
    else:
        loaded.skipped_rows = loaded.rows - (kept or 0)
    # Every check is done and the relations the metrics read hold what they need: free the cells.
    ctx.con.execute("DROP VIEW raw")
    if not keep_table:
        ctx.con.execute(f"DROP TABLE {table}")
    return loaded


# A long number as Excel writes it once it has rounded it (1.23457E+11; 1,23457E+11 in a Polish Excel): what a
# numeric deal id becomes when the file is opened in Excel and saved again.
_EXCEL_NUMBER = r"[0-9]([.,][0-9]+)?E\+[0-9]+"


def _excel_ids(ctx: Context, table: str) -> Found:
    """One error for deal ids that Excel rounded: deals that now share an id are counted as one. ``table``: the
    one row per record of the file, raw's own (read straight: through the view a HubSpot file's check took
    0.1 s, straight 0.02 s)."""
    found = Found("deals-excel-id")
    rounded = f"contains(deal_id, 'E+') AND regexp_full_match(pb_trim(deal_id), '{_EXCEL_NUMBER}')"
    row = ctx.con.execute(f"SELECT count(*), min(_row), arg_min(pb_trim(deal_id), _row) FROM "
                          f"(SELECT rowid + 2 AS _row, deal_id FROM {table}) WHERE {rounded}").fetchone()
    if row is None or not row[0]:
        return found
    count, first, value = int(row[0]), int(row[1]), str(row[2])
    cell = ctx.columns["deal_id"]
    found.total = 1
    found.items.append((first, cell.index, (
        f"'{cell.header}': '{value}' is a long number as Excel writes it once it has rounded it ({count:,} "
        f"row{'s' * (count != 1)} like this): different deals may now share one id and be counted as one, so the "
        "figures may be wrong. Export the file from the CRM again and use it as it is, or set that column to Text "
        "in Excel before you save")))
    return found


def all_named_sample(con: duckdb.DuckDBPyConnection, rows: str, marked: bool = False) -> bool:
    """True when ``rows`` (a FROM clause with a ``name`` column) hold deals and every one is named with
    the word SAMPLE, in capitals.

    That is how the repository's synthetic export marks itself ("SAMPLE deal 00001 (synthetic)"),
    so a page or a report made from it says it is sample data even when the file was passed on the
    command line. A real deal called "Sample kit" does not count: the word is in capitals, and
    every deal must have it. ``marked``: the names were read as their marks (checks.NAME_MARK), which
    hold the answer: 'SAMPLE' exactly where the name has the word.
    """
    has_word = "name = 'SAMPLE'" if marked else SAMPLE_WORD.format("name")
    row = con.execute(f"SELECT count(*), count(*) FILTER (WHERE {has_word}) FROM {rows}").fetchone()
    return row is not None and row[0] > 0 and row[0] == row[1]
