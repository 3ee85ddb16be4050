"""The site's pipeline health: the "Pipeline health" page and each stage's panel, from a HealthReport.

Pure: a report in, view models out. The charts are inline SVG that templates/site/health-chart.html.j2
draws from the geometry computed here (fixed decimals, so the bytes never vary); their colours are
CSS classes that the stylesheet maps to the theme's colour variables, in light and dark.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..crm import display_name
from ..i18n import format_date, format_number, plural

if TYPE_CHECKING:  # the health package imports DuckDB: a build without deals must not
    from ..health.report import HealthReport, StageHealth

__all__ = ["Chart", "Table", "HealthPage", "health_page", "stage_panel", "findings"]


# Chart geometry, in SVG user units: one row per stage, its name on a line above its bars.
WIDTH = 420  # about the text column on a desktop: chart words come out the size of body text
ROW = 52
NAME_Y = 17  # baseline of the stage's name within its row
BAR_Y = 24  # top of the first bar
VALUES = 120  # room on the right for the row's figures
NAME_CHARS = 56  # a longer name is cut in the chart (the table beside it has it whole)


@dataclass(frozen=True)
class Table:
    """A plain table: the chart's figures for screen readers and print, or a list of deals."""

    head: list[str]
    rows: list[list[str]]  # the first cell of each row is its header (the stage)


@dataclass(frozen=True)
class Chart:
    """One SVG chart and its table. Coordinates are strings with fixed decimals."""

    id: str
    caption: str
    alt: str
    height: int
    bars: list[dict[str, str]]  # class, x, y, width, height
    marks: list[dict[str, str]]  # dashed vertical lines: x, y1, y2
    labels: list[dict[str, str]]  # x, y, text, anchor
    legend: list[tuple[str, str]]  # swatch class, words
    table: Table
    width: int = WIDTH
    ranges: list[dict[str, str]] = field(default_factory=list)  # intervals under a bar: x1, x2, y


@dataclass(frozen=True)
class HealthPage:
    """Everything the page template prints, in the playbook's language."""

    sample: bool
    source: str
    as_of: str
    skipped_rows: str | None
    history_note: str | None
    findings: list[dict[str, str]]
    findings_none: str | None
    totals: list[tuple[str, str]]
    charts: list[tuple[str, str, Chart]]  # anchor, heading, chart
    stalled: Table | None = None
    stalled_note: str = ""
    problems: list[tuple[str, str]] = field(default_factory=list)  # where, what: the file's problems
    problems_intro: str = ""


class _Words:
    """Figures written in the playbook's language; a missing figure says so instead of showing 0."""

    def __init__(self, labels: Mapping[str, str], language: str) -> None:
        self.L = labels
        self.language = language

    def number(self, value: float | int | None, digits: int = 1) -> str:
        if value is None:
            return self.L["health_none"]
        return format_number(value, 0 if isinstance(value, int) else digits, self.language)

    def days(self, value: float | int | None) -> str:
        """A number of days with its unit in the form the number takes: '1 dzień', '30 dni', and after a
        decimal fraction the genitive singular, '62,4 dnia' ('1 day', '30 days', '62.4 days')."""
        if value is None:
            return self.L["health_none"]
        if isinstance(value, int):
            return plural(value, self.L["health_n_days"], self.language)
        return self.L["health_days_fraction"].replace("{n}", self.number(value))

    def pct(self, value: float | None) -> str:
        return self.L["health_none"] if value is None else f"{format_number(value * 100, 0, self.language)}%"

    def percent(self, value: int | None) -> str:
        return self.L["health_none"] if value is None else f"{value}%"

    def limit(self, value: int | None) -> str:
        return self.L["health_no_limit"] if value is None else str(value)

    def count(self, value: int | None, forms_key: str) -> str:
        """'1 row', '40 rows' (in Polish '2 wiersze', '5 wierszy')."""
        return self.L["health_none"] if value is None else plural(value, self.L[forms_key], self.language)

    def interval(self, low: float | None, high: float | None, show: Callable[[float | None], str]) -> str:
        """'21%–94%'; with no upper end (the data set none yet) '13.0 or more'."""
        if low is None:
            return self.L["health_none"]
        if high is None:
            return self.L["health_interval_open"].format(low=show(low))
        return f"{show(low)}–{show(high)}"

    def as_of(self, report: HealthReport) -> str:
        when = report.as_of
        return f"{format_date(int(when.timestamp()), self.language)}, {when.strftime('%H:%M')} UTC"


def _f(value: float) -> str:
    return f"{value:.1f}"


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def _scale(values: list[float | int | None]) -> float:
    """The largest value, the chart's full width; 1 when there is none (all bars empty)."""
    present = [float(v) for v in values if v is not None and v > 0]
    return max(present) if present else 1.0


