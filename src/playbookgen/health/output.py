"""What `playbookgen health` prints: text for a terminal, JSON for scripts (the contract of issue 16, extended
by issue 21's intervals and suggestions), CSV per stage.

Pure functions: a report in, a string out.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..csv_output import csv_text
from ..i18n import half_up
from .report import HealthReport, StageHealth

__all__ = ["OUTPUT_FORMATS", "render", "as_json_data"]

OUTPUT_FORMATS = ("text", "json", "csv")
STAGE_KEYS = ("id", "name", "reached", "converted", "conversion", "median_days", "p90_days", "p90_low_days",
              "p90_high_days", "ended_stays", "open_stays", "open", "stalled", "max_days", "suggested_max_days",
              "won", "closed", "win_rate", "win_rate_low", "win_rate_high", "probability", "suggested_probability")
TOTAL_KEYS = ("deals", "open", "won", "lost", "win_rate", "avg_won_amount", "currency", "mean_cycle_days",
              "median_cycle_days", "velocity_per_day")


def as_json_data(report: HealthReport) -> dict[str, Any]:
    """Exactly the JSON contract's keys, in its order."""
    stages = [{key: asdict(stage)[key] for key in STAGE_KEYS} for stage in report.stages]
    totals = asdict(report.totals)
    return {
        "as_of": report.as_of.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source": asdict(report.source),
        "stages": stages,
        "totals": {key: totals[key] for key in TOTAL_KEYS},
        "calibration": None if report.calibration is None else asdict(report.calibration),
        "suggest_from": report.enough,
    }


def render(report: HealthReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json_data(report), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(report)
    return _text(report)


def _csv(report: HealthReport) -> str:
    # A stage name is the user's text: csv_text defuses what a spreadsheet would run as a formula.
    return csv_text(STAGE_KEYS, ([asdict(stage)[k] for k in STAGE_KEYS] for stage in report.stages))


NONE = "-"


def _plain(text: str) -> str:
    """CRM text without control characters, so a deal name cannot drive the terminal."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{half_up(value * 100, 0)}%"


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return NONE
    return f"{half_up(value, digits):,}" if isinstance(value, float) else f"{value:,}"


def _count(n: int, word: str) -> str:
    """'1 row', '2 rows': English words with a plain -s."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _interval(low: float | None, high: float | None, show: Any) -> str:
    """'[21%–94%]'; an open upper end (the data set none) is '…'."""
    return NONE if low is None else f"[{show(low)}–{'…' if high is None else show(high)}]"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for index, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _prob(value: int | None) -> str:
    return NONE if value is None else f"{value}%"


def _stage_tables(report: HealthReport) -> list[str]:
    days = _table(("Stage", "Reached", "Conv.", "Median d", "P90 d", "P90 95% interval", "Ended", "Still open",
                   "Max d", "Open", "Stalled"),
                  [(_plain(s.name), _num(s.reached), _pct(s.conversion), _num(s.median_days), _num(s.p90_days),
                    _interval(s.p90_low_days, s.p90_high_days, _num), _num(s.ended_stays), _num(s.open_stays),
                    _num(s.max_days), _num(s.open), _num(s.stalled)) for s in report.stages])
    if not report.has_history:
        return days
    wins = _table(("Stage", "Closed", "Won", "Win rate", "95% interval", "Prob."),
                  [(_plain(s.name), _num(s.closed), _num(s.won), _pct(s.win_rate),
                    _interval(s.win_rate_low, s.win_rate_high, _pct), _prob(s.probability)) for s in report.stages])
    return [*days, "", *wins]


def _probability_advice(s: StageHealth, enough: int) -> str | None:
    if s.probability is None:
        return None
    if s.suggested_probability is not None:
        interval = _interval(s.win_rate_low, s.win_rate_high, _pct)
        return (f"probability {s.probability}% -> {s.suggested_probability}% (won {_pct(s.win_rate)} of "
                f"{_count(s.closed or 0, 'closed deal')}, 95% interval {interval})")
    if (s.closed or 0) < enough:
        return f"probability: not enough data yet ({s.closed or 0} of {enough} closed deals)"
    return f"probability {s.probability}% holds (inside {_interval(s.win_rate_low, s.win_rate_high, _pct)})"


def _days_advice(s: StageHealth, enough: int) -> str | None:
    if s.max_days is None:
        return None
    if s.suggested_max_days is not None:
        return (f"max_days {s.max_days} -> {s.suggested_max_days} (p90 {_num(s.p90_days)} days, 95% interval "
                f"{_interval(s.p90_low_days, s.p90_high_days, _num)})")
    if (s.ended_stays or 0) < enough:
        return f"max_days: not enough data yet ({s.ended_stays or 0} of {enough} ended stays)"
    if s.p90_days is None:
        low = "" if s.p90_low_days is None else f"; it is at least {_num(s.p90_low_days)} days"
        return f"max_days {s.max_days}: too many stays still open for a p90 yet ({s.open_stays or 0} open{low})"
    return f"max_days {s.max_days} holds (inside {_interval(s.p90_low_days, s.p90_high_days, _num)})"


def _advice(report: HealthReport) -> list[str]:
    if not report.has_history:
        return []
    lines = ["", f"Suggestions (each from {report.enough} closed deals or ended stays, and only where the "
                 "playbook's value is outside the 95% interval):"]
    for s in report.stages:
        said = [a for a in (_probability_advice(s, report.enough), _days_advice(s, report.enough)) if a]
        if said:
            lines.append(f"  {_plain(s.name)}: {'; '.join(said)}")
    c = report.calibration
    if c is not None and c.forecasts:
        lines += ["", f"Calibration (Brier score on {_count(c.forecasts, 'forecast')}, one per closed deal and stage "
                      "it reached; lower is better): "
                      f"playbook {_num(c.playbook, 3)}, overall win rate {_num(c.base_rate, 3)}, "
                      f"suggested {_num(c.suggested, 3)}"]
    return lines


def _text(report: HealthReport) -> str:
    src = report.source
    lines = [
        f"Pipeline health as of {report.as_of.strftime('%Y-%m-%d %H:%M')} UTC",
        f"Source: {_plain(src.file)} ({src.format}), {_count(src.rows, 'row')}, {_count(src.deals, 'deal')}, "
        f"{_count(src.skipped_rows, 'row')} skipped",
        "",
    ]
    if report.sample:
        lines[2:2] = ["SAMPLE data: every deal in this file is made up (a synthetic sample export); these figures "
                      "are no team's real pipeline."]
    lines += _stage_tables(report)
    lines += _advice(report)
    t = report.totals
    money = NONE if t.avg_won_amount is None else f"{_num(t.avg_won_amount, 2)}{' ' + t.currency if t.currency else ''}"
    lines += [
        "",
        f"Deals: {t.deals:,} ({t.open:,} open, {t.won:,} won, {t.lost:,} lost); win rate {_pct(t.win_rate)}",
        f"Average won amount: {money}",
        f"Sales cycle of won deals: mean {_num(t.mean_cycle_days)} days, median {_num(t.median_cycle_days)} days",
        f"Velocity: {_num(t.velocity_per_day, 2)} per day",
    ]
    lines += [f"Note: {note}" for note in report.notes]
    if report.stalled_deals:
        lines += ["", "Stalled deals (longest first):"]
        names = {s.id: s.name for s in report.stages}
        lines += [f"  {_plain(names[d.stage_id])}: {_plain(d.name or d.deal_id)} ({_plain(d.deal_id)}), "
                  f"{_num(d.days, 0)} days" for d in report.stalled_deals]
    return "\n".join(lines) + "\n"
