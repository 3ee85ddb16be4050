"""Checks a built site's internal links: every relative link must reach a file, and its anchor an id.

Engine-independent (it reads the HTML the engine wrote), so MkDocs and Zensical builds are held to
the same rule. A link with an unsafe scheme (javascript:, data:, ...) is always an error: it can
only come from text that escaped escaping.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .halves import both_halves
from .render.templating import safe_url

__all__ = ["BrokenLink", "check_site_links"]


@dataclass(frozen=True)
class BrokenLink:
    page: str  # site-relative path of the page holding the link
    href: str
    reason: str
    unsafe: bool = False


# The engine writes well-formed HTML in which text is entity-escaped, so these patterns can only
# match real attributes; they are several times faster than HTMLParser over a large site.
_IDS = re.compile(r"""<[a-z][a-z0-9]*\s[^>]*?\bid\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_LINKS = re.compile(r"""<a\s([^>]*)>""", re.IGNORECASE)
_HREF_OR_NAME = re.compile(r"""\b(href|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_SKIP_BLOCKS = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


@dataclass
class _Page:
    """The ids (and a names) a page defines and the hrefs of its links."""

    ids: set[str]
    hrefs: list[str]


def _ids(text: str) -> set[str]:
    """Every id="..." value in the page's tags.

    Text is entity-escaped, so an id=" whose last angle bracket before it is '<' sits in a tag: a
    plain string search finds them some four times faster than the general pattern, which is kept
    for the spellings the engines do not write (single quotes, spaces around '=').
    """
    if "id='" in text or "id =" in text or "ID=" in text:
        return {html.unescape(m) for m in _IDS.findall(text)}
    found: set[str] = set()
    at = text.find('id="')
    while at >= 0:
        start = at + 4
        if at > 0 and text[at - 1] in " \t\n\r\f" and text.rfind("<", 0, at) > text.rfind(">", 0, at):
            end = text.find('"', start)
            if end < 0:
                break
            found.add(html.unescape(text[start:end]))
        at = text.find('id="', start)
    return found


def _parse(path: Path, seen: dict[str, tuple[tuple[bool, str], ...]] | None = None) -> _Page:
    """The page's ids and links; ``seen``: the links already read on other pages (every page of a site
    repeats the navigation's), by the text inside their <a ...>."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if "<script" in text:
        text = _SKIP_BLOCKS.sub("", text)
    page = _Page(_ids(text), [])
    seen = {} if seen is None else seen
    for link in _LINKS.finditer(text):
        inside = link.group(1)
        attributes = seen.get(inside)
        if attributes is None:
            attributes = seen[inside] = _attributes(inside)
        for is_href, value in attributes:
            if is_href:
                page.hrefs.append(value)
            else:
                page.ids.add(value)
    return page


def _attributes(inside: str) -> tuple[tuple[bool, str], ...]:
    """(is it the href, its value) for each href and name attribute of a link, in order."""
    return tuple((attr.group(1).lower() == "href", html.unescape(attr.group(2) or attr.group(3) or attr.group(4) or ""))
                 for attr in _HREF_OR_NAME.finditer(inside))


def check_site_links(site: Path, skip: tuple[str, ...] = ()) -> list[BrokenLink]:
    """Every broken internal link and every unsafe link in the HTML pages under ``site``.

    Pages under a ``skip`` prefix are not checked (they may still be link targets). Every page of a
    folder carries the same navigation, so a link is judged once per folder, not once per page. A large
    site's pages are checked in two halves at once (``halves``): the engine has finished, so the second
    core is free; the list is the same, in the same order, as from one.
    """
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    pages = sorted(name for name in files if name.endswith(".html") and not name.startswith(skip))
    if len(pages) < _SPLIT_FROM:
        return _check_pages(site, pages, files)
    middle = len(pages) // 2
    first, second = both_halves(lambda: _check_pages(site, pages[:middle], files),
                                lambda: _check_pages(site, pages[middle:], files))
    return first + second


_SPLIT_FROM = 200  # pages: below this a fork costs more than half the check saves


def _check_pages(site: Path, names: list[str], files: set[str]) -> list[BrokenLink]:
    """The broken links of the pages ``names``, in their order; ``files``: every file of the site."""
    pages = _Pages(site)
    judged: dict[tuple[str, str], tuple[str, bool] | None] = {}
    broken: list[BrokenLink] = []
    for page in names:
        folder = posixpath.dirname(page)
        for href in pages[page].hrefs:
            # A link without a path points into its own page; a site-absolute one is judged per page.
            key = (page if not href or href.startswith(("#", "?", "/")) else folder, href)
            if key not in judged:
                judged[key] = _judge(page, href, files, pages)
            verdict = judged[key]
            if verdict is not None:
                reason, unsafe = verdict
                broken.append(BrokenLink(page, href, reason, unsafe))
    return broken


class _Pages(dict[str, _Page]):
    """The site's pages, each parsed when first asked for: a skipped page (the checklists, 129 KB each
    with their font) is read only if a link points into it with an anchor."""

    def __init__(self, site: Path) -> None:
        super().__init__()
        self.site = site
        self.links: dict[str, tuple[tuple[bool, str], ...]] = {}

    def __missing__(self, name: str) -> _Page:
        page = self[name] = _parse(self.site / name, self.links)
        return page


def _judge(page: str, href: str, files: set[str], pages: dict[str, _Page]) -> tuple[str, bool] | None:
    """Why ``href`` on ``page`` is broken (and whether it is unsafe), or None when it is fine or leaves the site."""
    if safe_url(href) is None:
        return ("unsafe link scheme", True)
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if href.startswith("/"):  # MkDocs writes 404.html with absolute links on purpose: it is served anywhere
        return None if page == "404.html" else ("an absolute path breaks the site opened from files; use a relative "
                                                "link", False)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
    if target.startswith("../"):
        return ("points outside the site", False)
    if target not in files and posixpath.join(target, "index.html") in files:
        target = posixpath.join(target, "index.html")
    if target not in files:
        return ("no such file", False)
    if parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in pages[target].ids:
        return (f"no anchor '{parts.fragment}' in {target}", False)
    return None
