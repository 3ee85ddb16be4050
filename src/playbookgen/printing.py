"""HTML → PDF through WeasyPrint (the optional ``pdf`` extra), and whether a page fit its paper.

WeasyPrint never reads a file or the network here: every URL it asks for is refused except the
data: URLs a page carries (its embedded font). Same HTML in, same PDF bytes out.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .fonts import decoded_face

__all__ = ["FIT_BOX", "Printed", "RefuseAllFetcher", "count_pages", "font_configuration", "pdf_available",
           "print_bound", "print_html"]

# The narrower width (A4, 210 mm) and the shorter height (Letter, 279.4 mm), less 12 mm: a sheet
# measured in this box fits on either paper, and still fits when a browser prints it, with the
# footer in the flow of the page rather than in the page's margin.
_FIT_HEIGHT_MM = 267.4
FIT_BOX = f"210mm {_FIT_HEIGHT_MM}mm"
_FIT_HEIGHT_PX = _FIT_HEIGHT_MM * 96 / 25.4


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

    No files, no network; it remembers what it refused. ``named``: data: URLs of the page by the short
    names they were given there (_named_data_urls).
    """

    _fail_on_errors = False  # read by WeasyPrint >= 68 when a fetch fails: a refusal is only a warning

    def __init__(self, named: dict[str, str] | None = None) -> None:
        self.refused: list[str] = []
        self.named = named or {}

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        url = self.named.get(url, url)
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
        data, kind = response.read(), response.headers["Content-Type"]
    decoded = decoded_face(data) if kind == "font/woff2" else None  # our own face: its TrueType is shipped
    if decoded is not None:
        return URLFetcherResponse(url, decoded, {"Content-Type": "font/ttf"})
    return URLFetcherResponse(url, data, {"Content-Type": kind})


@dataclass(frozen=True)
class Printed:
    """One page or sheet as WeasyPrint printed it: its PDF (None when WeasyPrint failed) and what to tell."""

    html: str
    pdf: bytes | None
    pages: int = 0
    fits: bool = False  # one page, with room to spare for the other paper and for a browser
    refused: tuple[str, ...] = ()
    error: str = ""
    # WeasyPrint's laid-out document, for print_bound to put into a PDF of many sheets without laying them out again
    document: Any = field(default=None, compare=False, repr=False)


def font_configuration() -> Any:
    """A WeasyPrint font configuration to share between the prints of one run.

    WeasyPrint decodes a page's @font-face fonts (our WOFF2 faces: about 0.3 s each) into the font
    configuration it is given, and keeps them there; a new configuration a print decodes them again.
    """
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _document(
    html: str, fetcher: RefuseAllFetcher, print_css: str, page_size: str | None = None, fonts: Any = None
) -> Any:
    """The laid-out WeasyPrint document of ``html`` with the print stylesheet, optionally on another page size.

    ``fonts``: a ``font_configuration()`` shared with other prints, else a new one for this print.
    """
    weasyprint = _weasyprint()
    fonts = fonts if fonts is not None else font_configuration()
    stylesheets = [weasyprint.CSS(string=print_css, url_fetcher=fetcher, font_config=fonts)] if print_css else []
    if page_size is not None:
        stylesheets.append(weasyprint.CSS(string=f"@page {{ size: {page_size} !important; }}", url_fetcher=fetcher))
    page = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return page.render(stylesheets=stylesheets, font_config=fonts)


# A CSS url() holding a long base64 data: URL (our pages' embedded font faces, some 60 KB each).
_LONG_DATA_URL = re.compile(r"url\((data:[A-Za-z0-9/+.;=,-]{1000,})\)")


def _named_data_urls(html: str) -> tuple[str, dict[str, str]]:
    """``html`` with each long data: URL in its CSS named by a short URL, and those names' URLs.

    WeasyPrint's CSS parser reads a stylesheet character by character, and serializes a font face's
    src again, on every print: the embedded font was a third of a sheet's print. The fetcher gives
    back the same bytes under the short name, so the PDF is the same. The name is the URL's digest:
    WeasyPrint keeps a font configuration's faces by their descriptors, src included, so two fonts
    must never share a name.
    """
    named: dict[str, str] = {}

    def name(match: re.Match[str]) -> str:
        short = f"playbookgen-data:{hashlib.sha256(match[1].encode('ascii')).hexdigest()[:32]}"
        named[short] = match[1]
        return f"url({short})"

    return _LONG_DATA_URL.sub(name, html), named


def count_pages(html: str, page_size: str | None = None, print_css: str = "") -> int:
    """How many pages WeasyPrint lays ``html`` out on."""
    page, named = _named_data_urls(html)
    return len(_document(page, RefuseAllFetcher(named), print_css, page_size).pages)


