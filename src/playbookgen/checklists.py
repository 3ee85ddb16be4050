"""Printable stage checklists: one self-contained HTML page per stage, and PDFs through WeasyPrint.

Rendering is pure (project in, files out). WeasyPrint is optional (the ``pdf`` extra): when it is
installed it also measures each sheet, so a long stage gets a tighter density class instead of a
second page. It never reads a file or the network: every URL it asks for is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .errors import OutputRefused
from .model import Project, Stage
from .templating import make_environment, render_template
from .write import write_bytes_atomic

__all__ = [
    "PAPERS",
    "DENSITIES",
    "LAYOUTS",
    "Layout",
    "PDF_HINT",
    "OUTPUT_MARKER",
    "LABELS",
    "pdf_available",
    "render_checklists",
    "render_checklist_pdfs",
    "check_output",
    "write_checklists",
    "written_files",
]

PREFIX = "checklists/"
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
# The narrower width (A4, 210 mm) and the shorter height (Letter, 279.4 mm), less 12 mm: a sheet
# measured in this box fits on either paper, and still fits when a browser prints it, with its own
# fonts and with the footer in the flow of the page rather than in the page's margin.
FIT_BOX = "210mm 267.4mm"
# Loosest first; each is a font size in the CSS, and every length there is in em.
DENSITIES = ("regular", "compact", "tight", "tiny")
PDF_HINT = "PDF checklists skipped: install playbookgen[pdf] (WeasyPrint) to get them"
OUTPUT_MARKER = ".playbookgen-checklists"

LABELS: dict[str, dict[str, str]] = {
    "pl": {
        "checklist": "Lista kontrolna",
        "checklists": "Listy kontrolne etapów",
        "all_checklists": "Wszystkie listy kontrolne",
        "index_intro": "Jedna strona na etap: wydrukuj ją przed spotkaniem albo odhaczaj na tablecie.",
        "no_pdf": "Wersje PDF nie zostały zbudowane: zainstaluj playbookgen[pdf].",
        "stage_of": "Etap {number} z {total}",
        "deal": "Szansa sprzedaży",
        "rep": "Handlowiec",
        "date": "Data",
        "exit_criteria": "Kryteria wyjścia z etapu",
        "criterion": "Kryterium",
        "evidence": "Dowód",
        "questions": "Pytania do zadania",
        "signals": "Sygnały gotowości",
        "red_flags": "Czerwone flagi: zdyskwalifikuj, gdy",
        "notes": "Notatki",
        "last_changed": "Ostatnia zmiana",
    },
    "en": {
        "checklist": "Checklist",
        "checklists": "Stage checklists",
        "all_checklists": "All checklists",
        "index_intro": "One page per stage: print it before the meeting or tick it on a tablet.",
        "no_pdf": "PDF versions were not built: install playbookgen[pdf].",
        "stage_of": "Stage {number} of {total}",
        "deal": "Deal",
        "rep": "Rep",
        "date": "Date",
        "exit_criteria": "Exit criteria",
        "criterion": "Criterion",
        "evidence": "Evidence",
        "questions": "Questions to ask",
        "signals": "Signals: ready to move on",
        "red_flags": "Red flags: disqualify when",
        "notes": "Notes",
        "last_changed": "Last changed",
    },
}

_MONTHS = {
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


@dataclass(frozen=True)
class Layout:
    """How a sheet is set: a density class (font size) and how many ruled lines it leaves for notes."""

    density: str
    note_lines: int


# Loosest first: room for notes goes before the text gets smaller.
LAYOUTS = (Layout("regular", 8), Layout("regular", 4), Layout("regular", 0)) + tuple(
    Layout(density, 0) for density in DENSITIES[1:]
)


@dataclass(frozen=True)
class Sheet:
    """One stage as printed: the stage, its place in the pipeline and its layout."""

    stage: Stage
    position: str
    layout: Layout

    @property
    def density(self) -> str:
        return self.layout.density

    @property
    def note_lines(self) -> int:
        return self.layout.note_lines


# --- HTML --------------------------------------------------------------------------------------


def format_date(epoch: int, language: str) -> str:
    """The day of ``epoch`` (UTC) as a reader of ``language`` writes it: '27 listopada 2026'."""
    day = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date()
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def _iso_date(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _context(project: Project, paper: str) -> dict[str, Any]:
    """What every checklist template sees besides its sheets."""
    language = project.playbook.language
    changed = project.last_changed
    return {
        "title": project.playbook.title,
        "language": language,
        "labels": LABELS[language],
        "changed": format_date(changed, language) if changed > 0 else "",
        "changed_iso": _iso_date(changed) if changed > 0 else "",
        "page_size": PAPERS[paper],
    }


def _sheets(project: Project, layouts: dict[str, Layout]) -> list[Sheet]:
    labels = LABELS[project.playbook.language]
    total = len(project.stages)
    return [
        Sheet(stage, labels["stage_of"].format(number=n, total=total), layouts.get(stage.id, LAYOUTS[0]))
        for n, stage in enumerate(project.stages, start=1)
    ]


def _stage_html(env: Any, context: dict[str, Any], sheet: Sheet) -> str:
    return render_template(env, "checklists/stage.html.j2", sheet=sheet, **context)


def render_checklists(project: Project, *, paper: str = "a4", pdfs: bool | None = None) -> dict[str, bytes]:
    """Every stage's checklist, all of them in one file, and an index; paths relative to the site root.

    ``pdfs`` says whether the index links to PDFs; by default it does when WeasyPrint is installed.
    """
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}")
    env = make_environment(project.root, kind="html")
    context = _context(project, paper)
    sheets = _sheets(project, fit_layouts(project, env, context))
    files = {f"{PREFIX}{s.stage.id}.html": _stage_html(env, context, s) for s in sheets}
    files[f"{PREFIX}all.html"] = render_template(env, "checklists/all.html.j2", sheets=sheets, **context)
    files[f"{PREFIX}index.html"] = render_template(
        env, "checklists/index.html.j2", sheets=sheets, pdf=pdf_available() if pdfs is None else pdfs, **context
    )
    return {path: text.encode("utf-8") for path, text in files.items()}


# --- Fitting a stage on one page ----------------------------------------------------------------


def fit_layouts(project: Project, env: Any, context: dict[str, Any]) -> dict[str, Layout]:
    """Each stage's loosest layout that keeps its sheet on one page: measured, else estimated."""
    if not pdf_available():
        return {stage.id: estimate_layout(stage) for stage in project.stages}
    return {sheet.stage.id: _measured_layout(env, context, sheet) for sheet in _sheets(project, {})}