class _ChartBuilder:
    """Rows of bars, one row per stage, with the figures at the right and the stage's name above."""

    def __init__(self, chart_id: str, caption: str, alt_template: str) -> None:
        self.id, self.caption = chart_id, caption
        self.alt = alt_template.format(caption=caption)
        self.bars: list[dict[str, str]] = []
        self.marks: list[dict[str, str]] = []
        self.ranges: list[dict[str, str]] = []
        self.labels: list[dict[str, str]] = []
        self.rows = 0
        self.plot = WIDTH - VALUES

    def row(self, name: str, figures: str) -> float:
        """Start a stage's row; returns its top."""
        top = float(self.rows * ROW)
        self.rows += 1
        self.labels.append({"x": "0", "y": _f(top + NAME_Y), "text": _short(name), "anchor": "start"})
        self.labels.append({"x": str(WIDTH), "y": _f(top + BAR_Y + 14), "text": figures, "anchor": "end"})
        return top

    def bar(self, cls: str, top: float, value: float | None, scale: float, height: float = 18,
            offset: float = 0) -> None:
        if value is None:  # no data: no bar at all, and the figures at the right say so
            return
        # A figure of 0 still draws a hairline, so that it looks different from no data.
        width = max(1.5, self._along(value, scale))
        self.bars.append({"class": cls, "x": "1", "y": _f(top + BAR_Y + offset), "width": _f(width),
                          "height": _f(height)})

    def _along(self, value: float, scale: float) -> float:
        """How far along the plot ``value`` lies on a scale up to ``scale``, kept within the plot."""
        return max(0.0, min(1.0, value / scale)) * self.plot

    def mark(self, top: float, value: float | None, scale: float) -> None:
        if value is None:
            return
        x = 1 + self._along(value, scale)
        self.marks.append({"x": _f(x), "y1": _f(top + BAR_Y - 4), "y2": _f(top + BAR_Y + 26)})

    def range(self, top: float, low: float | None, high: float | None, scale: float) -> None:
        """An interval as a line with end ticks just under the row's bar; none without a lower end."""
        if low is None or high is None:
            return
        self.ranges.append({"x1": _f(1 + self._along(low, scale)), "x2": _f(1 + self._along(high, scale)),
                            "y": _f(top + BAR_Y + 22)})

    def chart(self, legend: list[tuple[str, str]], table: Table) -> Chart:
        return Chart(self.id, self.caption, self.alt, max(self.rows, 1) * ROW, self.bars, self.marks, self.labels,
                     legend, table, ranges=self.ranges)


def _funnel(report: HealthReport, w: _Words) -> Chart:
    L = w.L
    c = _ChartBuilder("funnel", L["health_funnel_caption"], L["health_chart_alt"])
    scale = _scale([s.reached for s in report.stages])
    rows = []
    for s in report.stages:
        top = c.row(s.name, f"{w.number(s.reached)} · {w.pct(s.conversion)} →")
        c.bar("pb-bar", top, s.reached, scale)
        rows.append([s.name, w.number(s.reached), w.number(s.converted), w.pct(s.conversion)])
    head = [L["health_col_stage"], L["health_col_reached"], L["health_col_converted"], L["health_col_conversion"]]
    legend = [("pb-sw-bar", L["health_legend_reached"]), ("pb-sw-text", f"→ {L['health_legend_conversion']}")]
    return c.chart(legend, Table(head, rows))


def _days(report: HealthReport, w: _Words) -> Chart:
    L = w.L
    c = _ChartBuilder("days", L["health_days_caption"], L["health_chart_alt"])
    scale = _scale([v for s in report.stages for v in (s.median_days, s.p90_days, s.max_days)])
    rows = []
    for s in report.stages:
        top = c.row(s.name, f"{w.number(s.median_days)} · {w.number(s.p90_days)}")
        c.bar("pb-bar", top, s.median_days, scale, height=10)
        c.bar("pb-bar-outline", top, s.p90_days, scale, height=10, offset=13)
        c.mark(top, s.max_days, scale)
        rows.append([s.name, w.number(s.median_days), w.number(s.p90_days),
                     w.interval(s.p90_low_days, s.p90_high_days, w.number), w.number(s.ended_stays),
                     w.number(s.open_stays), w.limit(s.max_days)])
    head = [L["health_col_stage"], L["health_col_median"], L["health_col_p90"], L["health_col_p90_interval"],
            L["health_col_ended"], L["health_col_still_open"], L["health_col_limit"]]
    legend = [("pb-sw-bar", L["health_legend_median"]), ("pb-sw-outline", L["health_legend_p90"]),
              ("pb-sw-mark", L["health_legend_limit"])]
    return c.chart(legend, Table(head, rows))


