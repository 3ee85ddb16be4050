"""Cell checks: every cell of the file parsed once in SQL, and each one that does not parse, a required one
left empty, or a stage no playbook stage takes, reported at its row and column, counted, listed up to a
limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ..errors import Diagnostic, error, warning
from .csvfile import CsvFile, unreadable
from .dates import DATE_FORMATS, EARLIEST, SLASH_DATE_SQL
from .formats import StageMap
from .source import DealsRequest
from .sql import SAMPLE_WORD, ident

if TYPE_CHECKING:
    import duckdb

__all__ = ["Cell", "Found", "LISTED_PER_KIND", "PARSE", "Bounds", "unparsed", "raw_picks", "load_raw",
           "parsed", "optional", "blank", "check_cells", "listed", "stage_lookup", "stage_table",
           "unknown_stages"]

LISTED_PER_KIND = 20  # per-row problems listed one by one; the rest are counted in one line
PARSE = {"time": "pb_ts", "amount": "pb_amount"}


@dataclass(frozen=True)
class Cell:
    """A column of the file as the SQL sees it: alias in the raw table, header and 1-based index."""

    alias: str
    header: str
    index: int
    kind: str


@dataclass(frozen=True)
class Bounds:
    """The times a date may read as, in ms since 1970: outside them it is a misread, reported as such."""

    earliest_ms: int
    latest_ms: int

    def within(self, value: str) -> str:
        return f"CASE WHEN {value} BETWEEN {self.earliest_ms} AND {self.latest_ms} THEN {value} END"


def unparsed(parsed_value: str, text_value: str) -> str:
    """SQL: the cell has text (not blank) and it did not parse. A CASE, so the blank test runs only on the
    cells that did not parse: a plain AND in a SELECT list tests every cell."""
    return (f"CASE WHEN {parsed_value} IS NULL AND {text_value} IS NOT NULL THEN NOT pb_blank({text_value}) "
            "ELSE false END")


# A report-style date's day and month, as the first megabyte's sample reads them (health.dates): only a cell
# whose second or third character is a separator (or that starts with a space) can be one, so the regular
# expression runs on those alone.
def _day_month(text: str) -> str:
    return (f"CASE WHEN {text}[2] IN ('/', '-') OR {text}[3] IN ('/', '-') OR {text}[1] IN (' ', chr(9)) "
            f"THEN {SLASH_DATE_SQL.format(text)} END")


# Its evidence of the file's date order: 1 the first number is over 12 (day first), 2 the second is, 3 neither.
_ORDER_CLASS = "(CASE WHEN m_{0} IS NULL OR m_{0}.a = '' THEN NULL WHEN m_{0}.a::INTEGER > 12 THEN 1 " \
               "WHEN m_{0}.b::INTEGER > 12 THEN 2 ELSE 3 END)::TINYINT AS o_{0}"


# A deal's name where nothing shows it (no list of stalled deals): only whether it is blank (NULL), marked
# as synthetic ('SAMPLE', layouts.all_named_sample) or neither ('-'). All the figures ask of it, in a few
# bytes a cell, so a million names are never stored nor carried through the per-deal window.
NAME_MARK = f"CASE WHEN pb_blank({{0}}) THEN NULL WHEN {SAMPLE_WORD} THEN 'SAMPLE' ELSE '-' END"


def raw_picks(cells: list[Cell], bounds: Bounds, order_evidence: bool = False,
              marked: frozenset[str] = frozenset()) -> tuple[str, str, str]:
    """The inner, middle and outer SELECT lists of the one pass over the file.

    Text cells are kept as they are. A time or amount cell is parsed once (q_<alias>), a time held to
    ``bounds`` (p_<alias>), and its text kept only where it does not parse (bad_<alias>, else NULL): the
    diagnostics need that text, and nothing else does, so a million well-formed cells are never stored twice.
    ``order_evidence``: each time cell also gets o_<alias>, what it tells of the file's date order (1, 2, 3 or
    NULL, as _ORDER_CLASS), so the same pass decides day or month first where the file's start did not.
    ``marked``: the text cells kept only as their NAME_MARK.
    """
    inner, middle, outer = [], [], []
    for c in cells:
        if c.kind in PARSE:
            inner += [f"{ident(c.header)} AS t_{c.alias}", f"{PARSE[c.kind]}({ident(c.header)}) AS q_{c.alias}"]
            value = bounds.within(f"q_{c.alias}") if c.kind == "time" else f"q_{c.alias}"
            middle += [f"t_{c.alias}", f"{value} AS p_{c.alias}"]
            bad = f"CASE WHEN {unparsed(f'p_{c.alias}', f't_{c.alias}')} THEN t_{c.alias} END"
            outer += [f"p_{c.alias}", f"{bad} AS bad_{c.alias}"]
            if order_evidence and c.kind == "time":
                inner.append(f"{_day_month(ident(c.header))} AS m_{c.alias}")
                middle.append(f"m_{c.alias}")
                outer.append(_ORDER_CLASS.format(c.alias))
        else:
            value = NAME_MARK.format(ident(c.header)) if c.alias in marked else ident(c.header)
            inner.append(f"{value} AS {c.alias}")
            middle.append(c.alias)
            outer.append(c.alias)
    return ", ".join(inner), ", ".join(middle), ", ".join(outer)


def load_raw(con: duckdb.DuckDBPyConnection, source: str, cells: list[Cell], request: DealsRequest,
             file: CsvFile, bounds: Bounds, order_evidence: bool = False, marked: frozenset[str] = frozenset()) -> None:
    """Table raw_cells, one pass over the file; view raw adds each record's row as a spreadsheet shows it.
    ``order_evidence``: with each time cell's evidence of the date order; ``marked``: text cells kept only as
    their mark (raw_picks)."""
    import duckdb

    inner, middle, outer = raw_picks(cells, bounds, order_evidence, marked)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_cells AS SELECT {outer} FROM "
                    f"(SELECT {middle} FROM (SELECT {inner} FROM {source}))")
    except duckdb.Error as exc:
        raise unreadable(request, file, exc) from None
    # A new table keeps the file's order (DuckDB preserves insertion order), so rowid 0 is the record on
    # row 2, under the header. rowid costs nothing, where row_number() OVER () would read the file on one
    # thread and hold it all in a window.
    con.execute("CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + 2 AS _row, * FROM raw_cells")


def parsed(cell: Cell) -> str:
    if cell.kind in PARSE:
        return f"p_{cell.alias}"
    return f"nullif(pb_trim({cell.alias}), '')"


def optional(columns: dict[str, Cell], name: str) -> str:
    """The parsed value of our column ``name``, or NULL where the export does not have it."""
    return parsed(columns[name]) if name in columns else "NULL"


def blank(cell: Cell) -> str:
    """The cell is empty or spaces only: a parsed cell is then neither a value nor a bad text."""
    if cell.kind in PARSE:
        return f"(p_{cell.alias} IS NULL AND bad_{cell.alias} IS NULL)"
    return f"pb_blank({cell.alias})"


_WHAT = {"time": ("deals-bad-date", "is not a date or time this reader knows (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"),
         "amount": ("deals-bad-amount", "is not an amount (a number, with a thousands separator or a currency sign "
                                        "if you like)")}
_BAD_CODES = {code for code, _ in _WHAT.values()}


def listed(con: duckdb.DuckDBPyConnection, where: str, value: str,
           limit: int = LISTED_PER_KIND + 1) -> tuple[int, list[tuple[int, str]]]:
    """How many raw rows match ``where``, and the first ``limit`` of them as (row, value): one more than is
    listed, so the line that counts the rest can point at the first row left out."""
    found = con.execute(f"SELECT count(*) FROM raw WHERE {where}").fetchone()
    count = int(found[0]) if found else 0
    if not count:  # a clean file: no second pass over its rows
        return 0, []
    query = f"SELECT _row, coalesce({value}, '') FROM raw WHERE {where} ORDER BY _row LIMIT {limit}"
    rows = con.execute(query).fetchall()
    return count, [(int(r), str(v)) for r, v in rows]


@dataclass
class Found:
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


def _out_of_range(value: str, ms: int | None, bounds: Bounds) -> str | None:
    """Why a date that parses is refused: it reads as a time outside ``bounds``."""
    if ms is None:
        return None
    when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    day = f"{when.year:04}-{when.month:02}-{when.day:02}"  # strftime writes the year 24 as '24' on some systems
    why = f"before {EARLIEST.year}" if ms < bounds.earliest_ms else "more than a year after the report's date"
    two_digit = "; a two-digit year reads as 19xx or 20xx" if day[:2] not in ("19", "20") else ""
    return (f"reads as {day}, {why}: it is a misread or a typo{two_digit} (for a report's dates, set "
            f"deals.date_format: {' or '.join(DATE_FORMATS)})")


def check_cells(con: duckdb.DuckDBPyConnection, cells: list[Cell], required: set[str], bounds: Bounds,
                suspects: str | None = "true") -> tuple[list[Found], str]:
    """Cells that do not parse and required cells left empty; and the SQL condition of a row to skip.
    ``suspects``: a cheap condition on raw that every row with such a cell meets, so the others are not checked;
    None when the caller knows no row meets it."""
    kinds = {code: Found(code) for code, _ in _WHAT.values()} | {"deals-empty-cell": Found("deals-empty-cell")}
    checks = []  # (condition, cell, code, message after the value)
    for cell in cells:
        if cell.kind in _WHAT:
            code, what = _WHAT[cell.kind]
            checks.append((f"(bad_{cell.alias} IS NOT NULL)", cell, code, what))
        if cell.alias in required:
            checks.append((blank(cell), cell, "deals-empty-cell", ""))
    if not checks:
        return list(kinds.values()), "false"
    if suspects is None:  # the caller found no suspect row: nothing to list
        return list(kinds.values()), " OR ".join(where for where, *_ in checks)
    # One pass counts every kind of problem; only the kinds that occur are listed row by row.
    counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {where})" for where, *_ in checks)
                         + f" FROM raw WHERE {suspects}").fetchone() or ()
    for (where, cell, code, what), count in zip(checks, counts, strict=True):
        if not count:
            continue
        kinds[code].total += int(count)
        if code == "deals-empty-cell":
            _, rows = listed(con, f"({suspects}) AND {where}", "NULL")
            kinds[code].items += [(r, cell.index, f"'{cell.header}' is empty; every row needs one, so the row is "
                                                  "skipped")
                                  for r, _ in rows]
            continue
        _, rows = listed(con, f"({suspects}) AND {where}", f"bad_{cell.alias}")
        reads = _reads_as(con, [v for _, v in rows]) if cell.kind == "time" else {}
        kinds[code].items += [
            (r, cell.index, f"'{cell.header}': '{v}' {_out_of_range(v, reads.get(v), bounds) or what}")
            for r, v in rows]
    return list(kinds.values()), " OR ".join(where for where, *_ in checks)


def _reads_as(con: duckdb.DuckDBPyConnection, values: list[str]) -> dict[str, int | None]:
    """What each text reads as, out of bounds or not (ms), for the message of a refused date."""
    rows = con.execute("SELECT s, pb_ts(s) FROM unnest($1::VARCHAR[]) AS t(s)", [values]).fetchall()
    return {str(s): None if ms is None else int(ms) for s, ms in rows}


def stage_lookup(con: duckdb.DuckDBPyConnection, stages: StageMap, values_sql: str) -> dict[str, int | None]:
    """Table lookup(raw, pos): each distinct stage text of the file and where it lands (NULL: unknown); the
    same as a dict."""
    distinct = [str(row[0]) for row in con.execute(values_sql).fetchall()]
    positions = {value: stages.position(value) for value in distinct}
    stage_table(con, distinct, list(positions.values()))
    return positions


def stage_table(con: duckdb.DuckDBPyConnection, texts: list[str], positions: list[int | None]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE lookup (raw VARCHAR, pos INTEGER)")
    con.execute("INSERT INTO lookup SELECT unnest($1::VARCHAR[]), unnest($2::INTEGER[])", [texts, positions])


def unknown_stages(con: duckdb.DuckDBPyConnection, stages: StageMap, cell: Cell,
                   extra: list[tuple[str, int, int, int]],
                   candidates: str | None = "true") -> Found:
    """One warning per distinct stage text that matches no stage: its rows, first place, nearest stage.
    ``candidates``: a condition on raw r that every such row meets, so the others need no lookup; None when
    the caller knows no row has such a text (``extra`` is then all there is)."""
    rows = [] if candidates is None else con.execute(
        f"SELECT lower(pb_trim(r.{cell.alias})) AS k, arg_min(pb_trim(r.{cell.alias}), r._row), min(r._row), count(*) "
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
    found = Found("deals-unknown-stage", warn=True)
    for value, row, column, skipped, dated in merged.values():
        rows_text = f"{skipped:,} row{'s' * (skipped != 1)}"
        dates_text = f"its 'Date entered' column filled in {dated:,} row{'s' * (dated != 1)}"
        if skipped and dated:
            what, effect = f"{rows_text}, and {dates_text}", "Its rows are skipped and those dates left out"
        elif dated:
            what, effect = dates_text, "Those dates are left out; the deals count with their other stages"
        else:
            what, effect = rows_text, "Its rows are skipped"
        found.items.append((row, column, f"stage '{value}' ({what}) matches no stage of the playbook. {effect}: "
                                         + _hint(stages, value)))
    found.total = len(found.items)
    return found


def _hint(stages: StageMap, value: str) -> str:
    """How to place the text: the nearest stage by name when one is close, and where its CRM name goes."""
    nearest = stages.nearest(value)
    which = f"if it is stage '{nearest}'" if nearest else "if it is one of the playbook's stages"
    if stages.crm_key:
        return (f"{which}, give that stage this name in its YAML file (crm: {{{stages.crm_key}: {value}}}), "
                "or rename the stage in the CRM")
    return f"{which}, write the stage's name in the file as the playbook does"
