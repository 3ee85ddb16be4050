"""The Markdown extensions every page is rendered with: MkDocs' markdown_extensions, with Material's
pymdownx set, ours (tasklabels, glossary) among them. Here, so the worker can import them early
(engines/mkdocs.py) and the site config can name them (site_config.py).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MARKDOWN_EXTENSIONS", "entry_name", "markdown_extension_names"]

# In order; the MkDocs worker (engines/mkdocs.py) imports them before the build.
MARKDOWN_EXTENSIONS: tuple[Any, ...] = (
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    {"toc": {"permalink": True}},
    "pymdownx.escapeall",
    {"pymdownx.tasklist": {"custom_checkbox": True, "clickable_checkbox": True}},
    "playbookgen.tasklabels",  # after tasklist: names each checkbox by its item's text
    "pymdownx.superfences",
    "pymdownx.details",
    {"playbookgen.glossary": {"terms": {}, "forms": {}}},  # glossary tooltips; the terms are the project's (below)
)


def entry_name(entry: Any) -> str | None:
    """The name of a plugins/markdown_extensions entry, which is a string or a one-key mapping."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return None


def markdown_extension_names() -> list[str]:
    """The names of our Markdown extensions (MARKDOWN_EXTENSIONS without their settings)."""
    return [str(entry_name(entry)) for entry in MARKDOWN_EXTENSIONS]
