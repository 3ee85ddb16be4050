"""The definitions of issue 16, computed in DuckDB from the normalised ``deals`` and ``stays`` relations.

Sums run on integers (milliseconds, DECIMAL amounts) so every machine gets the same figures to the
last bit; Python only divides and fills the report from a handful of aggregate rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

from ..errors import Diagnostic, warning
from ..model import Project
from .formats import StageMap
from .report import HISTORY_METRICS, SourceInfo, StageHealth, StalledDeal, Totals

__all__ = ["Figures", "compute"]

DAY_MS = 86_400_000
STALLED_LISTED_PER_STAGE = 100


@dataclass(frozen=True)
class Figures:
    stages: list[StageHealth]
    totals: Totals
    stalled_deals: list[StalledDeal]
    notes: list[str]
    diagnostics: list[Diagnostic]


def _ratio(top: int, bottom: int) -> float | None:
    return top / bottom if bottom else None


def _days(ms: float | int | None) -> float | None:
    return None if ms is None else ms / DAY_MS


def _prepare(con: duckdb.DuckDBPyConnection, project: Project, stages: StageMap, as_of_ms: int) -> None:
    """furthest, outcome and stalled per deal (``read`` has measured the stays)."""
    n = len(stages.open_ids)
    by_id = {s.id: s for s in project.stages}
    # Each open stage's limit in ms, written into the SQL: a CASE per row instead of a join per query.
    limits = {pos: by_id[sid].max_days for pos, sid in enumerate(stages.open_ids, start=1)}
    branches = " ".join(f"WHEN {pos} THEN {days * DAY_MS}" for pos, days in limits.items() if days is not None)
    limit_ms = f"CASE d.current_pos {branches} END" if branches else "NULL::BIGINT"
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW facts AS  -- a view: each query reads its few columns of deals
        SELECT d.*,
               CASE WHEN d.current_pos = {n + 1} THEN {n + 1} ELSE coalesce(d.max_open_pos, 0) END AS furthest,
               coalesce({as_of_ms} - d.current_at > {limit_ms}, false) AS stalled
        FROM deals d
    """)


def _stage_rows(con: duckdb.DuckDBPyConnection, project: Project, stages: StageMap, history: bool) -> list[StageHealth]:
    n = len(stages.open_ids)
    groups = con.execute("""
        SELECT furthest, current_pos, count(*), count(*) FILTER (WHERE stalled) FROM facts GROUP BY ALL
    """).fetchall()
    # Both quantiles from one list argument: one sort per stage instead of two, the same numbers.
    quantiles = {int(pos): (q[0], q[1]) for pos, q in con.execute(
        "SELECT pos, quantile_cont(ms::DOUBLE, [0.5, 0.9]) FROM stays GROUP BY pos").fetchall()}
    by_id = {s.id: s for s in project.stages}
    rows = []
    for i, sid in enumerate(stages.open_ids, start=1):
        stage = by_id[sid]
        reached = sum(c for f, _, c, _ in groups if f is not None and f >= i)
        converted = sum(c for f, _, c, _ in groups if f is not None and f >= i + 1)
        won = sum(c for f, p, c, _ in groups if f is not None and f >= i and p == n + 1)
        lost = sum(c for f, p, c, _ in groups if f is not None and f >= i and p == n + 2)
        q50, q90 = quantiles.get(i, (None, None))
        rows.append(StageHealth(
            id=sid,
            name=stage.name,
            reached=reached if history else None,
            converted=converted if history else None,
            conversion=_ratio(converted, reached) if history else None,
            median_days=_days(q50) if history else None,
            p90_days=_days(q90) if history else None,
            open=sum(c for _, p, c, _ in groups if p == i),
            stalled=sum(s for _, p, _, s in groups if p == i) if stage.max_days is not None else None,
            max_days=stage.max_days,
            win_rate=_ratio(won, won + lost) if history else None,
            probability=stage.probability,
        ))
    return rows