def _win_rates(report: HealthReport, w: _Words) -> Chart:
    L = w.L
    c = _ChartBuilder("win-rate", L["health_win_rates_caption"], L["health_chart_alt"])
    rows = []
    for s in report.stages:
        top = c.row(s.name, f"{w.pct(s.win_rate)} · {w.percent(s.probability)}")
        c.bar("pb-bar", top, s.win_rate, 1.0)
        c.range(top, s.win_rate_low, s.win_rate_high, 1.0)
        c.mark(top, None if s.probability is None else s.probability / 100, 1.0)
        rows.append([s.name, w.number(s.closed), w.pct(s.win_rate), w.interval(s.win_rate_low, s.win_rate_high, w.pct),
                     w.percent(s.probability)])
    head = [L["health_col_stage"], L["health_col_closed"], L["health_col_win_rate"], L["health_col_interval"],
            L["health_col_probability"]]
    legend = [("pb-sw-bar", L["health_legend_win_rate"]), ("pb-sw-range", L["health_legend_interval"]),
              ("pb-sw-mark", L["health_legend_probability"])]
    return c.chart(legend, Table(head, rows))


def _open(report: HealthReport, w: _Words) -> Chart:
    L = w.L
    c = _ChartBuilder("open", L["health_open_caption"], L["health_chart_alt"])
    scale = _scale([s.open for s in report.stages])
    rows = []
    for s in report.stages:
        top = c.row(s.name, f"{w.number(s.open)} · {w.number(s.stalled)}")
        c.bar("pb-bar", top, s.open, scale, height=10)
        c.bar("pb-warn", top, s.stalled, scale, height=10, offset=13)
        rows.append([s.name, w.number(s.open), w.number(s.stalled), w.limit(s.max_days)])
    head = [L["health_col_stage"], L["health_col_open"], L["health_col_stalled"], L["health_col_limit"]]
    legend = [("pb-sw-bar", L["health_legend_open"]), ("pb-sw-warn", L["health_legend_stalled"])]
    return c.chart(legend, Table(head, rows))


def findings(report: HealthReport, labels: Mapping[str, str], language: str) -> tuple[list[dict[str, str]], str | None]:
    """Per stage, the suggested probability and stall limit where the deals show the playbook's value is off,
    and where they cannot tell yet, how far they are from it; else why nothing is said."""
    if not report.has_history:
        return [], labels["health_findings_history"]
    w = _Words(labels, language)
    found = [{"stage": s.name, "text": " ".join(said)} for s in report.stages
             if (said := _stage_findings(s, w, report.enough))]
    return found, (None if found else labels["health_findings_none"])


def _stage_findings(s: StageHealth, w: _Words, enough: int) -> list[str]:
    """The metrics decided what to suggest (health/stats.py); this only says it."""
    L, said = w.L, []
    closed, ended = s.closed or 0, s.ended_stays or 0
    if s.probability is not None:
        if s.suggested_probability is not None:
            said.append(L["health_finding_win_rate"].format(
                closed=w.number(closed), closed_words=w.count(closed, "health_n_closed"), rate=w.pct(s.win_rate),
                interval=w.interval(s.win_rate_low, s.win_rate_high, w.pct), probability=w.percent(s.probability),
                suggested=w.percent(s.suggested_probability)))
        elif closed < enough:
            said.append(L["health_finding_few_closed"].format(closed=w.number(closed), enough=enough))
    if s.max_days is not None:
        if s.suggested_max_days is not None:
            said.append(L["health_finding_days"].format(
                p90=w.days(s.p90_days), interval=w.interval(s.p90_low_days, s.p90_high_days, w.number),
                limit=w.days(s.max_days), suggested=w.days(s.suggested_max_days)))
        elif ended < enough:
            said.append(L["health_finding_few_stays"].format(ended=w.number(ended), enough=enough))
        elif s.p90_days is None and s.p90_low_days is not None and s.p90_low_days > s.max_days:
            # No p90 yet, but its interval's lower end is already over the limit: the limit is too low.
            said.append(L["health_finding_open_stays"].format(
                open=w.number(s.open_stays), ended=w.number(ended), low=w.days(s.p90_low_days),
                limit=w.days(s.max_days)))
    return [_capitalised(text) for text in said]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _totals(report: HealthReport, w: _Words) -> list[tuple[str, str]]:
    L, t = w.L, report.totals

    def money(value: float) -> str:
        return f"{format_number(value, 2, w.language)}{' ' + t.currency if t.currency else ''}"

    # Why an amount is missing (several currencies, no amount column) is a warning of the build's.
    amounts_missing = L["health_none"]
    rows = [
        (L["health_deals_total"], L["health_deals_split"].format(
            deals=w.number(t.deals), open=w.number(t.open), won=w.number(t.won), lost=w.number(t.lost))),
        (L["health_win_rate"], w.pct(t.win_rate)),
        (L["health_avg_won"], amounts_missing if t.avg_won_amount is None else money(t.avg_won_amount)),
        (L["health_cycle"], L["health_cycle_text"].format(mean=w.days(t.mean_cycle_days),
                                                          median=w.days(t.median_cycle_days))),
        (L["health_velocity"], amounts_missing if t.velocity_per_day is None
         else L["health_velocity_text"].format(value=money(t.velocity_per_day))),
    ]
    c = report.calibration
    if c is not None and c.forecasts:
        rows.append((L["health_calibration"], L["health_calibration_text"].format(
            playbook=w.number(c.playbook, 3), base=w.number(c.base_rate, 3), suggested=w.number(c.suggested, 3),
            forecasts=w.number(c.forecasts), forecasts_words=w.count(c.forecasts, "health_n_forecasts"))))
    return rows


