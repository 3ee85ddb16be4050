"""Printable stage checklists: one self-contained HTML page per stage, and PDFs through WeasyPrint.

Rendering is pure (project in, files out). Each sheet's layout is estimated from its text; when PDFs
are made (WeasyPrint, the optional ``pdf`` extra), a sheet that does not fit its page is printed
again more tightly instead of spilling onto a second. WeasyPrint never reads a file or the network:
every URL it asks for is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import warnings
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from markupsafe import Markup

from .fonts import FONT_STACK, font_face_css
from .i18n import checklist_labels, format_date
from .model import Project, Stage
from .templating import make_environment, render_template
from .write import check_replaceable, make_staging, remove_tree, swap_folder, write_marker, write_new_file

__all__ = [
    "PAPERS",
    "DENSITIES",
    "LAYOUTS",
    "Layout",
    "PDF_HINT",
    "OUTPUT_MARKER",
    "pdf_available",
    "render_all",
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
_FIT_HEIGHT_MM = 267.4
FIT_BOX = f"210mm {_FIT_HEIGHT_MM}mm"
# Loosest first; each is a font size in the CSS, and every length there is in em.
DENSITIES = ("regular", "compact", "tight", "tiny")
PDF_HINT = "PDF checklists skipped: install playbookgen[pdf] (WeasyPrint) to get them"
OUTPUT_MARKER = ".playbookgen-checklists"
MARKER_NOTE = "Written by playbookgen checklists: this folder is replaced on every run.\nFiles listed below are ours."

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


def _iso_date(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _context(project: Project, paper: str) -> dict[str, Any]:
    """What every checklist template sees besides its sheets."""
    language = project.playbook.language
    changed = project.last_changed
    return {
        "title": project.playbook.title,
        "language": language,
        "labels": checklist_labels(language),
        "changed": format_date(changed, language) if changed > 0 else "",
        "changed_iso": _iso_date(changed) if changed > 0 else "",
        "page_size": PAPERS[paper],
        "font_stack": FONT_STACK,
        "font_faces": Markup(font_face_css()),  # our own CSS, from package data
    }


def _sheets(project: Project, layouts: dict[str, Layout]) -> list[Sheet]:
    labels = checklist_labels(project.playbook.language)
    total = len(project.stages)
    return [
        Sheet(stage, labels["stage_of"].format(number=n, total=total), layouts.get(stage.id, LAYOUTS[0]))
        for n, stage in enumerate(project.stages, start=1)
    ]


def _stage_html(env: Any, context: dict[str, Any], sheet: Sheet) -> str:
    return render_template(env, "checklists/stage.html.j2", sheet=sheet, **context)


def render_all(project: Project, *, pdfs: bool, paper: str = "a4") -> tuple[dict[str, bytes], list[str]]:
    """The checklists for the build: HTML, and PDFs when ``pdfs`` and WeasyPrint allow; plus notes for the user.

    Each sheet is printed once, at the loosest layout the estimate allows, and again more tightly only
    if it did not fit; the HTML carries the layout of the PDF that is kept.
    """
    if not pdfs or not pdf_available():
        return render_checklists(project, paper=paper, pdfs=False), [PDF_HINT] if pdfs else []
    book = _Book.of(project, paper)
    html, prints = _render(project, book, printing=True, pdf_links=True)
    prints[f"{PREFIX}all.pdf"] = print_html(html[f"{PREFIX}all.html"], book.print_css)
    files = {path: text.encode("utf-8") for path, text in html.items()}
    files.update({path: printed.pdf for path, printed in prints.items() if printed.pdf is not None})
    return files, _print_notes(project, prints)


def render_checklists(project: Project, *, paper: str = "a4", pdfs: bool | None = None) -> dict[str, bytes]:
    """Every stage's checklist, all of them in one file, and an index; paths relative to the site root.

    ``pdfs`` says whether PDFs will be made (the index links them); by default when WeasyPrint is
    installed. Then each sheet is printed to choose its layout, and render_checklist_pdfs reuses
    those prints; with ``pdfs=False`` the layout is estimated and WeasyPrint is not even imported.
    """
    printing = pdfs is not False and pdf_available()
    pdf_links = printing if pdfs is None else pdfs
    book = _Book.of(project, paper)
    html, prints = _render(project, book, printing=printing, pdf_links=pdf_links)
    if printing:
        _remember(prints.values(), book.print_css)
    return {path: text.encode("utf-8") for path, text in html.items()}


@dataclass(frozen=True)
class _Book:
    """What every checklist of one render shares: the templates, their context and the print stylesheet."""

    env: Any
    context: dict[str, Any]

    @classmethod
    def of(cls, project: Project, paper: str) -> _Book:
        if paper not in PAPERS:
            raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPERS)}")
        return cls(make_environment(project.root, kind="html"), _context(project, paper))

    @cached_property
    def print_css(self) -> str:
        return _print_css(self.env, self.context)


def _render(
    project: Project, book: _Book, *, printing: bool, pdf_links: bool
) -> tuple[dict[str, str], dict[str, Printed]]:
    """The HTML files and, when ``printing``, each stage's kept print (by PDF path); layouts start from the estimate."""
    sheets = _sheets(project, {stage.id: estimate_layout(stage) for stage in project.stages})
    prints: dict[str, Printed] = {}
    if printing:
        fitted = [_print_sheet(book, sheet) for sheet in sheets]
        sheets = [sheet for sheet, _ in fitted]
        prints = {f"{PREFIX}{sheet.stage.id}.pdf": printed for sheet, printed in fitted}
    env, context = book.env, book.context
    files = {f"{PREFIX}{s.stage.id}.html": _stage_html(env, context, s) for s in sheets}
    files[f"{PREFIX}all.html"] = render_template(env, "checklists/all.html.j2", sheets=sheets, **context)
    files[f"{PREFIX}index.html"] = render_template(
        env, "checklists/index.html.j2", sheets=sheets, pdf=pdf_links, **context
    )
    return files, prints


