"""Pipeline health: hold the playbook's stages against the team's real deals from a CRM export.

``analyse(project, request)`` is the whole pipeline: check the file, read and normalise it
(``read``), compute the figures (``metrics``), and return a ``HealthReport`` with its diagnostics.
Renderers (``output`` for the command line, ``render/health.py`` for the site) only read the report.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from ..errors import Diagnostic
from ..model import Project
from .formats import stage_map
from .metrics import compute
from .read import all_named_sample, connect, load_deals
from .report import Calibration, HealthReport, SourceInfo, StageHealth, StalledDeal, Totals
from .source import FORMATS, DealsRequest, check_file, parse_as_of, resolve_request
from .stats import ENOUGH

__all__ = [
    "FORMATS", "Calibration", "DealsRequest", "HealthReport", "SourceInfo", "StageHealth", "StalledDeal", "Totals",
    "analyse", "resolve_request", "parse_as_of",
]  # fmt: skip


def analyse(project: Project, request: DealsRequest) -> tuple[HealthReport, list[Diagnostic]]:
    """The health report of ``project`` against the deals in ``request``; raises ValidationFailed when the
    file cannot be read at all, and returns every row-level problem as a diagnostic."""
    check_file(request)
    stages = stage_map(project, request.format)
    work = Path(tempfile.mkdtemp(prefix="playbookgen-health-"))
    try:
        con = connect(work)
        try:
            loaded = load_deals(con, request, stages, work)
            as_of = request.as_of or _from_ms(loaded.latest_ms)
            deals = con.execute("SELECT count(*) FROM deals").fetchone()
            source = SourceInfo(request.display, request.format, loaded.rows, int(deals[0]) if deals else 0,
                                loaded.skipped_rows)
            figures = compute(con, project, stages, source, as_of, loaded.has_history, request.currency,
                              request.list_stalled)
            sample = loaded.sample if loaded.sample is not None else all_named_sample(con, "deals")
        finally:
            con.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = HealthReport(as_of, source, figures.stages, figures.totals, loaded.has_history, figures.notes,
                          figures.stalled_deals, sample, figures.calibration, ENOUGH)
    return report, [*loaded.diagnostics, *figures.diagnostics]


def _from_ms(ms: int | None) -> datetime:
    # With no usable time in the file the report is as of 1970: every figure is empty anyway.
    return datetime.fromtimestamp((ms or 0) // 1000, tz=UTC)
