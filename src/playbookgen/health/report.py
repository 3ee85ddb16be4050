"""The pipeline health report: plain typed data that the text, JSON, CSV and site renderers all read.

Every figure that has no data (a ratio with a zero denominator, a quantile of nothing, a metric the
export cannot support) is ``None``, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["SourceInfo", "StageHealth", "Totals", "StalledDeal", "HealthReport", "Calibration", "HISTORY_METRICS",
           "Problem"]

# What a snapshot export (Pipedrive's deals list) cannot tell: they need each deal's stage history.
HISTORY_METRICS = ("reached", "converted", "conversion", "median_days", "p90_days", "win_rate")


@dataclass(frozen=True)
class SourceInfo:
    file: str  # as the user named it: relative to the project, or as given on the command line
    format: str
    rows: int  # data rows in the file, header not counted
    deals: int  # deals the report counts
    skipped_rows: int  # rows left out because of a problem that a diagnostic reports
    encoding: str = "utf-8"  # as the file was read: found from its bytes, or deals.encoding
    date_format: str | None = None  # MM/DD/YYYY or DD/MM/YYYY, for a file with report-style dates


@dataclass(frozen=True)
class StageHealth:
    """One open stage of the playbook, held against the deals (docs/health.md defines each figure)."""

    id: str
    name: str
    reached: int | None  # deals whose first stage is at or before this one and whose furthest at or beyond it
    converted: int | None  # of those, the deals that went further (won counts as further than the last stage)
    conversion: float | None
    median_days: float | None  # Kaplan-Meier, open stays censored at as-of; None where the curve never gets there
    p90_days: float | None
    open: int
    stalled: int | None  # None when the stage has no max_days
    max_days: int | None
    win_rate: float | None  # won / closed among the deals that reached the stage
    probability: int | None
    ended_stays: int | None = None  # stays that ended (the estimate's events)
    open_stays: int | None = None  # stays still running at as-of (censored)
    p90_low_days: float | None = None  # the p90's 95% interval; high None: the data set no upper bound
    p90_high_days: float | None = None
    won: int | None = None  # won deals among those that reached the stage
    closed: int | None = None  # won + lost among the deals that reached the stage
    win_rate_low: float | None = None  # 95% Wilson score interval of win_rate
    win_rate_high: float | None = None
    suggested_probability: int | None = None  # only with 30+ closed deals and the probability outside the interval
    suggested_max_days: int | None = None  # only with 30+ ended stays and max_days outside the p90's interval


@dataclass(frozen=True)
class Totals:
    deals: int
    open: int
    won: int
    lost: int
    win_rate: float | None
    avg_won_amount: float | None
    currency: str | None
    mean_cycle_days: float | None
    median_cycle_days: float | None
    velocity_per_day: float | None


@dataclass(frozen=True)
class Calibration:
    """Brier scores of stage probabilities on the closed deals: one forecast per (closed deal, stage it reached
    that has a probability), scored against won 1 / lost 0. Lower is better; None without forecasts."""

    forecasts: int
    playbook: float | None
    base_rate: float | None  # every forecast the overall win rate: what a playbook must beat to be useful
    suggested: float | None  # the suggested probabilities, the playbook's where none is suggested (in-sample)


@dataclass(frozen=True)
class StalledDeal:
    stage_id: str
    deal_id: str
    name: str | None
    days: float


@dataclass(frozen=True)
class Problem:
    """A problem found in the deals file, as the page lists it: where (file:row:column) and what."""

    where: str
    severity: str  # error or warning
    message: str


@dataclass(frozen=True)
class HealthReport:
    as_of: datetime  # timezone-aware, UTC
    source: SourceInfo
    stages: list[StageHealth]
    totals: Totals
    has_history: bool
    notes: list[str] = field(default_factory=list)
    stalled_deals: list[StalledDeal] = field(default_factory=list)  # only with deals.list_stalled
    # Every deal in the file is named as SAMPLE data (the repository's synthetic export): say so wherever shown.
    sample: bool = False
    problems: list[Problem] = field(default_factory=list)  # what reading the file found, for the page
    calibration: Calibration | None = None  # None without stage history
    # Closed deals (or ended stays) a stage needs before a value is suggested: carried here so that renderers,
    # which must not import the health package (DuckDB), can say how far a stage is from it.
    enough: int = 30

    def stage(self, stage_id: str) -> StageHealth:
        return next(s for s in self.stages if s.id == stage_id)
