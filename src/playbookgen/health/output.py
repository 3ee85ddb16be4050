"""The health report as text for a terminal, JSON for scripts (the contract of issue 16), CSV per stage.

Pure functions: a report in, a string out.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from .report import HealthReport

__all__ = ["OUTPUT_FORMATS", "render", "as_json_data"]

OUTPUT_FORMATS = ("text", "json", "csv")
STAGE_KEYS = ("id", "name", "reached", "converted", "conversion", "median_days", "p90_days", "open", "stalled",
              "max_days", "win_rate", "probability")
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
    }


def render(report: HealthReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json_data(report), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(report)
    return _text(report)


def _csv(report: HealthReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(STAGE_KEYS)
    for stage in report.stages:
        values = asdict(stage)
        writer.writerow(["" if values[k] is None else _defuse(str(values[k])) for k in STAGE_KEYS])
    return buffer.getvalue()


def _defuse(cell: str) -> str:
    # A stage name is the user's text; a spreadsheet must not run it as a formula.
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(cell) else cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


NONE = "-"


def _plain(text: str) -> str:
    """CRM text without control characters, so a deal name cannot drive the terminal."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.0f}%"


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return NONE
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def _text(report: HealthReport) -> str:
    src = report.source
    lines = [
        f"Pipeline health as of {report.as_of.strftime('%Y-%m-%d %H:%M')} UTC",
        f"Source: {_plain(src.file)} ({src.format}), {src.rows:,} rows, {src.deals:,} deals, {src.skipped_rows:,} "
        "rows skipped",
        "",
    ]
    if report.sample:
        lines[2:2] = ["SAMPLE data: every deal in this file is made up (a synthetic sample export); these figures "
                      "are no team's real pipeline."]
    header = ("Stage", "Reached", "Conv.", "Median d", "P90 d", "Max d", "Open", "Stalled", "Win rate", "Prob.")
    table = [header]
    for s in report.stages:
        table.append((
            _plain(s.name), _num(s.reached), _pct(s.conversion), _num(s.median_days), _num(s.p90_days),
            _num(s.max_days),
            _num(s.open), _num(s.stalled), _pct(s.win_rate), NONE if s.probability is None else f"{s.probability}%",
        ))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for index, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    t = report.totals
    money = NONE if t.avg_won_amount is None else f"{t.avg_won_amount:,.2f}{' ' + t.currency if t.currency else ''}"
    lines += [
        "",
        f"Deals: {t.deals:,} ({t.open:,} open, {t.won:,} won, {t.lost:,} lost); win rate {_pct(t.win_rate)}",
        f"Average won amount: {money}",
        f"Sales cycle of won deals: mean {_num(t.mean_cycle_days)} days, median {_num(t.median_cycle_days)} days",
        f"Velocity: {NONE if t.velocity_per_day is None else f'{t.velocity_per_day:,.2f}'} per day",
    ]
    lines += [f"Note: {note}" for note in report.notes]
    if report.stalled_deals:
        lines += ["", "Stalled deals (longest first):"]
        names = {s.id: s.name for s in report.stages}
        lines += [f"  {_plain(names[d.stage_id])}: {_plain(d.name or d.deal_id)} ({_plain(d.deal_id)}), {d.days:.0f} "
                  "days" for d in report.stalled_deals]
    return "\n".join(lines) + "\n"
