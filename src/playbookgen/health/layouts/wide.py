"""The wide layout, HubSpot's deals export: one row per deal, its current 'Deal Stage', a 'Date entered'
time per stage (and maybe 'Date exited'), and a 'Pipeline' when the portal has several.

A portal carries two columns per stage: the legacy ``Date entered 'X (Pipeline)'`` and the current
``Date entered "X (Pipeline)"``. The current ones are read; a legacy one only for a stage that has no
current one, and the report says so once. A file of several pipelines is read for one: deals.pipeline,
else the one whose deals match most stages; the others are counted and named in a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import Diagnostic, ValidationFailed, error, warning
from ..checks import PARSE, Cell, Found, blank, check_cells, listed, raw_picks, stage_table, unknown_stages, unparsed
from ..csvfile import unreadable
from ..sql import SAMPLE_WORD, scalar, stage_case, text
from . import Context, Loaded, finish
from .wide_stays import StageColumn, current_at_sql, deals_sql, first_pos_sql, first_sql, furthest_sql

__all__ = ["load", "DATE_ENTERED", "DATE_EXITED", "dated_label"]

# The prefixes can be renamed with deals.columns (date_entered, date_exited) for an account in another language.
DATE_ENTERED = "Date entered"
DATE_EXITED = "Date exited"


def dated_label(header: str, prefix: str) -> str | None:
    """The stage label in a 'Date entered "<label>"' header: double, single or no quotes."""
    found = _dated(header, prefix)
    return found[0] if found else None


def _dated(header: str, prefix: str) -> tuple[str, str] | None:
    """The label and its quote (``"``, ``'`` or none) of a 'Date entered' header."""
    match = re.match(rf"\s*{re.escape(prefix)}\s+(.+?)\s*$", header, re.IGNORECASE)
    if not match:
        return None
    label, quote = match.group(1), ""
    if len(label) >= 2 and label[0] == label[-1] and label[0] in "\"'":
        label, quote = label[1:-1], label[0]
    label = label.strip()
    return (label, quote) if label else None


@dataclass(frozen=True)
class _Dates:
    entered: list[tuple[Cell, str]]  # 'Date entered' cells with their labels, in file order
    exited: dict[str, Cell]  # 'Date exited' cells by lower-cased label
    legacy_only: list[str]  # labels read from a legacy column, the file having current ones for others
    legacy_header: Cell | None  # the first legacy column, where the note points


def _pick(headers: list[str], prefix: str) -> tuple[dict[str, tuple[int, str, str]], list[str], int | None]:
    """Per lower-cased label, the column to read: the current (double-quoted or bare) one, else the legacy
    (single-quoted) one; and the labels only a legacy column has, when current ones exist."""
    current: dict[str, tuple[int, str, str]] = {}
    legacy: dict[str, tuple[int, str, str]] = {}
    for i, header in enumerate(headers):
        if (found := _dated(header, prefix)) is not None:
            label, quote = found
            (legacy if quote == "'" else current).setdefault(label.lower(), (i, header, label))
    chosen = {**legacy, **current}
    only = [legacy[k][2] for k in legacy if k not in current] if current else []
    first_legacy = min((i for i, _, _ in legacy.values()), default=None) if current and legacy else None
    return dict(sorted(chosen.items(), key=lambda kv: kv[1][0])), only, first_legacy


def _dates(ctx: Context) -> _Dates:
    entered_prefix = ctx.request.columns.get("date_entered", DATE_ENTERED)
    exited_prefix = ctx.request.columns.get("date_exited", DATE_EXITED)
    entered_cols, only, first_legacy = _pick(ctx.headers, entered_prefix)
    exited_cols, _, _ = _pick(ctx.headers, exited_prefix)
    entered = [(Cell(f"e{k}", header, i + 1, "time"), label)
               for k, (i, header, label) in enumerate(entered_cols.values())]
    exited = {key: Cell(f"x{k}", header, i + 1, "time") for k, (key, (i, header, _)) in enumerate(exited_cols.items())}
    if not entered:
        raise ValidationFailed([error(
            ctx.request.display, 1, 1, "deals-missing-column",
            f"the {ctx.request.format} export needs a '{entered_prefix} \"<stage>\"' column for each stage, and has "
            "none; add the 'Date entered' properties of your pipeline's stages to the exported columns",
        )])
    legacy = None if first_legacy is None else Cell("legacy", ctx.headers[first_legacy], first_legacy + 1, "time")
    return _Dates(entered, exited, only, legacy)


def load(ctx: Context) -> Loaded:
    """One pass over the file fills table wide_rows, a row per record in the file's order: each deal's facts
    and stays computed straight from its cells (no entries table, join, grouping or sort), with the few texts
    the checks need. View deals is its rows that are not skipped, of the pipeline read."""
    con, stages, columns = ctx.con, ctx.stages, ctx.columns
    dates = _dates(ctx)
    pairs = [(cell, label, dates.exited.get(label.lower()), stages.position(label)) for cell, label in dates.entered]
    cells = [*columns.values(), *(c for c, *_ in pairs), *dates.exited.values()]
    # Parsed times kept beside the facts: those the checks below compare (an exit and its entry) or count
    # (a column whose stage is not in the playbook).
    checked = list(dict.fromkeys([*(cell for cell, _, exit_cell, pos in pairs if exit_cell is not None or pos is None),
                                  *dates.exited.values()]))
    # The stage names as the playbook writes them first (CRMs mostly hold them so, and an exact compare is
    # cheap), then as SQL lower-cases and trims a text.
    as_written = {name: stages.position(name) for name in stages.names}
    written = stage_case("stage", as_written)
    normalised = stage_case("lower(pb_trim(stage))", stages.keys)
    _rows(ctx, cells, pairs, checked, written, normalised)
    # The pass matched 'Deal Stage' texts as SQL lower-cases and trims them; the playbook's own matching
    # (formats.StageMap.position) is the rule. When it places any text differently (a label with its pipeline,
    # a letter SQL lower-cases otherwise), the pass runs again with every text of the file placed by it.
    distinct = con.execute("SELECT DISTINCT stage, current_pos FROM wide_rows WHERE stage IS NOT NULL").fetchall()
    exact = {str(t): stages.position(str(t)) for t, _ in distinct}
    if any(exact[str(t)] != pos for t, pos in distinct):
        _rows(ctx, cells, pairs, checked, written, stage_case("stage", exact))
    stage_table(con, list(exact), list(exact.values()))
    pipeline, others = _pipeline(ctx)
    keep = "true" if pipeline is None else f"(pipeline IS NULL OR pipeline = '{text(pipeline)}')"
    _views(ctx, keep)
    # The checks read a parsed cell's text where it did not parse (bad_<alias>), as from raw_cells elsewhere.
    parsed = [c for c in cells if c.kind in PARSE]
    bad = "".join(f", CASE WHEN _texts IS NOT NULL AND {unparsed(f'{_within(ctx, c, j)}', f'_texts[{j}]')} "
                  f"THEN _texts[{j}] END AS bad_{c.alias}" for j, c in enumerate(parsed, start=1))
    # A row whose stage text is a name as the playbook writes it kept no text: it shows that name.
    names: dict[int, str] = {}
    for stage_name, pos in as_written.items():
        if pos is not None:
            names.setdefault(pos, stage_name)
    written_name = " ".join(f"WHEN {pos} THEN '{text(t)}'" for pos, t in names.items())
    stage = (f"CASE WHEN stage IS NULL AND current_pos IS NOT NULL THEN CASE current_pos {written_name} END "
             "ELSE stage END")
    con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + 2 AS _row, * REPLACE ({stage} AS stage){bad} "
                f"FROM wide_rows WHERE {keep}")
    suspects = "_texts IS NOT NULL OR _no_id OR current_pos IS NULL"  # a bad cell, no id, or no stage
    clean = not scalar(con, f"SELECT count(*) FROM wide_rows WHERE ({suspects}) AND {keep}")
    found, _ = check_cells(con, cells, {"deal_id", "stage"}, ctx.bounds, suspects=None if clean else suspects)
    header_unknown = []
    for cell, label, _, pos in pairs:
        if pos is None and not _of_other_pipeline(label, others):
            used = scalar(con, f"SELECT count(*) FROM raw WHERE NOT {blank(cell)}") or 0
            if used:
                header_unknown.append((label, 1, cell.index, used))
    unplaced = any(pos is None and t.strip(" ") for t, pos in exact.items())  # a text no stage takes
    unknown = unknown_stages(con, stages, columns["stage"], header_unknown,
                             "r.current_pos IS NULL" if unplaced else None)
    backwards = Found("deals-time-backwards", warn=True)
    for cell, label, exit_cell, _ in pairs:
        if exit_cell is None:
            continue
        count, rows = listed(con, f"p_{exit_cell.alias} < p_{cell.alias}", "pb_trim(deal_id)")
        backwards.total += count
        backwards.items += [(r, exit_cell.index, f"deal '{d}' leaves stage '{label}' before it enters it "
                                                 f"('{exit_cell.header}' is earlier than '{cell.header}')")
                            for r, d in rows]
    counts = con.execute("SELECT max(last_ms), count(*), count(*) FILTER (WHERE _sample) FROM deals").fetchone()
    latest, kept, named = counts if counts else (None, 0, 0)
    loaded = Loaded(latest_ms=None if latest is None else int(latest), sample=kept > 0 and kept == named)
    loaded.diagnostics += _legacy_note(ctx, dates)
    loaded.notes += _pipeline_note(pipeline, others)
    return finish(ctx, loaded, [*found, unknown, backwards], kept=int(kept), table=f"wide_rows WHERE {keep}",
                  keep_table=True)