# --- Fitting a stage on one page ----------------------------------------------------------------


def _print_sheet(book: _Book, sheet: Sheet) -> tuple[Sheet, Printed]:
    """Print the sheet at its layout, and tighter only while it does not fit; the last print is the one kept."""
    for layout in LAYOUTS[LAYOUTS.index(sheet.layout):]:
        sheet = replace(sheet, layout=layout)
        printed = print_html(_stage_html(book.env, book.context, sheet), book.print_css)
        if printed.fits or printed.pdf is None:  # a sheet WeasyPrint cannot print is reported, not retried
            break
    return sheet, printed


# Rough capacity of one sheet in the regular density, in lines of full-width text; each tighter
# class holds about a fifth more. For the default playbook, the starters and the synthetic
# 60-stage one it picks what measuring picks, so the first print is nearly always the one kept;
# text it reads too kindly (long unbroken words) costs one more print.
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
        _weasyprint()
    except (ImportError, OSError):  # OSError: the Python package is there, Pango is not
        return False
    return True


def _weasyprint() -> Any:
    """WeasyPrint, imported without its warning about a machine with no fonts: our pages bring their own."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No fonts configured", category=UserWarning)
        import weasyprint
    return weasyprint


class RefuseAllFetcher:
    """A WeasyPrint url_fetcher that reads only what the page carries (data: URLs, our embedded font).

    No files, no network; it remembers what it refused.
    """

    _fail_on_errors = False  # read by WeasyPrint >= 68 when a fetch fails: a refusal is only a warning

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith("data:"):
            return _read_data_url(url)
        self.refused.append(url)
        raise ValueError(f"checklists load no external resources: {url}")

    fetch = __call__


def _read_data_url(url: str) -> Any:
    """A data: URL's bytes as WeasyPrint wants them; decoded by the standard library, nothing fetched."""
    from urllib.request import DataHandler, Request

    from weasyprint.urls import URLFetcherResponse

    with DataHandler().data_open(Request(url)) as response:
        return URLFetcherResponse(url, response.read(), {"Content-Type": response.headers["Content-Type"]})


@dataclass(frozen=True)
class Printed:
    """One page or sheet as WeasyPrint printed it: its PDF (None when WeasyPrint failed) and what to tell."""

    html: str
    pdf: bytes | None
    pages: int = 0
    fits: bool = False  # one page, with room to spare for the other paper and for a browser
    refused: tuple[str, ...] = ()
    error: str = ""


def _print_css(env: Any, context: dict[str, Any]) -> str:
    """The rules only WeasyPrint reads (the footer in the page margin), kept out of the pages' own CSS.

    It does not see the paper, so a print made from HTML alone is the same as one made with it.
    """
    return render_template(env, "checklists/_print.css.j2", **{k: v for k, v in context.items() if k != "page_size"})


def _document(html: str, fetcher: RefuseAllFetcher, print_css: str, page_size: str | None = None) -> Any:
    """The laid-out WeasyPrint document of ``html`` with the print stylesheet, optionally on another page size."""
    weasyprint = _weasyprint()
    stylesheets = [weasyprint.CSS(string=print_css, url_fetcher=fetcher)] if print_css else []
    if page_size is not None:
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {page_size} !important; }}", url_fetcher=fetcher))
    page = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return page.render(stylesheets=stylesheets)


def count_pages(html: str, page_size: str | None = None, print_css: str = "") -> int:
    """How many pages WeasyPrint lays ``html`` out on."""
    return len(_document(html, RefuseAllFetcher(), print_css, page_size).pages)