def _measured_layout(env: Any, context: dict[str, Any], sheet: Sheet) -> Layout:
    """The first layout whose sheet is one page in the box that fits both papers.

    Most stages fit the first layout, so that is tried alone; the rest are bisected, since each
    layout in LAYOUTS is shorter than the one before it.
    """

    def fits(layout: Layout) -> bool:
        html = _stage_html(env, context, Sheet(sheet.stage, sheet.position, layout))
        return count_pages(html, page_size=FIT_BOX) <= 1

    try:
        if fits(LAYOUTS[0]):
            return LAYOUTS[0]
        low, high = 1, len(LAYOUTS) - 1  # the answer is in LAYOUTS[low:high + 1]; the last is the fallback
        while low < high:
            middle = (low + high) // 2
            if fits(LAYOUTS[middle]):
                high = middle
            else:
                low = middle + 1
        return LAYOUTS[low]
    except Exception:  # noqa: BLE001 - a sheet WeasyPrint cannot lay out is reported by the PDF step
        return estimate_layout(sheet.stage)


# Rough capacity of one sheet in the regular density, in lines of full-width text; each tighter
# class holds about a fifth more. Used only without WeasyPrint, where nothing can be measured.
_LINE_BUDGET = 52
_CHARS_PER_LINE = 100


def _lines(text: str, width: float) -> int:
    return max(1, math.ceil(len(text) / (_CHARS_PER_LINE * width)))


def estimate_lines(stage: Stage) -> float:
    """How many regular-density lines the stage's sheet needs, from the amount of text."""
    lines = 9.0 + _lines(stage.name, 0.55) * 1.6 + _lines(stage.summary, 1)
    for criterion in stage.exit_criteria:
        lines += 0.6 + max(_lines(criterion.text, 0.45), _lines(criterion.evidence or "", 0.5))
    lines += 2.4 + sum(_lines(q, 0.95) + 0.2 for q in stage.questions) if stage.questions else 0
    side = [sum(_lines(t, 0.45) + 0.3 for t in items) for items in (stage.signals, stage.disqualify_when)]
    lines += 2.4 + max(side) if max(side) else 0
    return lines


def estimate_layout(stage: Stage) -> Layout:
    """The loosest layout whose estimated height fits the page."""
    lines = estimate_lines(stage)
    for layout in LAYOUTS:
        step = DENSITIES.index(layout.density)
        if lines + layout.note_lines * 1.5 <= _LINE_BUDGET * (1.2**step):
            return layout
    return LAYOUTS[-1]


# --- PDF ----------------------------------------------------------------------------------------