def _within(ctx: Context, cell: Cell, j: int) -> str:
    parsed = f"{PARSE[cell.kind]}(_texts[{j}])"
    return ctx.bounds.within(parsed) if cell.kind == "time" else parsed


def _legacy_note(ctx: Context, dates: _Dates) -> list[Diagnostic]:
    if dates.legacy_header is None:
        return []
    only = (f"; the legacy ones only for {', '.join(repr(x) for x in dates.legacy_only)}, which have no other"
            if dates.legacy_only else "; the legacy ones are left out")
    return [warning(ctx.request.display, 1, dates.legacy_header.index, "deals-legacy-columns",
                    "the file has both the legacy 'Date entered' columns (single quotes, such as "
                    f"{dates.legacy_header.header}) and the current ones (double quotes): the current ones are "
                    f"read{only}")]


def _pipeline(ctx: Context) -> tuple[str | None, list[tuple[str, int]]]:
    """The pipeline read, and the others with their deals: deals.pipeline, else the one whose deals' stages
    the playbook places most often (a tie goes to the one with more deals, then the name)."""
    if "pipeline" not in ctx.columns:
        return None, []
    rows = ctx.con.execute("SELECT pipeline, count(*), count(current_pos) FROM wide_rows "
                           "WHERE pipeline IS NOT NULL GROUP BY pipeline").fetchall()
    counts = {str(p): (int(n), int(placed)) for p, n, placed in rows}
    if ctx.request.pipeline is not None:
        wanted = ctx.request.pipeline.strip().lower()
        chosen = next((p for p in counts if p.strip().lower() == wanted), None)
        if chosen is None:
            raise ValidationFailed([error(
                ctx.request.display, 1, ctx.columns["pipeline"].index, "deals-unknown-pipeline",
                f"deals.pipeline is '{ctx.request.pipeline}', and the file's '{ctx.columns['pipeline'].header}' "
                f"column has no such pipeline; it has: {', '.join(repr(p) for p in sorted(counts))}")])
    elif len(counts) > 1:
        chosen = max(counts, key=lambda p: (counts[p][1], counts[p][0], p))
    else:
        return None, []
    return chosen, sorted(((p, n) for p, (n, _) in counts.items() if p != chosen), key=lambda x: (-x[1], x[0]))


