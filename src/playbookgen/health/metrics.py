"""The figures of the health report, computed in DuckDB from the normalised ``deals`` and ``stays`` relations.

docs/health.md ("How each figure is defined") defines each one with a worked example. Sums run on integers
(milliseconds, DECIMAL amounts) so every machine gets the same figures to the last bit; the days in stage
are a Kaplan-Meier estimate computed in SQL, and Python only divides and fills the report from a handful of
aggregate rows.
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
from .report import HISTORY_METRICS, Calibration, SourceInfo, StageHealth, StalledDeal, Totals
from .stats import Z95, brier, suggested_max_days, suggested_probability, wilson

__all__ = ["Figures", "compute"]

DAY_MS = 86_400_000
STALLED_LISTED_PER_STAGE = 100
# A survival curve is a product of floats: it is held to a level to within this, so a curve that is exactly
# 0.5 in rationals (2 of 4 stays ended) reaches 0.5 whatever the last bit of the product.
LEVEL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Figures:
    stages: list[StageHealth]
    totals: Totals
    stalled_deals: list[StalledDeal]
    notes: list[str]
    diagnostics: list[Diagnostic]
    calibration: Calibration | None


@dataclass(frozen=True)
class _Stays:
    """One stage's days in stage as the Kaplan-Meier estimate gives them, in ms."""

    ended: int = 0
    open: int = 0
    median: int | None = None
    p90: int | None = None
    p90_low: int | None = None
    p90_high: int | None = None


def _ratio(top: int, bottom: int) -> float | None:
    return top / bottom if bottom else None


def _days(ms: float | int | None) -> float | None:
    return None if ms is None else ms / DAY_MS


def _prepare(con: duckdb.DuckDBPyConnection, project: Project, stages: StageMap, as_of_ms: int) -> None:
    """First and furthest stage, and stalled, per deal (``read`` has measured the stays)."""
    n = len(stages.open_ids)
    by_id = {s.id: s for s in project.stages}
    # Each open stage's limit in ms, written into the SQL: a CASE per row instead of a join per query.
    limits = {pos: by_id[sid].max_days for pos, sid in enumerate(stages.open_ids, start=1)}
    branches = " ".join(f"WHEN {pos} THEN {days * DAY_MS}" for pos, days in limits.items() if days is not None)
    limit_ms = f"CASE d.current_pos {branches} END" if branches else "NULL::BIGINT"
    # A deal counts from its first stage on; one that has since gone back to an earlier stage and is open there
    # has reached that stage too (it is counted open there). first_pos is NULL only where the export has no
    # history: the stage figures are then left out anyway.
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW facts AS  -- a view: each query reads its few columns of deals
        SELECT d.*,
               least(coalesce(d.first_pos, 1), CASE WHEN d.current_pos <= {n} THEN d.current_pos END) AS entry,
               CASE WHEN d.current_pos = {n + 1} THEN {n + 1} ELSE coalesce(d.max_open_pos, 0) END AS furthest,
               coalesce({as_of_ms} - d.current_at > {limit_ms}, false) AS stalled
        FROM deals d
    """)


# Days in stage: the Kaplan-Meier (product-limit) estimate per stage, over the ended stays (events) and the
# stays still running at as-of (censored at as_of - entered). At a time with both, the events come first: the
# censored stays are still at risk then (the standard convention). The curve's 95% band is pointwise, from
# Greenwood's variance on the log scale (as R's survfit gives by default); the p90's interval is where the band
# crosses 0.1. Where the curve falls to 0 (every stay left has ended) the variance is infinite and the band closes
# at 0: no stay in the data lasted longer. The upper end is NULL where the band's top never gets down to 0.1
# (stays still open: the data set no upper bound yet).
_KAPLAN_MEIER = """
    WITH observed AS (
        SELECT pos, ms, true AS ended FROM stays WHERE pos BETWEEN 1 AND {n}
        UNION ALL
        SELECT current_pos, {as_of} - current_at, false FROM deals
        WHERE current_pos BETWEEN 1 AND {n} AND current_at <= {as_of}),
    times AS (
        SELECT pos, ms, count(*) FILTER (WHERE ended)::DOUBLE AS d, count(*) AS m FROM observed GROUP BY pos, ms),
    risk AS (
        SELECT pos, ms, d, m, sum(m) OVER (PARTITION BY pos ORDER BY ms DESC ROWS UNBOUNDED PRECEDING)::DOUBLE AS r
        FROM times),
    curve AS (
        SELECT pos, ms, product(1 - d / r) OVER w AS s,
               sum(CASE WHEN d < r THEN d / (r * (r - d)) ELSE 'inf'::DOUBLE END) OVER w AS greenwood
        FROM risk WHERE d > 0
        WINDOW w AS (PARTITION BY pos ORDER BY ms ROWS UNBOUNDED PRECEDING)),
    band AS (
        SELECT pos, ms, s,
               CASE WHEN isinf(greenwood) THEN 0 ELSE s * exp(-{z} * sqrt(greenwood)) END AS low,
               CASE WHEN isinf(greenwood) THEN 0 ELSE s * exp({z} * sqrt(greenwood)) END AS high
        FROM curve),
    quantiles AS (
        SELECT pos, min(ms) FILTER (WHERE s <= 0.5 + {eps}) AS median,
               min(ms) FILTER (WHERE s <= 0.1 + {eps}) AS p90,
               min(ms) FILTER (WHERE low <= 0.1 + {eps}) AS p90_low,
               min(ms) FILTER (WHERE high <= 0.1 + {eps}) AS p90_high
        FROM band GROUP BY pos),
    counts AS (SELECT pos, sum(d)::BIGINT AS ended, (sum(m) - sum(d))::BIGINT AS open FROM times GROUP BY pos)
    SELECT c.pos, c.ended, c.open, q.median, q.p90, q.p90_low, q.p90_high
    FROM counts c LEFT JOIN quantiles q ON q.pos = c.pos
