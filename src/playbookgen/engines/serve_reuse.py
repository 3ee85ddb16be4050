"""What a `playbookgen serve` rebuild takes over from the rebuild before it, so a save shows sooner.

MkDocs' dev server rebuilds the whole site for every save. Three of its steps did the same work each
time, though a save changes a page or two:

- **Listing the theme's files.** MkDocs lists every file of the theme folders to copy the static
  ones, and Material ships some 14,000, nearly all of them its icons in the hidden folder `.icons`,
  which MkDocs then drops (it never copies a hidden file or folder of a theme). The listing here
  leaves hidden files and folders out as it walks, so the icons are not visited at all.
- **Converting each page's Markdown.** A page's HTML, table of contents, title, anchors and the
  log lines its conversion writes are made from the page's path and Markdown, the Markdown
  extensions and their settings, the link settings, and the path, URL and inclusion of every file
  (links are checked and rewritten against them). A page whose inputs are all unchanged since the
  last rebuild gets what its conversion gave then; any other page is converted, and the result kept.
- **Indexing each page for search.** Material's search plugin parses each page's HTML into
  sections; a page's entries are made from its URL, title, HTML, front matter, table of contents
  and the plugin's settings, and are kept the same way.

Conversions are kept only while every Markdown extension is one known to read nothing but the page
(a team's own extension, such as pymdownx.snippets, which includes other files, turns this off). It
relies on MkDocs' Page.render and Material's SearchIndex.add_entry_from_context (material_internals.py,
"serve-reuse"): every conversion checks that render set only the attributes kept here, every indexing
that it only added entries, and serve stops with that error otherwise. Serve only, and only while it
serves (stop_reusing): `build` converts and indexes every page.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from .material_internals import drift
from .mkdocs import each_theme_environment

__all__ = ["PURE_EXTENSIONS", "ConversionStats", "conversion_stats", "reuse_conversions", "reuse_search_entries",
           "skip_hidden_theme_files", "stop_reusing"]

# Markdown extensions whose output depends on nothing but the page's text and their settings (as
# config.markdown_extensions names them, short or with Python-Markdown's package prefix).
PURE_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "meta",
    "sane_lists", "smarty", "tables", "toc", "wikilinks",
    "pymdownx.betterem", "pymdownx.caret", "pymdownx.details", "pymdownx.escapeall", "pymdownx.highlight",
    "pymdownx.inlinehilite", "pymdownx.keys", "pymdownx.mark", "pymdownx.smartsymbols",
    "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist", "pymdownx.tilde",
    "playbookgen.glossary", "playbookgen.tasklabels",
})
# What Page.render sets on the page, and all that a kept conversion gives back.
_RENDERED = frozenset({"content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"})


def _hidden(name: str) -> bool:
    return name.startswith(".")


class _VisibleFilesLoader(jinja2.FileSystemLoader):
    """A theme's loader whose listing leaves out hidden files and folders (which MkDocs never copies
    from a theme); loading a template by name, hidden or not, is the FileSystemLoader's own."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for folder in self.searchpath:
            for top, folders, names in os.walk(folder, followlinks=self.followlinks):
                folders[:] = [name for name in folders if not _hidden(name)]
                base = os.path.relpath(top, folder).replace(os.sep, "/")
                prefix = "" if base == "." else base + "/"
                found.update(prefix + name for name in names if not _hidden(name))
        return sorted(found)


def skip_hidden_theme_files(theme: Any) -> None:
    """Have every environment ``theme`` makes list only the theme's visible files (see the module)."""
    each_theme_environment(theme, _list_visible_files)


def _list_visible_files(environment: jinja2.Environment) -> None:
    loader = environment.loader
    if type(loader) is not jinja2.FileSystemLoader:
        raise drift("serve-reuse", f"the theme's environment loads with a {type(loader).__name__}, "
                                   "not a jinja2.FileSystemLoader")
    environment.loader = _VisibleFilesLoader(loader.searchpath, loader.encoding, loader.followlinks)


@dataclass(frozen=True)
class _Conversion:
    """What Page.render set, and what it logged while it did."""

    attributes: dict[str, Any]
    records: tuple[logging.LogRecord, ...]


@dataclass
class ConversionStats:
    """How many pages were converted or indexed, and how many took what was kept instead, since serve started."""

    converted: int = 0
    reused: int = 0
    indexed: int = 0  # pages Material's search plugin indexed
    index_reused: int = 0  # pages whose search entries were the last ones


@dataclass
class _State:
    render: Callable[..., None] | None = None  # MkDocs' own Page.render, once ours replaces it
    index: Callable[..., None] | None = None  # Material's SearchIndex.add_entry_from_context, likewise
    enabled: bool = False  # this rebuild's extensions are all pure
    settings: Hashable = None  # this rebuild's Markdown and link settings
    files: object = None  # the last Files seen, and its print below
    files_print: Hashable = None
    kept: dict[str, tuple[Hashable, _Conversion]] = field(default_factory=dict)  # the last one of each page
    entries: dict[str, tuple[Hashable, list[Any]]] = field(default_factory=dict)  # each page's last entries
    stats: ConversionStats = field(default_factory=ConversionStats)


_STATE = _State()


def conversion_stats() -> ConversionStats:
    return _STATE.stats


def _extension_name(extension: object) -> str | None:
    return extension.removeprefix("markdown.extensions.") if isinstance(extension, str) else None


def _frozen(value: object) -> Hashable:
    """``value`` (settings read from YAML: mappings, lists, scalars) as a hashable, comparable value."""
    if isinstance(value, dict):
        return tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value if isinstance(value, str | int | float | bool | type(None)) else repr(value)


