"""The SQL side of reading deals: one DuckDB connection with our parsing macros, and the one place where
names and texts are quoted into SQL.

Values go in as parameters where DuckDB takes them (``Steps.run``); a table function's arguments and a
CASE over a file's stage names cannot be parameters, so they are quoted here, by ``text`` and ``ident``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = ["connect", "count_and_latest", "ident", "text", "stage_case", "scalar", "Steps", "SAMPLE_WORD"]

# SQL: the text holds the word SAMPLE, in capitals. A plain search first: a name without the letters needs no
# regular expression (the one pass over a HubSpot file spent 0.17 s of 1.4 s on this for a million names).
SAMPLE_WORD = "(contains({0}, 'SAMPLE') AND regexp_matches({0}, '\\bSAMPLE\\b'))"

# Timestamps: ISO 8601 first (DuckDB's own cast: T or space, optional seconds and fraction, Z or offset;
# none means UTC, as the session's time zone is UTC), then the CRMs' report formats, as the file's
# date order allows (health.dates decides it per file: pb_dates is month-first unless told otherwise).
_CURRENCY = r"(?:[A-Za-z]{3}|[$€£¥₹]|zł|kr)"
_SPACES = " \u00a0\u202f"  # thousands separators: space, no-break space, narrow no-break space
_AMOUNT_SHAPE = rf"^\s*{_CURRENCY}?\s*(-?\s*[0-9][0-9{_SPACES},.']*?)\s*{_CURRENCY}?\s*$"


def _macros(formats: Sequence[str]) -> str:
    return f"""
-- trim() strips the Unicode space separators (U+0020, U+00A0, U+2000-U+200A, U+3000 ...: each is 32 or above
-- 159), at a cost: a cell that begins and ends with a printable ASCII character has none to strip, and is
-- taken as it is, which on a million names measured a third of the time of trim() (pb_trim) and a seventh
-- (pb_blank). tests/test_health_read.py holds both to trim() on every space separator.
CREATE OR REPLACE TEMP MACRO pb_trim(s) AS
    CASE WHEN ord(s) BETWEEN 33 AND 126 AND ord(s[-1]) BETWEEN 33 AND 126 THEN s ELSE trim(s) END;
CREATE OR REPLACE TEMP MACRO pb_blank(s) AS
    CASE WHEN s IS NULL OR s = '' THEN true WHEN ord(s) BETWEEN 33 AND 126 THEN false ELSE trim(s) = '' END;
CREATE OR REPLACE TEMP MACRO pb_any_ts(s) AS coalesce(
    CASE WHEN s[5] = '-' THEN epoch_ms(try_cast(s AS TIMESTAMPTZ)) END,  -- YYYY-: not 'epoch' or 'infinity'
    CASE WHEN regexp_matches(s, '^\\s*\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d\\d(\\D|$)')
         THEN epoch_ms(try_strptime(pb_trim(s), {[f for f in formats if "%y" in f]!r}))
         ELSE epoch_ms(try_strptime(pb_trim(s), {[f for f in formats if "%y" not in f]!r})) END);
CREATE OR REPLACE TEMP MACRO pb_ts(s) AS CASE
    WHEN s IS NULL THEN NULL
    -- Wide exports write 'YYYY-MM-DD HH:MM': a strict strptime of exactly that shape reads it in half the time
    -- of the time-zone-aware cast, to the same instant (no offset means UTC); anything else, or a shape
    -- strptime refuses, takes the general way. tests/test_health_read.py holds them to the same answers.
    WHEN s LIKE '____-__-__ __:__' THEN coalesce(epoch_ms(try_strptime(s, '%Y-%m-%d %H:%M')), pb_any_ts(s))
    ELSE pb_any_ts(s) END;