def print_html(html: str, print_css: str, fonts: Any = None, *, only_if_it_fits: bool = False) -> Printed:
    """Print ``html``; same HTML, same bytes (fixed identifier, dates from the HTML).

    ``fonts``: a ``font_configuration()`` shared by the prints of one run, so each font is decoded once.
    ``only_if_it_fits``: lay it out, and write the PDF only if it fits (``Printed.fits``): a caller that
    would print a tighter layout instead does not pay for drawing this one (pdf None, no error).
    """
    page, named = _named_data_urls(html)
    fetcher = RefuseAllFetcher(named)
    try:
        document = _document(page, fetcher, print_css, fonts=fonts)
        pages = len(document.pages)
        fits = pages == 1 and _fits_the_box(document)
        if only_if_it_fits and not fits:
            return Printed(html, None, pages, False, tuple(fetcher.refused), document=document)
        data = document.write_pdf(pdf_identifier=_identifier(html, print_css))
    except Exception as exc:  # noqa: BLE001 - the PDF engine must not take the HTML build down
        return Printed(html, None, refused=tuple(fetcher.refused), error=f"{type(exc).__name__}: {exc}")
    return Printed(html, data, pages, fits, tuple(fetcher.refused), document=document)


def print_bound(html: str, parts: Sequence[Printed], print_css: str, fonts: Any = None) -> Printed:
    """Print ``html``, a page that is ``parts`` one after another, from their pages as already laid out.

    Only ``html``'s head is read (its title and dates go into the PDF); the PDF has the bytes a print of
    ``html`` itself would have when each part is set in it as on its own, which is what the checklists'
    all.html is (tests/test_checklists.py holds the two against each other). Laying out every sheet
    again would double the cost of the PDFs. ``get_html_metadata`` is not public API (written against
    WeasyPrint 70, the pin of the pdf extra): if it goes, the fallback below prints ``html`` itself.
    """
    if not parts or any(part.document is None for part in parts):
        return print_html(html, print_css, fonts)  # nothing to bind: print it, and let a failure say why
    try:
        from weasyprint.document import DocumentMetadata
        from weasyprint.html import get_html_metadata
    except ImportError:
        return print_html(html, print_css, fonts)
    fetcher = RefuseAllFetcher()
    try:
        head = _weasyprint().HTML(string=_head_only(_named_data_urls(html)[0]), base_url=None, url_fetcher=fetcher)
        pages = [page for part in parts for page in part.document.pages]
        document = parts[0].document.copy(pages)  # WeasyPrint's documented way to join documents
        document.metadata = DocumentMetadata(**get_html_metadata(head))
        data = document.write_pdf(pdf_identifier=_identifier(html, print_css))
    except Exception as exc:  # noqa: BLE001 - the PDF engine must not take the HTML build down
        return Printed(html, None, refused=tuple(fetcher.refused), error=f"{type(exc).__name__}: {exc}")
    refused = tuple(url for part in parts for url in part.refused) + tuple(fetcher.refused)
    return Printed(html, data, len(pages), False, refused)


def _head_only(html: str) -> str:
    """``html`` up to its body, when the body holds none of the elements WeasyPrint reads metadata from
    (title, meta, link): the same metadata for a twentieth of the parsing of all.html; else ``html``."""
    at = html.lower().find("<body")
    if at < 0 or any(tag in html[at:].lower() for tag in ("<title", "<meta", "<link")):
        return html
    return html[:at] + "</html>"


def _identifier(html: str, print_css: str) -> bytes:
    """The PDF's fixed identifier: the same page and stylesheet, the same identifier."""
    return hashlib.sha256((html + print_css).encode("utf-8")).hexdigest()[:32].encode("ascii")


def _fits_the_box(document: Any) -> bool:
    """Whether page 1's text ends where it would still fit a FIT_BOX page, above that page's bottom margin.

    On A4 this is the measure in FIT_BOX itself (same width); a Letter page sets the text 6 mm wider.
    It reads WeasyPrint's layout boxes (``_page_box``, not public API; written against WeasyPrint 70,
    the pdf extra is pinned below 71). If they change, the print fails with a message saying so,
    rather than keeping sheets that may not fit.
    """
    try:
        page = document.pages[0]._page_box
        root = page.children[0]
        bottom = root.position_y + root.margin_height()
        limit = _FIT_HEIGHT_PX - page.margin_bottom - page.padding_bottom - page.border_bottom_width
    except (AttributeError, IndexError, TypeError) as exc:
        version = getattr(_weasyprint(), "__version__", "?")
        raise RuntimeError(f"WeasyPrint {version}'s page layout is not what playbookgen measures "
                           f"(written against WeasyPrint 70): {exc}") from exc
    return bool(bottom <= limit + 0.01)
