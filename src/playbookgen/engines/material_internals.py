"""Every way playbookgen relies on MkDocs' or Material for MkDocs' internals, in one table with the
versions it was written against, and the checks that fail the build when one no longer holds.

Our fixes edit the theme's markup, scripts and stylesheet as text; when the theme changes, such an
edit would quietly do nothing. So each is checked where it could: before the build, that the
theme's templates still have the blocks our overrides fill; after it, that each edit took hold in
the built home page and assets. A failed check is an EngineError naming the step and the versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import EngineError
from .layout import WORKER_SHIM

__all__ = ["INTERNALS", "WRITTEN_AGAINST", "Internal", "check_built_site", "check_theme_source", "drift",
           "overridden_blocks"]

# The versions every entry below was written and tested against (pyproject.toml pins Material's range).
WRITTEN_AGAINST = {"mkdocs-material": "9.8.2", "mkdocs": "1.6.1", "zensical": "0.0.73"}
OVERRIDES = ("main.html", "playbookgen-theme.html")  # ours, in engines/overrides/


@dataclass(frozen=True)
class Internal:
    """One thing of the theme or of MkDocs we rely on: where we do, what must hold, how it is checked."""

    step: str
    ours: str
    relies_on: str
    check: str


INTERNALS: dict[str, Internal] = {entry.step: entry for entry in (
    Internal("theme-blocks", "engines/overrides/main.html, engines/overrides/playbookgen-theme.html",
             "the theme's base.html has every block our overrides fill (htmltitle, styles, libs, header, "
             "site_nav, scripts): Jinja ignores, without a word, a block its parent does not have",
             "before the build, base.html (the first found, as the engine finds it) is searched for each"),
    Internal("title-escaping", "engines/overrides/main.html, block htmltitle",
             "Material prints the page title through striptags, which unescapes it; our block escapes it again",
             "theme-blocks"),
    Internal("start-classes", "engines/overrides/main.html, block styles",
             "the theme's script swaps no-js for js and sets the focus-visible marks on <html> as it starts",
             "theme-blocks; if the script stopped doing it, setting them early would still be harmless"),
    Internal("deferred-scripts", "engines/overrides/main.html, block scripts",
             "Material's bundle is printed in block scripts, and starts on DOMContentLoaded, which our "
             "loader fires again once the bundle has run",
             "after the build: the bundle is inside <template id=\"pb-scripts\"> and names DOMContentLoaded"),
    Internal("defer-polyfills", "engines/overrides/playbookgen-theme.html, block libs",
             "the polyfills are printed as '<script src=' (MkDocs' script_tag filter), replaced by a deferred tag",
             "after the build: the worker shim's <script> is deferred"),
    Internal("offline-shim", "engines/site_config.py, extra.polyfills",
             "the offline plugin adds the iframe-worker shim from a CDN unless extra.polyfills names one",
             "after the build: the page loads our shim, and nothing from the CDN"),
    Internal("search-dialog-name", "engines/overrides/playbookgen-theme.html, block header",
             "partials/search.html prints the search dialog as 'role=\"dialog\">', which gets an aria-label",
             "after the build: the search dialog has an aria-label"),
    Internal("section-tabindex", "engines/overrides/playbookgen-theme.html, block site_nav",
             "section labels (navigation.sections) are printed with ' tabindex=\"\"', which is removed",
             "after the build: no tabindex=\"\" is left"),
    Internal("palette-switching-rule", "engines/theme_assets.py",
             "the palette stylesheet (assets/stylesheets/**/palette.*.min.css) holds one rule setting "
             "transitions under [data-md-color-switching], blanked out after the build",
             "after the build: there is a palette stylesheet, and each one held the rule"),
    Internal("theme-get-env", "engines/mkdocs.py, cache_theme_templates",
             "MkDocs and Material's plugins make every theme environment with Theme.get_env, wrapped to "
             "give it our template cache",
             "during the build: Theme has get_env, and the build called it"),
    Internal("worker-preload", "engines/mkdocs.py, _THEME_PLUGINS",
             "Material's plugins are registered as material/search and material/offline",
             "speed only (the worker imports them early); tests/test_engines.py checks the names"),
    Internal("search-stemmer", "engines/search_language.py, engines/search/lunr.pl.js, lunr.en-stem.js",
             "Material's search worker builds its lunr index in the browser from search/search_index.json "
             "(search_index.js from file://, the same JSON after 'var __index = '); for a config.lang other than "
             "en it imports lunr/min/lunr.stemmer.support.min.js and lunr/min/lunr.LANG.min.js, uses lunr[LANG] "
             "(an English playbook's index gets LANG en-stem, our file, with lunr's own lunr.stemmer) "
             "and drops the pipeline functions config.pipeline does not name; it ends each query word with a "
             "wildcard, for which lunr runs no pipeline, and each query clause goes through "
             "lunr.Query.prototype.clause, which our plugin wraps to stem the word",
             "after the build: the index files are compact JSON holding config.lang and config.pipeline, the worker "
             "bundle names those files and Query.prototype.clause, and the theme has no lunr.pl of its own; in the "
             "browser our plugin throws if lunr.Query.prototype.clause is missing (tests/test_search_browser.py)"),
    Internal("serve-rebuild", "engines/mkdocs_serve.py, watch_for_us",
             "MkDocs' LiveReloadServer rebuilds when _want_rebuild is set under _rebuild_cond (its own "
             "file watcher's callback does so), and waits build_delay seconds for more changes first; it puts "
             "its live-reload script into pages only while it watches some path",
             "as serve starts: the server has both attributes, else serve stops with this error"),
    Internal("serve-reuse", "engines/serve_reuse.py, skip_hidden_theme_files and reuse_conversions",
             "MkDocs makes theme environments with a jinja2.FileSystemLoader and copies no hidden file of a "
             "theme; Page.render converts a page from its Markdown, the extensions' settings, the link settings "
             "and the site's files, and sets only content, toc, _title_from_render, present_anchor_ids and "
             "links_to_anchors; Material's SearchIndex.add_entry_from_context makes a page's entries from its URL, "
             "title, HTML, front matter and table of contents, and only adds them to the index",
             "while serving: the loader's type, after each conversion the attributes render set, after each "
             "indexing that only entries were added, else serve stops with this error; tests/test_serve_reuse.py "
             "builds a site both ways and compares every file"),
    Internal("site-name-escaping", "engines/site_config.py, builtin_config",
             "Material prints site_name and site_description without escaping, so we escape them",
             "not checked at build time: if the theme escaped them too, a name with '&' would show '&amp;'"),
)}


def _installed(name: str) -> str:
    """The installed version of distribution ``name``, or "none"."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


