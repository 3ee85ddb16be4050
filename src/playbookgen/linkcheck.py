"""Checks a built site's internal links: every relative link must reach a file, and its anchor an id.

Engine-independent (it reads the HTML the engine wrote), so MkDocs and Zensical builds are held to
the same rule. A link with an unsafe scheme (javascript:, data:, ...) is always an error: it can
only come from text that escaped escaping.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .templating import safe_url

__all__ = ["BrokenLink", "check_site_links"]


@dataclass(frozen=True)
class BrokenLink:
    page: str  # site-relative path of the page holding the link
    href: str
    reason: str
    unsafe: bool = False


class _PageParser(HTMLParser):
    """Collects the ids (and a names) a page defines and the hrefs of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            if tag == "a" and name == "href":
                self.hrefs.append(value)


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def check_site_links(site: Path, skip: tuple[str, ...] = ()) -> list[BrokenLink]:
    """Every broken internal link and every unsafe link in the HTML pages under ``site``.

    Pages under a ``skip`` prefix are not checked (they may still be link targets).
    """
    pages = {p.relative_to(site).as_posix(): _parse(p) for p in sorted(site.rglob("*.html")) if p.is_file()}
    broken: list[BrokenLink] = []
    for page, parsed in pages.items():
        if page.startswith(skip):
            continue
        for href in parsed.hrefs:
            if safe_url(href) is None:
                broken.append(BrokenLink(page, href, "unsafe link scheme", unsafe=True))
                continue
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("/"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
            if target.startswith("../"):
                broken.append(BrokenLink(page, href, "points outside the site"))
                continue
            path = site / target
            if path.is_dir():
                target, path = posixpath.join(target, "index.html"), path / "index.html"
            if not path.is_file():
                broken.append(BrokenLink(page, href, "no such file"))
            elif parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
                broken.append(BrokenLink(page, href, f"no anchor '{parts.fragment}' in {target}"))
    return broken