def pdf_available() -> bool:
    """Whether WeasyPrint (the pdf extra) can be imported."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Python package is there, Pango is not
        return False
    return True


class RefuseAllFetcher:
    """A WeasyPrint url_fetcher that fetches nothing: no files, no network; it remembers what was asked."""

    _fail_on_errors = False  # read by WeasyPrint >= 68 when a fetch fails: a refusal is only a warning

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        self.refused.append(url)
        raise ValueError(f"checklists load no external resources: {url}")

    fetch = __call__


def _document(html: str, fetcher: RefuseAllFetcher, page_size: str | None) -> Any:
    """The laid-out WeasyPrint document of ``html``, optionally on another page size."""
    import weasyprint

    stylesheets = []
    if page_size is not None:
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {page_size} !important; }}", url_fetcher=fetcher))
    page = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return page.render(stylesheets=stylesheets)


def count_pages(html: str, page_size: str | None = None) -> int:
    """How many pages WeasyPrint lays ``html`` out on."""
    return len(_document(html, RefuseAllFetcher(), page_size).pages)


def html_to_pdf(html: str, fetcher: RefuseAllFetcher | None = None) -> tuple[bytes, int]:
    """The PDF of ``html`` and its page count; same HTML, same bytes (fixed identifier, dates from the HTML)."""
    document = _document(html, fetcher or RefuseAllFetcher(), None)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    data = document.write_pdf(pdf_identifier=identifier)
    return data, len(document.pages)


def _pdf_jobs(project: Project, files: dict[str, bytes]) -> list[tuple[str, str, int]]:
    """(html path, pdf path, expected pages) for every stage and for all.html."""
    jobs = [(f"{PREFIX}{s.id}.html", f"{PREFIX}{s.id}.pdf", 1) for s in project.stages]
    jobs.append((f"{PREFIX}all.html", f"{PREFIX}all.pdf", len(project.stages)))
    return [job for job in jobs if job[0] in files]


def render_checklist_pdfs(project: Project, files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """PDFs of the rendered checklists (``files`` from render_checklists), plus notes for the build."""
    if not pdf_available():
        return {}, [PDF_HINT]
    pdfs: dict[str, bytes] = {}
    notes: list[str] = []
    for html_path, pdf_path, expected in _pdf_jobs(project, files):
        fetcher = RefuseAllFetcher()
        try:
            pdfs[pdf_path], pages = html_to_pdf(files[html_path].decode("utf-8"), fetcher)
        except Exception as exc:  # noqa: BLE001 - the PDF engine must not take the HTML build down
            notes.append(f"{pdf_path} skipped: WeasyPrint failed on {html_path}: {type(exc).__name__}: {exc}")
            continue
        notes.extend(_refusal_notes(html_path, fetcher.refused))
        if pages != expected:
            notes.append(f"{pdf_path} has {pages} pages, expected {expected}: shorten the stage's texts")
    return pdfs, notes


def _refusal_notes(html_path: str, urls: Iterable[str]) -> list[str]:
    return [f"{html_path}: did not load {url}: checklists are self-contained" for url in dict.fromkeys(urls)]


# --- Writing the checklists folder (playbookgen checklists) -------------------------------------


def _foreign_files(out: Path) -> list[str]:
    """Files in ``out`` that the marker does not list as ours (everything, when there is no marker)."""
    marker = out / OUTPUT_MARKER
    ours = set(marker.read_text(encoding="utf-8").split("\n")) if marker.is_file() else set()
    ours.add(OUTPUT_MARKER)
    found = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if not p.is_dir())
    return [name for name in found if name not in ours]


def check_output(out: Path) -> None:
    """Refuse an output folder that is not ours: a file, a link, or a folder holding files we did not make."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputRefused(f"{out} is not a folder playbookgen made; choose another with -o")
    if out.is_dir():
        foreign = _foreign_files(out)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputRefused(
                f"{out} holds files playbookgen did not make ({shown}); "
                "choose an empty or new folder with -o, or remove them"
            )


def write_checklists(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Replace ``out`` with ``files`` (paths relative to it): built in a sibling folder, then swapped in."""
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
    try:
        for name, data in sorted(files.items()):
            write_bytes_atomic(staging / name, data)
        listing = "\n".join(sorted(files)) + "\n"
        write_bytes_atomic(staging / OUTPUT_MARKER, listing.encode("utf-8"))
        os.chmod(staging, 0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / name for name in sorted(files)]


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is; the old folder (only our files, checked) is removed after."""
    if not out.exists():
        os.replace(staging, out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.replace(out, retired / out.name)
    os.replace(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def written_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """Site-relative checklist files, relative to the checklists folder instead."""
    return {path.removeprefix(PREFIX): data for path, data in files.items()}