def drift(step: str, found: str) -> EngineError:
    """The error for an internal we rely on (INTERNALS[step]) that no longer holds: ``found`` says how."""
    internal = INTERNALS[step]
    written = ", ".join(f"{name} {version}" for name, version in WRITTEN_AGAINST.items())
    installed = ", ".join(f"{name} {_installed(name)}" for name in WRITTEN_AGAINST)
    material = WRITTEN_AGAINST["mkdocs-material"]
    return EngineError(
        f"theme check '{step}' failed: {found} (playbookgen's theme fixes were written against "
        f"mkdocs-material {material}; installed: {_installed('mkdocs-material')})",
        f"{internal.ours} relies on this: {internal.relies_on}.\n"
        f"Written against {written}; installed: {installed}.\n"
        "If your team's theme folder (theme.custom_dir in mkdocs.yml) has a file of that name, it replaces "
        "the theme's own: change it there. Otherwise reinstalling playbookgen brings back the theme versions "
        "it supports; if you have those, please report this (engines/material_internals.py lists every step).")


# --- before the build: the theme's templates ---------------------------------------------------------

_BLOCK = re.compile(r"\{%-?\s*block\s+(\w+)")


def overridden_blocks() -> list[str]:
    """The blocks our overrides fill, sorted."""
    folder = resources.files("playbookgen.engines").joinpath("overrides")
    names = set()
    for name in OVERRIDES:
        names.update(_BLOCK.findall(folder.joinpath(name).read_text(encoding="utf-8")))
    return sorted(names)