def print_html(html: str, print_css: str) -> Printed:
    """Print ``html``; same HTML, same bytes (fixed identifier, dates from the HTML)."""
    fetcher = RefuseAllFetcher()
    try:
        document = _document(html, fetcher, print_css)
        identifier = hashlib.sha256((html + print_css).encode("utf-8")).hexdigest()[:32].encode("ascii")
        data = document.write_pdf(pdf_identifier=identifier)
    except Exception as exc:  # noqa: BLE001 - the PDF engine must not take the HTML build down
        return Printed(html, None, refused=tuple(fetcher.refused), error=f"{type(exc).__name__}: {exc}")
    pages = len(document.pages)
    return Printed(html, data, pages, pages == 1 and _fits_the_box(document), tuple(fetcher.refused))


_FIT_HEIGHT_PX = _FIT_HEIGHT_MM * 96 / 25.4


def _fits_the_box(document: Any) -> bool:
    """Whether page 1's text ends where it would still fit a FIT_BOX page, above that page's bottom margin.

    On A4 this is the measure in FIT_BOX itself (same width); a Letter page sets the text 6 mm wider.
    It reads WeasyPrint's layout boxes, which are not public API: if they change, one page is enough.
    """
    try:
        page = document.pages[0]._page_box
        root = page.children[0]
        bottom = root.position_y + root.margin_height()
        limit = _FIT_HEIGHT_PX - page.margin_bottom - page.padding_bottom - page.border_bottom_width
    except (AttributeError, IndexError, TypeError):
        return True
    return bool(bottom <= limit + 0.01)


# The last prints render_checklists made, by HTML and print stylesheet: render_checklist_pdfs keeps
# them instead of printing the same again. The same input always prints the same, so an entry is never stale.
_REMEMBERED: dict[tuple[str, str], Printed] = {}


def _remember(prints: Iterable[Printed], print_css: str) -> None:
    _REMEMBERED.clear()
    _REMEMBERED.update(((printed.html, print_css), printed) for printed in prints)


def _pdf_jobs(project: Project) -> list[tuple[str, str, int]]:
    """(html path, pdf path, expected pages) for every stage and for all.html."""
    jobs = [(f"{PREFIX}{s.id}.html", f"{PREFIX}{s.id}.pdf", 1) for s in project.stages]
    jobs.append((f"{PREFIX}all.html", f"{PREFIX}all.pdf", len(project.stages)))
    return jobs


def render_checklist_pdfs(project: Project, files: dict[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """PDFs of the rendered checklists (``files`` from render_checklists), plus notes for the build."""
    if not pdf_available():
        return {}, [PDF_HINT]
    book = _Book.of(project, "a4")  # the print stylesheet does not see the paper
    prints: dict[str, Printed] = {}
    for html_path, pdf_path, _ in _pdf_jobs(project):
        if html_path not in files:
            continue
        html = files[html_path].decode("utf-8")
        prints[pdf_path] = _REMEMBERED.get((html, book.print_css)) or print_html(html, book.print_css)
    pdfs = {path: printed.pdf for path, printed in prints.items() if printed.pdf is not None}
    return pdfs, _print_notes(project, prints)


def _print_notes(project: Project, prints: dict[str, Printed]) -> list[str]:
    """What the user should hear about the prints: failures, refused addresses, sheets that spilled."""
    notes: list[str] = []
    for html_path, pdf_path, expected in _pdf_jobs(project):
        printed = prints.get(pdf_path)
        if printed is None:
            continue
        if printed.pdf is None:
            notes.append(f"{pdf_path} skipped: WeasyPrint failed on {html_path}: {printed.error}")
            continue
        notes.extend(_refusal_notes(html_path, printed.refused))
        if printed.pages != expected:
            notes.append(f"{pdf_path} has {printed.pages} pages, expected {expected}: shorten the stage's texts")
    return notes


def _refusal_notes(html_path: str, urls: Iterable[str]) -> list[str]:
    return [f"{html_path}: did not load {url}: checklists are self-contained" for url in dict.fromkeys(urls)]


# --- Writing the checklists folder (playbookgen checklists) -------------------------------------


def check_output(out: Path) -> None:
    """Refuse an output folder that is not ours: a file, a link, or a folder holding files we did not make."""
    check_replaceable(out, OUTPUT_MARKER, option="-o")


def write_checklists(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Replace ``out`` with ``files`` (paths relative to it): built in a sibling folder, then swapped in."""
    check_output(out)
    staging = make_staging(out)
    try:
        for name, data in sorted(files.items()):
            write_new_file(staging / name, data)
        write_marker(staging, OUTPUT_MARKER, MARKER_NOTE)
        swap_folder(staging, out)
    finally:
        remove_tree(staging)  # gone already after a successful swap
    return [out / name for name in sorted(files)]


def written_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """Site-relative checklist files, relative to the checklists folder instead."""
    return {path.removeprefix(PREFIX): data for path, data in files.items()}

