"""The snapshot layout: one row per deal with its current stage, when it was created and closed, and its
status (open, won or lost), as Pipedrive's deals list and most CRMs' list exports write it. It holds no
stage history: the figures that need one are left out, and the report says which."""

from __future__ import annotations

from functools import partial
from typing import get_args

from ...model import DealsStatus
from ..checks import Found, check_cells, listed, optional, stage_lookup, unknown_stages
from ..sql import Steps, count_and_latest, stage_case, text
from . import Context, Loaded, finish, read_cells

__all__ = ["load"]

STATUSES: tuple[str, ...] = get_args(DealsStatus)  # open, won, lost
_STATUS_LIST = "(" + ", ".join(f"'{text(status)}'" for status in STATUSES) + ")"  # SQL: IN ('open', ...)


def _status_sql(words: dict[str, str]) -> str:
    """SQL: the row's status as open, won or lost, where it is one (written so, in any case, or one of the
    CRM's own words, deals.statuses); else the text lower-cased, which the checks refuse."""
    spoken = lower = "lower(pb_trim(status))"
    if words:
        spoken = (f"CASE {lower} " + " ".join(f"WHEN '{text(w)}' THEN '{text(s)}'" for w, s in sorted(words.items()))
                  + f" ELSE {lower} END")
    # A status as the CRM writes it ('won') needs no lower-casing or trimming: only the others are tested so.
    return f"CASE WHEN status IN {_STATUS_LIST} THEN status ELSE {spoken} END"


def load(ctx: Context) -> Loaded:
    columns = ctx.columns
    cells = list(columns.values())
    read_cells(ctx, cells)
    has_status = "status" in columns
    found, bad = check_cells(ctx.con, cells, {"deal_id", "stage", "created", *(["status"] if has_status else [])},
                             ctx.bounds)
    statuses = Found("deals-bad-status")
    if has_status:
        status = columns["status"]
        read_as = _status_sql(ctx.request.statuses)
        count, rows = listed(ctx.con, f"NOT pb_blank(status) AND ({read_as}) NOT IN {_STATUS_LIST}", "status")
        statuses = Found("deals-bad-status", total=count, items=[
            (r, status.index, f"'{status.header}': '{v}' is not open, won or lost (if the CRM writes them in other "
                              "words, list those in deals.statuses in playbook.yml)") for r, v in rows])
    positions = stage_lookup(ctx.con, ctx.stages, "SELECT DISTINCT stage FROM raw WHERE stage IS NOT NULL")
    unknown = unknown_stages(ctx.con, ctx.stages, columns["stage"], [])
    opt = partial(optional, columns)
    n = len(ctx.stages.open_ids)
    if has_status:
        each = f"(SELECT * REPLACE ({read_as} AS status) FROM raw)"
    else:  # a list export without one (a Salesforce report): a deal in the won or the lost stage is won or lost
        each = (f"(SELECT *, CASE {stage_case('stage', positions)} WHEN {n + 1} THEN 'won' WHEN {n + 2} THEN 'lost' "
                "ELSE 'open' END AS status FROM raw)")
    steps = Steps(ctx.con)
    # A view: the deals table below is these rows, kept, one deal each, so nothing else needs them stored.
    steps.view("typed", f"""
        SELECT r._row, pb_trim(r.deal_id) AS deal_id, {stage_case("r.stage", positions)} AS stage_pos, r.status,
               {opt('amount')} AS amount, upper({opt('currency')}) AS currency, {opt('name')} AS name,
               r.p_created AS created, {opt('stage_changed')} AS changed,
               coalesce({opt('won_time')}, CASE WHEN r.status = 'won' THEN {opt('closed')} END) AS won,
               coalesce({opt('lost_time')}, CASE WHEN r.status = 'lost' THEN {opt('closed')} END) AS lost,
               ({bad}) OR stage_pos IS NULL OR r.status IS NULL OR r.status NOT IN {_STATUS_LIST} AS _skip
        FROM {each} r
    """)
    backwards = Found("deals-time-backwards", warn=True)
    created = columns["created"]
    for name in ("stage_changed", "won_time", "lost_time", "closed"):
        if name not in columns:
            continue
        cell = columns[name]
        count, rows = listed(ctx.con, f"p_{cell.alias} < p_created", "pb_trim(deal_id)")
        backwards.total += count
        backwards.items += [(r, cell.index, f"deal '{d}': '{cell.header}' is earlier than '{created.header}'")
                            for r, d in rows]
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE stays (pos INTEGER, ms BIGINT)")  # a snapshot holds no stays
    steps.table("deals", f"""
        SELECT deal_id, deal_id AS grp, name, amount, currency,
               CASE status WHEN 'won' THEN {n + 1} WHEN 'lost' THEN {n + 2} ELSE stage_pos END AS current_pos,
               CASE status WHEN 'won' THEN won WHEN 'lost' THEN lost ELSE coalesce(changed, created) END AS current_at,
               created AS first_ms,
               CASE WHEN stage_pos <= {n} THEN stage_pos END AS max_open_pos,  -- a closed stage: not where it got to
               NULL::INTEGER AS first_pos,  -- a snapshot does not tell where the deal began
               created AS created_ms,
               CASE status WHEN 'won' THEN won WHEN 'lost' THEN lost END AS closed_ms,
               greatest(created, changed, won, lost) AS _latest  -- the latest time of the row: the default as-of
        FROM typed WHERE NOT _skip
    """)
    ctx.con.execute("DROP VIEW typed")
    kept, latest = count_and_latest(ctx.con, "deals", "_latest")
    loaded = Loaded(latest_ms=latest, has_history=False)
    if not has_status:
        loaded.notes.append("the file has no status column, so a deal's status is read off its stage: won or lost in "
                            "the playbook's won and lost stages (or Closed Won and Closed Lost), open in the others")
    return finish(ctx, loaded, [*found, statuses, unknown, backwards], kept=kept)
