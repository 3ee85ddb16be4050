"""Pipeline health: hold the playbook's stages against the team's real deals from a CRM export.

``analyse(project, request)`` is the whole pipeline: read and normalise the file (``layouts``, over
``csvfile``, ``sql`` and ``checks``), compute the figures (``metrics``), and return a ``HealthReport`` with
its diagnostics. Renderers (``output`` for the command line, ``render/health.py`` for the site) only read
the report. DuckDB is imported when ``analyse`` runs, not when this package is: the report's types cost a
build without deals nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from ..crm import display_name
from ..errors import Diagnostic
from ..model import Project
from .report import Calibration, HealthReport, Problem, SourceInfo, StageHealth, StalledDeal, Totals
from .source import FORMATS, DealsRequest, parse_as_of, resolve_request
from .stats import ENOUGH

__all__ = [
    "FORMATS", "Calibration", "DealsRequest", "HealthReport", "SourceInfo", "StageHealth", "StalledDeal", "Totals",
    "analyse", "resolve_request", "parse_as_of",
]  # fmt: skip


def analyse(project: Project, request: DealsRequest) -> tuple[HealthReport, list[Diagnostic]]:
    """The health report of ``project`` against the deals in ``request``; raises ValidationFailed when the
    file cannot be read at all, and returns every row-level problem as a diagnostic."""
    from .formats import stage_map
    from .layouts import all_named_sample, load_deals, names_marked
    from .metrics import compute
    from .sql import connect

    stages = stage_map(project, request.format)
    work = Path(tempfile.mkdtemp(prefix="playbookgen-health-"))
    try:
        con = connect(work)
        try:
            loaded = load_deals(con, request, stages, work)
            as_of = request.as_of or _from_ms(loaded.latest_ms)
            deals = con.execute("SELECT count(*) FROM deals").fetchone()
            source = SourceInfo(request.display, request.format, loaded.rows, int(deals[0]) if deals else 0,
                                loaded.skipped_rows, loaded.encoding, loaded.date_order)
            figures = compute(con, project, stages, source, as_of, loaded.has_history, request.currency,
                              request.list_stalled)
            sample = loaded.sample if loaded.sample is not None else all_named_sample(
                con, "deals", marked=names_marked(request))
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    notes = [*_reading_notes(request, loaded.encoding, loaded.date_order), *loaded.notes, *figures.notes]
    diagnostics = [*loaded.diagnostics, *figures.diagnostics]
    problems = [Problem(f"{d.file}:{d.line}:{d.column}", d.severity.value, d.message) for d in diagnostics]
    report = HealthReport(as_of, source, figures.stages, figures.totals, loaded.has_history, notes,
                          figures.stalled_deals, sample, problems, figures.calibration, ENOUGH)
    return report, diagnostics


def _reading_notes(request: DealsRequest, encoding: str, date_format: str | None) -> list[str]:
    """How the file was read, where that is not plain UTF-8 and ISO dates: a wrong guess shows at once."""
    notes = []
    if encoding != "utf-8":
        how = "as deals.encoding says" if request.encoding else "found from its bytes; set deals.encoding if wrong"
        notes.append(f"the {display_name(request.format)} file is read as {encoding} text ({how})")
    if date_format is not None:
        how = "as deals.date_format says" if request.date_order else "found from the dates"
        first = "day" if date_format.startswith("DD") else "month"
        notes.append(f"its dates are read {first} first, {date_format} ({how})")
    return notes


def _from_ms(ms: int | None) -> datetime:
    # With no usable time in the file the report is as of 1970: every figure is empty anyway.
    return datetime.fromtimestamp((ms or 0) // 1000, tz=UTC)
