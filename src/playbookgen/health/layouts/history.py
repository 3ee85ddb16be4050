"""The history layout: a row per entry into a stage (our csv, Salesforce's OpportunityHistory, where a row
is any change and repeats the stage), and Salesforce's OpportunityFieldHistory (a row per change of a field:
the stage's old and new value).

Rows are put in time order within each deal before anything is measured: an export need not be sorted
(Salesforce's Data Export is not), and a history of entries cannot contradict itself.
"""

from __future__ import annotations

from functools import partial

from ..checks import Found, check_cells, listed, optional, stage_lookup, unknown_stages
from ..sql import Steps, count_and_latest, scalar
from . import Context, Loaded, finish, read_cells

__all__ = ["load", "load_field_history"]


def load(ctx: Context) -> Loaded:
    """csv and Salesforce OpportunityHistory: one row per entry into a stage (or per change, for Salesforce)."""
    columns = ctx.columns
    cells = list(columns.values())
    read_cells(ctx, cells)
    found, bad = check_cells(ctx.con, cells, {"deal_id", "stage", "entered_at"}, ctx.bounds)
    stage_lookup(ctx.con, ctx.stages, "SELECT DISTINCT stage FROM raw WHERE stage IS NOT NULL")
    unknown = unknown_stages(ctx.con, ctx.stages, columns["stage"], [])
    opt = partial(optional, columns)
    steps = Steps(ctx.con)
    # A view: entries is all the figures read, and the rows kept are counted there (one pass, not two).
    steps.view("typed", f"""
        SELECT r._row, pb_trim(r.deal_id) AS deal_id, l.pos, r.p_entered_at AS at_ms,
               {opt('amount')} AS amount, upper({opt('currency')}) AS currency, {opt('name')} AS name,
               ({bad}) OR l.pos IS NULL AS _skip
        FROM raw r LEFT JOIN lookup l ON l.raw = r.stage
    """)
    # A view too: the window of _deals_and_stays reads the kept rows straight from the file's cells.
    steps.view("entries", """
        SELECT deal_id AS grp, pos, at_ms, _row, 2 * _row AS seq, true AS timed, name, amount, currency
        FROM typed WHERE NOT _skip
    """)
    kept, latest = _deals_and_stays(ctx, steps)
    ctx.con.execute("DROP VIEW entries; DROP VIEW typed")
    return finish(ctx, Loaded(latest_ms=latest), [*found, unknown], kept=kept)


def load_field_history(ctx: Context) -> Loaded:
    """Salesforce OpportunityFieldHistory: the rows whose Field is StageName, each entering its NewValue at
    its CreatedDate; a deal's first stage is the OldValue of its first change, entered when the record was
    created (its 'created' row) or, without one, at a time the file does not hold (no days counted there)."""
    columns = ctx.columns
    cells = list(columns.values())
    read_cells(ctx, cells)
    found, bad = check_cells(ctx.con, cells, {"deal_id", "field", "entered_at"}, ctx.bounds)
    is_stage = "lower(pb_trim(r.field)) = 'stagename'"
    new = columns["new_value"]
    count, rows = listed(ctx.con, f"{is_stage.replace('r.', '')} AND pb_blank(new_value)", "NULL")
    empty = Found("deals-empty-cell", total=count, items=[
        (r, new.index, f"'{new.header}' is empty on a stage change; every one needs it, so the row is skipped")
        for r, _ in rows])
    stage_lookup(ctx.con, ctx.stages, "SELECT DISTINCT new_value FROM raw WHERE new_value IS NOT NULL UNION "
                                      "SELECT DISTINCT old_value FROM raw WHERE old_value IS NOT NULL"
                 if "old_value" in columns else "SELECT DISTINCT new_value FROM raw WHERE new_value IS NOT NULL")
    unknown = unknown_stages(ctx.con, ctx.stages, new, [], candidates=is_stage)
    old = "r.old_value" if "old_value" in columns else "NULL::VARCHAR"
    steps = Steps(ctx.con)
    steps.table("typed", f"""
        SELECT r._row, pb_trim(r.deal_id) AS deal_id, l.pos, o.pos AS old_pos, r.p_entered_at AS at_ms,
               lower(pb_trim(r.field)) AS field,
               ({bad}) OR ({is_stage} AND l.pos IS NULL) AS _skip
        FROM raw r LEFT JOIN lookup l ON l.raw = r.new_value LEFT JOIN lookup o ON o.raw = {old}
        WHERE lower(pb_trim(r.field)) IN ('stagename', 'created')
    """)
    steps.view("entries", """  -- a view: the per-deal window reads it once
        WITH changes AS (SELECT * FROM typed WHERE NOT _skip AND field = 'stagename'),
        -- per deal, in one grouping: when the record was created, and its first change (by time, then row)
        first AS (SELECT deal_id, min(at_ms) FILTER (WHERE field = 'created') AS created_ms,
                         arg_min(old_pos, {'t': at_ms, 'r': _row}) FILTER (WHERE field = 'stagename') AS pos,
                         min(at_ms) FILTER (WHERE field = 'stagename') AS at_ms,
                         arg_min(_row, {'t': at_ms, 'r': _row}) FILTER (WHERE field = 'stagename') AS _row
                  FROM typed WHERE NOT _skip GROUP BY deal_id)
        SELECT deal_id AS grp, pos, at_ms, _row, 2 * _row AS seq, true AS timed,
               NULL::VARCHAR AS name, NULL::DECIMAL(38, 4) AS amount, NULL::VARCHAR AS currency FROM changes
        UNION ALL
        SELECT deal_id, pos, coalesce(least(created_ms, at_ms), at_ms), _row, 2 * _row - 1,
               created_ms IS NOT NULL, NULL, NULL, NULL
        FROM first WHERE pos IS NOT NULL  -- NULL: no stage change, or a first change whose old stage is unknown
    """)
    _deals_and_stays(ctx, steps)
    loaded = Loaded(latest_ms=scalar(ctx.con, "SELECT max(at_ms) FROM typed WHERE NOT _skip"))
    ctx.con.execute("DROP VIEW entries")
    unchanged = scalar(ctx.con, "SELECT count(DISTINCT deal_id) FROM typed WHERE field = 'created' AND deal_id NOT IN "
                                "(SELECT grp FROM deals)") or 0  # a deal of the entries is a deal of the table
    if unchanged:
        loaded.notes.append(f"{unchanged:,} deal{'s' * (unchanged != 1)} of the field history never changed stage, so "
                            "the file does not say which stage they are in: they are left out (an OpportunityHistory "
                            "export has them)")
    # Rows of other fields are not skipped: they are not about stages.
    return finish(ctx, loaded, [*found, empty, unknown], skipped="typed WHERE _skip")