def _of_other_pipeline(label: str, others: list[tuple[str, int]]) -> bool:
    """A 'Date entered "X (Other)"' column of a pipeline that is not read: not an unknown stage."""
    return any(label.lower().endswith(f"({name.lower()})") for name, _ in others)


def _pipeline_note(pipeline: str | None, others: list[tuple[str, int]]) -> list[str]:
    if pipeline is None or not others:
        return []
    listed_ = ", ".join(f"'{name}' ({n:,} deal{'s' * (n != 1)})" for name, n in others)
    return [f"the file holds {len(others) + 1} pipelines: the deals of '{pipeline}' are read, those of {listed_} "
            "are left out (choose another with deals.pipeline in playbook.yml)"]


def _rows(ctx: Context, cells: list[Cell], pairs: list[tuple[Cell, str, Cell | None, int | None]],
          checked: list[Cell], written: str, normalised: str) -> None:
    """Table wide_rows in one pass over the file.

    ``written`` places a row's 'Deal Stage' text (``stage``) in the pipeline where it is a stage's name as the
    playbook writes it, else NULL, and ``normalised`` does for the others. Only rows that ``written`` does not
    place keep the text: the placing of the others is certain, and a million stage names are not stored.
    """
    import duckdb

    request = ctx.request
    n = len(ctx.stages.open_ids)
    parsed = [c for c in cells if c.kind in PARSE]
    texts = {c.alias for c in cells if c.kind not in PARSE}
    known = [StageColumn(cell.alias, exit_cell.alias if exit_cell else None, pos)
             for cell, _, exit_cell, pos in pairs if pos is not None]
    # A cell that has text and does not parse: the row is skipped, and its texts are kept for the report.
    # Only such rows carry them, so a million well-formed rows store no text twice.
    failed = " OR ".join(unparsed(f"p_{c.alias}", f"t_{c.alias}") for c in parsed) or "false"
    name = "nullif(pb_trim(name), '')" if "name" in texts and request.list_stalled else "NULL::VARCHAR"
    typed = [
        # The id as written; blank is NULL, empty or spaces only.
        "deal_id", "pb_blank(deal_id) AS _no_id",
        "CASE WHEN _written IS NULL THEN stage END AS stage",
        f"coalesce(_written, {normalised}) AS current_pos",
        "p_amount AS amount" if "amount" in {c.alias for c in parsed} else "NULL::DECIMAL(38, 4) AS amount",
        # As written: the metrics upper-case and trim each distinct currency, not a million cells.
        "currency" if "currency" in texts else "NULL::VARCHAR AS currency",
        "nullif(pb_trim(pipeline), '') AS pipeline" if "pipeline" in texts else "NULL::VARCHAR AS pipeline",
        # Only the list of stalled deals shows names: without it a million of them are not stored.
        f"{name} AS name",
        f"name IS NOT NULL AND {SAMPLE_WORD.format('name')} AS _sample" if "name" in texts
        else "false AS _sample",
        *(f"p_{c.alias} AS {c.alias}" for c in parsed if c.kind == "time"),
        *(f"t_{c.alias}" for c in parsed), f"({failed}) AS _failed",
    ]
    kept = [t.rsplit(" AS ", 1)[-1] for t in typed if not t.startswith("t_")]
    texts_list = f"CASE WHEN _failed THEN [{', '.join(f't_{c.alias}' for c in parsed)}]::VARCHAR[] END AS _texts"
    inner, middle, _ = raw_picks(cells, ctx.bounds)
    rows = (f"(SELECT {', '.join(kept)}, {texts_list} FROM ("
            f"SELECT {', '.join(typed)} FROM (SELECT {middle}, _written FROM ("
            f"SELECT {inner}, {written} AS _written FROM {ctx.source}))))")
    times = [c.alias for c in cells if c.kind == "time"]
    facts = {"deal_id": "deal_id", "stage": "stage", "name": "name", "amount": "amount", "currency": "currency",
             "pipeline": "pipeline",
             "current_pos": "current_pos", "current_at": current_at_sql(known), "first_ms": first_sql(known),
             "first_pos": f"coalesce({first_pos_sql(known)}, current_pos)",
             "max_open_pos": furthest_sql(known, n), "last_ms": f"greatest({', '.join(times)})",
             "_skip": "_failed OR _no_id OR current_pos IS NULL", "_no_id": "_no_id", "_sample": "_sample",
             "_texts": "_texts",
             **{f"p_{c.alias}": c.alias for c in checked}}
    select, stay_columns = deals_sql(known, n, facts, rows)
    try:
        ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE wide_rows AS {select}")
    except duckdb.Error as exc:
        raise unreadable(request, ctx.file, exc) from None
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE wide_stay_columns (pos INTEGER, name VARCHAR)")
    if stay_columns:
        ctx.con.execute("INSERT INTO wide_stay_columns SELECT unnest($1::INTEGER[]), unnest($2::VARCHAR[])",
                        [list(stay_columns), list(stay_columns.values())])