def reuse_conversions(config: Any) -> None:
    """Keep each page's Markdown conversion for the rebuilds after this one (see the module).

    Called with each rebuild's configuration (the serve hook's on_config).
    """
    from mkdocs.structure.pages import Page

    names = [_extension_name(extension) for extension in config["markdown_extensions"]]
    _STATE.enabled = all(name in PURE_EXTENSIONS for name in names)
    validation = config["validation"]
    _STATE.settings = (tuple(str(name) for name in names), _frozen(dict(config["mdx_configs"] or {})),
                       bool(config["use_directory_urls"]),
                       _frozen({key: dict(validation[key]) for key in validation}))
    if _STATE.render is None:
        render = getattr(Page, "render", None)
        if not callable(render):
            raise drift("serve-reuse", "mkdocs.structure.pages.Page has no render method")
        _STATE.render = render
        Page.render = _render  # type: ignore[method-assign,assignment]


def reuse_search_entries() -> None:
    """Keep each page's search entries for the rebuilds after this one (see the module); the serve hook
    calls it on every rebuild, and only the first call has anything to do."""
    if _STATE.index is not None:
        return
    try:
        from material.plugins.search import plugin as search
    except ImportError:  # not Material's theme: nothing of its search to reuse
        return
    index = getattr(search.SearchIndex, "add_entry_from_context", None)
    if not callable(index):
        raise drift("serve-reuse", "material.plugins.search.plugin.SearchIndex has no add_entry_from_context")
    _STATE.index = index
    search.SearchIndex.add_entry_from_context = _index_entry


def stop_reusing() -> None:
    """Give Page.render and the search plugin's indexing back and forget what was kept (serve has stopped)."""
    global _STATE
    from mkdocs.structure.pages import Page

    # Only where ours is still in place (a test may have put its own there since).
    if _STATE.render is not None and Page.render is _render:
        Page.render = _STATE.render  # type: ignore[method-assign]
    if _STATE.index is not None:
        from material.plugins.search import plugin as search

        if search.SearchIndex.add_entry_from_context is _index_entry:
            search.SearchIndex.add_entry_from_context = _STATE.index
    _STATE = _State()


def _toc_print(toc: Iterable[Any]) -> Hashable:
    return tuple((item.id, item.url, item.title, item.level, _toc_print(item.children)) for item in toc)


def _index_entry(index: Any, page: Any) -> None:
    """SearchIndex.add_entry_from_context, or the entries it added the last time this page was the same."""
    add = _STATE.index
    assert add is not None  # set before this replaces it
    key = (page.url, page.title, page.content, _frozen(page.meta), _toc_print(page.toc), _frozen(index.config))
    kept = _STATE.entries.get(page.file.src_uri)
    if kept is not None and kept[0] == key:
        index.entries.extend(copy.deepcopy(kept[1]))
        _STATE.stats.index_reused += 1
        return
    before, names = list(index.entries), set(vars(index))
    add(index, page)
    if set(vars(index)) != names or index.entries[:len(before)] != before:
        raise drift("serve-reuse", "SearchIndex.add_entry_from_context did more than add entries to the index")
    _STATE.entries[page.file.src_uri] = (key, copy.deepcopy(index.entries[len(before):]))
    _STATE.stats.indexed += 1


def _files_print(files: Iterable[Any]) -> Hashable:
    if files is not _STATE.files:
        _STATE.files = files
        _STATE.files_print = tuple((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
    return _STATE.files_print


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _render(page: Any, config: Any, files: Any) -> None:
    """Page.render, or what it gave the last time this page had the same inputs."""
    render = _STATE.render
    assert render is not None  # set before this replaces Page.render
    if not _STATE.enabled:
        render(page, config, files)
        return
    key = (page.file.dest_uri, page.markdown, _STATE.settings, _files_print(files))
    kept = _STATE.kept.get(page.file.src_uri)
    if kept is not None and kept[0] == key:
        _give_back(page, kept[1], files)
        _STATE.stats.reused += 1
        return
    before = dict(vars(page))
    capture, engine_log = _Capture(), logging.getLogger("mkdocs")
    engine_log.addHandler(capture)
    try:
        render(page, config, files)
    finally:
        engine_log.removeHandler(capture)
    set_now = {name for name, value in vars(page).items() if name not in before or before[name] is not value}
    if not set_now <= _RENDERED:
        raise drift("serve-reuse", f"Page.render also set {', '.join(sorted(set_now - _RENDERED))}")
    attributes = {name: copy.deepcopy(getattr(page, name)) for name in _RENDERED - {"links_to_anchors"}}
    links = getattr(page, "links_to_anchors", None)
    # keyed by the File linked to: kept by its path, to be found again among the next rebuild's files
    attributes["links_to_anchors"] = None if links is None else {
        target.src_uri: dict(anchors) for target, anchors in links.items()}
    _STATE.kept[page.file.src_uri] = (key, _Conversion(attributes, tuple(capture.records)))
    _STATE.stats.converted += 1


def _give_back(page: Any, conversion: _Conversion, files: Any) -> None:
    for name, value in conversion.attributes.items():
        if name == "links_to_anchors":
            value = None if value is None else {
                files.get_file_from_path(path): dict(anchors) for path, anchors in value.items()}
        else:
            value = copy.deepcopy(value)
        setattr(page, name, value)
    for record in conversion.records:
        logging.getLogger(record.name).handle(record)