def check_theme_source(folders: Sequence[Path], engine: str) -> None:
    """The theme's base.html, as ``engine`` finds it in ``folders``, has every block our overrides fill."""
    base = next((folder / "base.html" for folder in folders if (folder / "base.html").is_file()), None)
    if base is None:
        raise drift("theme-blocks", f"{engine} finds no base.html in its theme")
    have = set(_BLOCK.findall(base.read_text(encoding="utf-8")))
    missing = [name for name in overridden_blocks() if name not in have]
    if missing:
        raise drift("theme-blocks", f"the theme's base.html ({base}) has no block {', '.join(missing)}")


# --- after the build: did each edit take hold? --------------------------------------------------------

_SCRIPT_TAG = re.compile(r"<script\b[^>]*>")
_WAITING = re.compile(r'<template id="pb-scripts">(.*?)</template>', re.S)
_BUNDLE = re.compile(r'<script\b[^>]*\bsrc="(?:\./)?([^"]*assets/javascripts/bundle\.[^"]*\.js)"')
_CDN_SHIM = "unpkg.com/iframe-worker"


def _shim(page: str, site: Path) -> tuple[str, str] | None:
    """offline-shim and defer-polyfills: our worker shim is loaded, deferred, and the CDN's is not."""
    tags = [tag for tag in _SCRIPT_TAG.findall(page) if "iframe-worker" in tag]
    if any(_CDN_SHIM in tag for tag in tags) or not any(WORKER_SHIM in tag for tag in tags):
        return ("offline-shim", "the home page does not load the worker shim we ship, or loads one from a CDN")
    if not all(re.search(r"\sdefer\b", tag) for tag in tags):
        return ("defer-polyfills", "the worker shim's <script> in the home page is not deferred")
    return None


def _search_dialog(page: str, site: Path) -> tuple[str, str] | None:
    """search-dialog-name: the search dialog, where the page has one, carries an aria-label."""
    if 'data-md-component="search"' in page and not re.search(r'role="dialog" aria-label="[^"]+"', page):
        return ("search-dialog-name", "the search dialog in the home page has no aria-label")
    return None


def _tabindex(page: str, site: Path) -> tuple[str, str] | None:
    """section-tabindex: no empty tabindex is left."""
    if re.search(r"""\stabindex=(?:""|'')""", page):
        return ("section-tabindex", 'the home page still has tabindex=""')
    return None


def _scripts_wait(page: str, site: Path) -> tuple[str, str] | None:
    """deferred-scripts: the bundle waits in our <template> and is the kind that starts on DOMContentLoaded."""
    waiting = _WAITING.search(page)
    bundle = _BUNDLE.search(waiting[1]) if waiting else None
    if bundle is None:
        return ("deferred-scripts", "the theme's script bundle is not inside <template id=\"pb-scripts\">")
    try:
        code = (site / bundle[1]).read_bytes()
    except OSError:
        return ("deferred-scripts", f"the theme's script bundle {bundle[1]} is not in the site")
    if b"DOMContentLoaded" not in code:
        return ("deferred-scripts", f"the theme's script bundle {bundle[1]} does not start on DOMContentLoaded")
    return None


_PAGE_CHECKS: tuple[Callable[[str, Path], tuple[str, str] | None], ...] = (_shim, _search_dialog, _tabindex,
                                                                         _scripts_wait)


def check_built_site(site: Path) -> None:
    """Each edit of the theme's output took hold in the built home page; the first that did not fails."""
    try:
        page = (site / "index.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngineError(f"the engine wrote no readable home page: {exc}") from exc
    for check in _PAGE_CHECKS:
        problem = check(page, site)
        if problem is not None:
            raise drift(*problem)