def _deals_and_stays(ctx: Context, steps: Steps) -> tuple[int, int | None]:
    """Tables deals and stays from entries(grp, pos, at_ms, _row, seq, timed, name, amount, currency), a view,
    each deal's entries taken in time order (seq breaks ties: the file's order); returns how many entries
    there are and the latest time among them.

    One sort serves both: a window gives every entry its place k in its deal, the stage before it and the time
    of the next entry; the deals table is a grouping of that, with k (an integer) as the key of the latest and
    earliest values, and the stays are read off it too."""
    n = len(ctx.stages.open_ids)
    steps.table("ordered", """
        SELECT grp, pos, at_ms, timed, name, amount, currency,
               row_number() OVER w AS k, lag(pos) OVER w AS prev_pos, lead(at_ms) OVER w AS next_ms,
               last_value(pos) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS last_pos
        FROM entries
        WINDOW w AS (PARTITION BY grp ORDER BY at_ms, seq)
    """)
    steps.table("deals", f"""
        SELECT grp AS deal_id, grp,
               arg_max(name, k) FILTER (WHERE name IS NOT NULL) AS name,
               arg_max(amount, k) FILTER (WHERE amount IS NOT NULL) AS amount,
               arg_max(currency, k) FILTER (WHERE currency IS NOT NULL) AS currency,
               arg_max(pos, k) AS current_pos,
               -- the current stay starts at the first of the last run of same-stage rows (Salesforce repeats them)
               max(at_ms) FILTER (WHERE prev_pos IS DISTINCT FROM pos) AS current_at,
               min(at_ms) FILTER (WHERE timed) AS first_ms,
               max(pos) FILTER (WHERE pos <= {n}) AS max_open_pos,
               arg_min(pos, k) AS first_pos,
               NULL::BIGINT AS created_ms, NULL::BIGINT AS closed_ms
        FROM ordered
        GROUP BY grp
    """)
    # Days in stage: a stay ends at the deal's next entry; deals now in the stage are left out. Same-stage
    # rows in a row are one stay: measuring each row to the next row gives the same sum,
    # (b - a2) + (a2 - a1) = b - a1, with one window instead of two. The deal's current stage is its last
    # entry's (last_pos), read off the same window rather than joined from deals.
    steps.table("stays", f"""
        SELECT pos, sum(next_ms - at_ms) AS ms
        FROM ordered
        WHERE pos <= {n} AND timed AND last_pos IS DISTINCT FROM pos AND next_ms >= at_ms
        GROUP BY grp, pos
    """)
    kept = count_and_latest(ctx.con, "ordered", "at_ms")
    ctx.con.execute("DROP TABLE ordered")
    return kept
