"""The work folder an engine builds from: its config file, the pages, our theme overrides, the site."""

from __future__ import annotations

__all__ = ["CONFIG_FILE", "DOCS_DIR", "SITE_DIR", "THEME_DIR"]

CONFIG_FILE = "mkdocs.yml"  # read by MkDocs and Zensical alike
DOCS_DIR = "docs"  # the pages, and the static files the engine copies as they are
THEME_DIR = "overrides"  # our theme overrides (theme.custom_dir); a team's custom_dir is copied beneath them
SITE_DIR = "site"  # where the engine writes the site