"""


def _kaplan_meier(con: duckdb.DuckDBPyConnection, n: int, as_of_ms: int) -> dict[int, _Stays]:
    rows = con.execute(_KAPLAN_MEIER.format(n=n, as_of=as_of_ms, z=repr(Z95), eps=repr(LEVEL_TOLERANCE))).fetchall()
    return {int(pos): _Stays(int(ended), int(open_), *(None if v is None else int(v) for v in rest))
            for pos, ended, open_, *rest in rows}


def _stage_rows(con: duckdb.DuckDBPyConnection, project: Project, stages: StageMap, history: bool,
                as_of_ms: int) -> list[StageHealth]:
    n = len(stages.open_ids)
    groups = con.execute("""
        SELECT entry, furthest, current_pos, count(*), count(*) FILTER (WHERE stalled) FROM facts GROUP BY ALL
    """).fetchall()
    stays = _kaplan_meier(con, n, as_of_ms) if history else {}
    by_id = {s.id: s for s in project.stages}
    rows = []
    for i, sid in enumerate(stages.open_ids, start=1):
        stage = by_id[sid]
        # A deal counts in a stage from its first entry on: one that began at a later stage did not reach this.
        here = [(f, p, c) for e, f, p, c, _ in groups if e is not None and f is not None and e <= i <= f]
        reached = sum(c for _, _, c in here)
        converted = sum(c for f, _, c in here if f >= i + 1)
        won = sum(c for _, p, c in here if p == n + 1)
        lost = sum(c for _, p, c in here if p == n + 2)
        open_ = sum(c for _, _, p, c, _ in groups if p == i)
        stalled = sum(s for _, _, p, _, s in groups if p == i) if stage.max_days is not None else None
        row = StageHealth(sid, stage.name, None, None, None, None, None, open_, stalled, stage.max_days, None,
                          stage.probability)
        rows.append(_with_history(row, reached, converted, won, lost, stays.get(i, _Stays())) if history else row)
    return rows


def _with_history(row: StageHealth, reached: int, converted: int, won: int, lost: int, km: _Stays) -> StageHealth:
    """The figures that need each deal's stage history, and the suggestions they allow."""
    closed = won + lost
    interval = wilson(won, closed)
    p90_days = _days(km.p90)
    p90_interval = (_days(km.p90_low), _days(km.p90_high))
    return StageHealth(
        id=row.id, name=row.name, reached=reached, converted=converted, conversion=_ratio(converted, reached),
        median_days=_days(km.median), p90_days=p90_days, open=row.open, stalled=row.stalled,
        max_days=row.max_days, win_rate=_ratio(won, closed), probability=row.probability,
        ended_stays=km.ended, open_stays=km.open, p90_low_days=p90_interval[0], p90_high_days=p90_interval[1],
        won=won, closed=closed, win_rate_low=None if interval is None else interval[0],
        win_rate_high=None if interval is None else interval[1],
        suggested_probability=suggested_probability(won, closed, row.probability),
        suggested_max_days=suggested_max_days(km.ended, p90_days, p90_interval, row.max_days),
    )


def _amounts(con: duckdb.DuckDBPyConnection, n: int, currency: str | None,
             file: str) -> tuple[float | None, str | None, list[Diagnostic]]:
    """Mean amount of won deals, in one currency only: several without a deals.currency choice give None."""
    # One pass: per currency as the file writes it, then trimmed and upper-cased (each distinct text once,
    # not each deal); a currency is found when any deal has it, and summed over the won deals.
    rows = con.execute(f"""
        SELECT upper(nullif(pb_trim(currency), '')) AS cur, sum(won_sum), sum(won_count) FROM (
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
    rows = _stage_rows(con, project, stages, history, as_of_ms)
    totals, problems = _totals(con, stages, currency, source.file)
    calibration = _calibration(rows, totals) if history else None
    notes = []
    if not history:
        notes.append(f"a {source.format} export holds each deal's current stage but not its history, so these figures "
                     f"are left out: {', '.join(HISTORY_METRICS)}; open, stalled, win rate, deal size and cycle are "
                     "computed")
    stalled = _stalled(con, stages, as_of_ms) if list_stalled else []
    return Figures(rows, totals, stalled, notes, problems, calibration)


def _calibration(rows: list[StageHealth], totals: Totals) -> Calibration:
    """Brier scores from each stage's won and lost counts: no pass over the deals."""
    counts = [(s.won or 0, (s.closed or 0) - (s.won or 0), s.probability, s.suggested_probability) for s in rows]
    return brier(counts, totals.win_rate)