def _views(ctx: Context, keep: str) -> None:
    """View deals over wide_rows (the rows not skipped, of the pipeline read), and view stays."""
    rows = ctx.con.execute("SELECT pos, name FROM wide_stay_columns ORDER BY pos").fetchall()
    stay_columns = {int(p): str(name) for p, name in rows}
    stays = ", ".join(stay_columns.values())
    # Only the list of stalled deals shows ids: without it a million of them are not trimmed.
    deal_id = "pb_trim(deal_id)" if ctx.request.list_stalled else "NULL::VARCHAR"
    ctx.con.execute(f"CREATE OR REPLACE TEMP VIEW deals AS SELECT {deal_id} AS deal_id, name, amount, currency, "
                    "current_pos, current_at, first_ms, max_open_pos, first_pos, NULL::BIGINT AS created_ms, "
                    f"NULL::BIGINT AS closed_ms, last_ms, _sample{', ' + stays if stays else ''} "
                    f"FROM wide_rows WHERE NOT _skip AND {keep}")
    parts = [f"SELECT {pos} AS pos, {name} AS ms FROM deals WHERE {name} IS NOT NULL"
             for pos, name in stay_columns.items()] or ["SELECT NULL::INTEGER AS pos, NULL::BIGINT AS ms WHERE false"]
    ctx.con.execute(f"CREATE OR REPLACE TEMP VIEW stays AS {' UNION ALL '.join(parts)}")