def _stalled(report: HealthReport, w: _Words) -> Table | None:
    if not report.stalled_deals:
        return None
    rows = []
    for s in report.stages:
        listed = [d for d in report.stalled_deals if d.stage_id == s.id]
        rows += [[s.name, d.name or d.deal_id, w.number(d.days)] for d in listed]
        if listed and s.stalled is not None and s.stalled > len(listed):  # the report lists the longest only
            rows.append([s.name, w.L["health_stalled_more"].format(count=w.number(s.stalled - len(listed))), ""])
    return Table([w.L["health_col_stage"], w.L["health_col_deal"], w.L["health_col_days"]], rows)


def health_page(report: HealthReport, labels: Mapping[str, str], language: str) -> HealthPage:
    """The page's view model: words and figures in ``language``, and the charts' geometry."""
    w = _Words(labels, language)
    src = report.source
    fmt = display_name(src.format)
    found, none = findings(report, labels, language)
    charts: list[tuple[str, str, Callable[[HealthReport, _Words], Chart]]] = []
    if report.has_history:
        charts += [("funnel", labels["health_funnel"], _funnel), ("days", labels["health_days"], _days),
                   ("win-rate", labels["health_win_rates"], _win_rates)]
    charts.append(("open", labels["health_open"], _open))
    return HealthPage(
        sample=report.sample,
        source=labels["health_source_text"].format(
            file=src.file, format=fmt, deals=w.number(src.deals), rows=w.number(src.rows),
            deals_words=w.count(src.deals, "health_n_deals"), rows_words=w.count(src.rows, "health_n_rows")),
        as_of=w.as_of(report),
        skipped_rows=w.number(src.skipped_rows) if src.skipped_rows else None,
        history_note=None if report.has_history else labels["health_no_history"].format(format=fmt),
        findings=found,
        findings_none=none,
        totals=_totals(report, w),
        charts=[(anchor, heading, build(report, w)) for anchor, heading, build in charts],
        stalled=_stalled(report, w),
        stalled_note=labels["health_stalled_intro"],
        problems=[(p.where, p.message) for p in report.problems],
        problems_intro=labels["health_problems_intro"],
    )


def _p90(s: StageHealth, w: _Words) -> str:
    """The p90, or while open stays keep it unknown, the lower end of its interval: 'at least 20.0'."""
    if s.p90_days is None and s.p90_low_days is not None:
        return w.L["health_at_least"].format(low=w.number(s.p90_low_days))
    return w.number(s.p90_days)


def stage_panel(report: HealthReport, stage_id: str, labels: Mapping[str, str], language: str) -> dict[str, Any] | None:
    """The short panel on a stage's page: its own figures. None for a stage the report has no row for
    (a closed stage)."""
    s = next((s for s in report.stages if s.id == stage_id), None)
    if s is None:
        return None
    w, L = _Words(labels, language), labels
    rows = []
    if report.has_history:
        rows.append((L["health_panel_reached"], L["health_panel_reached_text"].format(
            reached=w.number(s.reached), conversion=w.pct(s.conversion))))
        rows.append((L["health_panel_days"], L["health_panel_days_text"].format(
            median=w.number(s.median_days), p90=_p90(s, w), limit=w.limit(s.max_days),
            ended=w.number(s.ended_stays), open=w.number(s.open_stays))))
    rows.append((L["health_panel_open"], L["health_panel_open_text"].format(open=w.number(s.open),
                                                                          stalled=w.number(s.stalled))))
    if report.has_history:
        rows.append((L["health_panel_win_rate"], L["health_panel_win_rate_text"].format(
            rate=w.pct(s.win_rate), closed=w.number(s.closed), closed_words=w.count(s.closed, "health_n_closed"),
            interval=w.interval(s.win_rate_low, s.win_rate_high, w.pct), probability=w.percent(s.probability))))
    return {"rows": rows, "as_of": w.as_of(report), "sample": report.sample}
