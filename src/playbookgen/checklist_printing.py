"""Printable stage checklists, the flow: render each sheet, print it, tighten it while it does not fit.

Rendering is in ``render/checklists.py`` (pure), printing in ``printing.py`` (WeasyPrint, the
optional ``pdf`` extra); this module decides which layout each sheet keeps and what the user hears.
Nothing here writes a file: the command that asked for the checklists writes them (``write.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import jinja2

from .checklist_files import pdf_jobs
from .model import Project
from .printing import Printed, font_configuration, pdf_available, print_bound, print_html
from .render.checklists import LAYOUTS, PREFIX, Book, Sheet, render_pages, render_sheet, sheets_of

__all__ = ["MARKER_NOTE", "OUTPUT_MARKER", "PDF_HINT", "make_checklists", "pdf_available",
           "written_files"]

PDF_HINT = "PDF checklists skipped: install playbookgen[pdf] (WeasyPrint) to get them"
OUTPUT_MARKER = ".playbookgen-checklists"
MARKER_NOTE = "Written by playbookgen checklists: this folder is replaced on every run.\nFiles listed below are ours."


def make_checklists(
    project: Project, *, pdfs: bool, paper: str = "a4", cache: jinja2.BytecodeCache | None = None,
    in_site: bool = False,
) -> tuple[dict[str, bytes], list[str]]:
    """The checklists, by site-root path: HTML, and PDFs when ``pdfs`` and WeasyPrint allow; plus notes.
    ``in_site``: the pages are the site's, and link back to it.

    Each sheet is printed once, at the loosest layout the estimate allows, and again more tightly only
    if it did not fit; the HTML carries the layout of the PDF that is kept. all.pdf reuses the sheets'
    pages as laid out, and all prints share one font configuration (the font is decoded once).
    """
    book = Book.of(project, paper, cache, in_site)
    if not pdfs or not pdf_available():
        pages = render_pages(book, sheets_of(project), pdf_links=False)
        return _encoded(pages), [PDF_HINT] if pdfs else []
    fonts = font_configuration()  # one for every print, so the embedded font is decoded once
    fitted = [_print_sheet(book, sheet, fonts) for sheet in sheets_of(project)]
    pages = render_pages(book, [sheet for sheet, _ in fitted], pdf_links=True)
    prints = {f"{PREFIX}{sheet.stage.id}.pdf": printed for sheet, printed in fitted}
    # all.html is the sheets one after another: its PDF is bound from theirs, not laid out again
    prints[f"{PREFIX}all.pdf"] = print_bound(pages[f"{PREFIX}all.html"], [p for _, p in fitted], book.print_css, fonts)
    files = _encoded(pages)
    files.update({path: printed.pdf for path, printed in prints.items() if printed.pdf is not None})
    return files, _print_notes(project, prints)


def _encoded(pages: dict[str, str]) -> dict[str, bytes]:
    return {path: text.encode("utf-8") for path, text in pages.items()}


def _print_sheet(book: Book, sheet: Sheet, fonts: Any) -> tuple[Sheet, Printed]:
    """Print the sheet at its layout, and tighter only while it does not fit; the last print is the one kept.
    A layout that spills is only laid out, never drawn: its PDF would be thrown away."""
    tried = LAYOUTS[LAYOUTS.index(sheet.layout):]
    for layout in tried:
        sheet = replace(sheet, layout=layout)
        printed = print_html(render_sheet(book, sheet), book.print_css, fonts, only_if_it_fits=layout != tried[-1])
        if printed.pdf is not None or printed.error:  # a sheet WeasyPrint cannot print is reported, not retried
            break
    return sheet, printed


def _print_notes(project: Project, prints: dict[str, Printed]) -> list[str]:
    """What the user should hear about the prints: failures, refused addresses, sheets that spilled."""
    notes: list[str] = []
    for html_path, pdf_path, expected in pdf_jobs(project):
        printed = prints[pdf_path]
        if printed.pdf is None:
            notes.append(f"{pdf_path} skipped: WeasyPrint failed on {html_path}: {printed.error}")
            continue
        notes.extend(_refusal_notes(html_path, printed.refused))
        if printed.pages != expected:
            notes.append(f"{pdf_path} has {printed.pages} pages, expected {expected}: shorten the stage's texts")
    return notes


def _refusal_notes(html_path: str, urls: Iterable[str]) -> list[str]:
    return [f"{html_path}: did not load {url}: checklists are self-contained" for url in dict.fromkeys(urls)]


def written_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """Site-relative checklist files, relative to the checklists folder instead."""
    return {path.removeprefix(PREFIX): data for path, data in files.items()}