CREATE OR REPLACE TEMP MACRO pb_digits(s) AS
    regexp_replace(regexp_extract(s, '{text(_AMOUNT_SHAPE)}', 1), '[{_SPACES}'']', '', 'g');
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
        try_cast(pb_trim(s) AS DECIMAL(38, 4)),  -- a plain number: no regular expressions needed
        CASE WHEN regexp_full_match(pb_trim(s), '-?[0-9]{{1,3}}(,[0-9]{{3}})+([.][0-9]+)?')
             THEN try_cast(replace(pb_trim(s), ',', '') AS DECIMAL(38, 4)) END,
        try_cast(pb_number(pb_digits(s)) AS DECIMAL(38, 4))) END;
CREATE OR REPLACE TEMP MACRO pb_amount(s) AS CASE
    WHEN s IS NULL THEN NULL
    -- '32,900' or '-1,234,567.89', as wide exports write amounts: a full match first, since a cast that fails
    -- costs ten times a match. A text without a comma goes straight to the plain cast, the general way's
    -- first step (a cell that casts reads the same trimmed or not), and only one that does not cast goes on.
    -- tests/test_health_read.py holds both to the general way.
    WHEN contains(s, ',') THEN CASE
        WHEN regexp_full_match(s, '-?[0-9]{{1,3}}(,[0-9]{{3}})+([.][0-9]+)?')
            THEN try_cast(replace(s, ',', '') AS DECIMAL(38, 4))
        ELSE pb_any_amount(s) END
    ELSE coalesce(try_cast(s AS DECIMAL(38, 4)), pb_any_amount(s)) END;
"""


def connect(work_dir: Path, time_formats: Sequence[str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB in UTC that spills to ``work_dir`` rather than grow past a modest limit, with the
    parsing macros reading the report-style times ``time_formats`` (default: month-first)."""
    import duckdb

    from .dates import time_formats as default_formats

    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET temp_directory = '{text(str(work_dir))}'")
    con.execute("SET memory_limit = '500MB'")
    con.execute(_macros(time_formats if time_formats is not None else default_formats("mdy")))
    return con


def set_time_formats(con: duckdb.DuckDBPyConnection, time_formats: Sequence[str]) -> None:
    """The parsing macros again, reading report-style times in ``time_formats``."""
    con.execute(_macros(time_formats))


def text(value: str) -> str:
    """A text as it goes inside '...' in SQL."""
    return value.replace("'", "''")


def ident(name: str) -> str:
    """A column name as SQL quotes it."""
    return '"' + name.replace('"', '""') + '"'


def stage_case(expr: str, positions: Mapping[str, int | None]) -> str:
    """SQL placing ``expr`` (a stage's text) at its pipeline position by ``positions``, else NULL.

    A CASE rather than a join to a lookup table: the wide layout places a million rows in the same pass that
    reads them, and a CASE of a few dozen literal branches measured faster than the join."""
    branches = " ".join(f"WHEN '{text(key)}' THEN {pos}" for key, pos in positions.items() if pos is not None)
    return f"CASE {expr} {branches} END" if branches else "NULL::INTEGER"


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int | None:
    row = con.execute(sql, list(params)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def count_and_latest(con: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[int, int | None]:
    """How many rows ``table`` has and the largest ``column`` among them (None when there is none)."""
    row = con.execute(f"SELECT count(*), max({column}) FROM {table}").fetchone()
    if row is None:
        return 0, None
    return int(row[0]), None if row[1] is None else int(row[1])


class Steps:
    """The named steps of one reading, run in order on one connection: each step builds one temp table or
    view, and a failure says which step it was (as splink's pipeline of named CTEs does)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.done: list[str] = []

    def table(self, name: str, select: str, params: Sequence[Any] = ()) -> None:
        self._run(name, f"CREATE OR REPLACE TEMP TABLE {name} AS {select}", params)

    def view(self, name: str, select: str, params: Sequence[Any] = ()) -> None:
        self._run(name, f"CREATE OR REPLACE TEMP VIEW {name} AS {select}", params)

    def _run(self, name: str, sql: str, params: Sequence[Any]) -> None:
        self.con.execute(sql, list(params) if params else None)
        self.done.append(name)
