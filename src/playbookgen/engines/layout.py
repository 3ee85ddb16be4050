"""The work folder an engine builds from: its config file, the pages, our theme overrides, the site."""

from __future__ import annotations

__all__ = ["CONFIG_FILE", "DOCS_DIR", "INLINE_STYLE", "SITE_DIR", "THEME_DIR", "TICKS_SCRIPT", "WORKER_SHIM"]

CONFIG_FILE = "mkdocs.yml"  # read by MkDocs and Zensical alike
DOCS_DIR = "docs"  # the pages, and the static files the engine copies as they are
THEME_DIR = "overrides"  # our theme overrides (theme.custom_dir); a team's custom_dir is copied beneath them
SITE_DIR = "site"  # where the engine writes the site
# In the docs folder: the Web Worker shim Material's offline plugin would load from a CDN (vendor/),
# and the script that makes marked checklists remember their ticks (overrides/playbookgen-theme.html
# loads it from there).
WORKER_SHIM = "assets/javascripts/iframe-worker.js"
TICKS_SCRIPT = "assets/javascripts/playbookgen-ticks.js"
# In the theme folder: our stylesheet, inlined in <head> by overrides/main.html.
INLINE_STYLE = f"{THEME_DIR}/partials/playbookgen-style.html"