def _amounts(con: duckdb.DuckDBPyConnection, n: int, currency: str | None,
             file: str) -> tuple[float | None, str | None, list[Diagnostic]]:
    """Mean amount of won deals, in one currency only: several without a deals.currency choice give None."""
    # One pass: per currency as the file writes it, then trimmed and upper-cased (each distinct text once,
    # not each deal); a currency is found when any deal has it, and summed over the won deals.
    rows = con.execute(f"""
        SELECT upper(nullif(trim(currency), '')) AS cur, sum(won_sum), sum(won_count) FROM (
            SELECT currency, sum(amount) FILTER (WHERE current_pos = {n + 1}) AS won_sum,
                   count(amount) FILTER (WHERE current_pos = {n + 1}) AS won_count
            FROM deals GROUP BY currency)
        GROUP BY cur
    """).fetchall()
    found = sorted(str(cur) for cur, *_ in rows if cur is not None)
    sums = {cur: (total, int(count)) for cur, total, count in rows if count}
    if currency is None and len(found) > 1:
        return None, None, [warning(file, 1, 1, "deals-mixed-currency",
                                    f"the deals are in {len(found)} currencies ({', '.join(found)}); amounts in "
                                    "different "
                                    "currencies are never added up, so the average won amount and velocity are left "
                                    "out: "
                                    "choose one with deals.currency in playbook.yml")]
    chosen = currency or (found[0] if found else None)
    if found and chosen is not None:
        total, count = sums.get(chosen, (None, 0))
    else:  # no currency column: every amount is in one (unnamed, or deals.currency) currency
        total = sum((s for s, _ in sums.values() if s is not None), Decimal(0))
        count = sum(c for _, c in sums.values())
    mean = float(Decimal(total) / count) if count and total is not None else None
    return mean, chosen, []


def _totals(con: duckdb.DuckDBPyConnection, stages: StageMap, currency: str | None,
            file: str) -> tuple[Totals, list[Diagnostic]]:
    n = len(stages.open_ids)
    row = con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE current_pos <= {n}), count(*) FILTER (WHERE current_pos = {n + 1}),
               count(*) FILTER (WHERE current_pos = {n + 2}),
               sum(current_at - first_ms) FILTER (WHERE current_pos = {n + 1} AND current_at >= first_ms)::HUGEINT,
               count(*) FILTER (WHERE current_pos = {n + 1} AND current_at >= first_ms),
               quantile_cont((current_at - first_ms)::DOUBLE, 0.5)
                   FILTER (WHERE current_pos = {n + 1} AND current_at >= first_ms)
        FROM facts
    """).fetchone()
    assert row is not None
    deals, open_, won, lost, cycle_sum, cycles, cycle_median = row
    avg, chosen, problems = _amounts(con, n, currency, file)
    win_rate = _ratio(won, won + lost)
    mean_cycle = _days(int(cycle_sum) / cycles) if cycles else None
    velocity = None
    if win_rate is not None and avg is not None and mean_cycle:
        velocity = open_ * win_rate * avg / mean_cycle
    return Totals(deals, open_, won, lost, win_rate, avg, chosen, mean_cycle, _days(cycle_median), velocity), problems


def _stalled(con: duckdb.DuckDBPyConnection, stages: StageMap, as_of_ms: int) -> list[StalledDeal]:
    rows = con.execute(f"""
        SELECT current_pos, deal_id, name, ({as_of_ms} - current_at) AS ms FROM facts WHERE stalled
        QUALIFY row_number() OVER (PARTITION BY current_pos ORDER BY ms DESC, deal_id) <= {STALLED_LISTED_PER_STAGE}
        ORDER BY current_pos, ms DESC, deal_id
    """).fetchall()
    return [StalledDeal(stages.open_ids[pos - 1], str(deal), name, ms / DAY_MS) for pos, deal, name, ms in rows]


def compute(con: duckdb.DuckDBPyConnection, project: Project, stages: StageMap, source: SourceInfo,
            as_of: datetime, history: bool, currency: str | None, list_stalled: bool) -> Figures:
    """Every figure of the report, from the tables ``read`` filled."""
    as_of_ms = int(as_of.astimezone(UTC).timestamp() * 1000)
    _prepare(con, project, stages, as_of_ms)
    rows = _stage_rows(con, project, stages, history)
    totals, problems = _totals(con, stages, currency, source.file)
    notes = []
    if not history:
        notes.append(f"a {source.format} export holds each deal's current stage but not its history, so these figures "
                     f"are left out: {', '.join(HISTORY_METRICS)}; open, stalled, win rate, deal size and cycle are "
                     "computed")
    stalled = _stalled(con, stages, as_of_ms) if list_stalled else []
    return Figures(rows, totals, stalled, notes, problems)
