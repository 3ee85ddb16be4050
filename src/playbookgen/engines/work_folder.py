"""The adapter's step before the engine runs: the rendered pages become the work folder's files.

The renderer hands over pages, a nav and a stylesheet, and knows nothing of the engine; here they are
joined with what the engine and Material need: mkdocs.yml (site_config.py), our theme overrides with
the stylesheet inlined, the scripts they load, and the team's own files and theme folder beneath ours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import Diagnostic, InternalError, ValidationFailed, error
from ..i18n import labels
from .layout import CONFIG_FILE, DOCS_DIR, INLINE_STYLE, THEME_DIR, TICKS_SCRIPT, WORKER_SHIM
from .material_internals import OVERRIDES
from .site_config import TeamFile, site_config

if TYPE_CHECKING:
    from ..model import Project

__all__ = ["SiteFiles", "theme_overrides", "ticks_script", "with_team_files", "with_team_theme", "work_files",
           "worker_shim"]

_PACKAGE = resources.files(__package__ or "playbookgen.engines")


@dataclass
class SiteFiles:
    """What the engine needs: files by work-folder-relative path, and notes for the user.

    ``team_theme`` is the team's own theme folder (mkdocs.yml's ``theme.custom_dir``, relative to
    the project), still to be read and joined beneath ours with :func:`with_team_theme`;
    ``theme_files`` then holds its files. ``assets`` holds the files the team's mkdocs.yml names
    (logo, favicon, stylesheets, scripts), by work-folder path: see :func:`with_team_files`.
    """

    files: dict[str, str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    team_theme: str | None = None
    theme_files: dict[str, bytes] = field(default_factory=dict)
    assets: dict[str, bytes] = field(default_factory=dict)


def work_files(project: Project, pages: Mapping[str, str], nav: list[Any], stylesheet: str,
               team_config: str | None) -> SiteFiles:
    """The work folder's text files: the pages (docs-relative) in the docs folder with our scripts beside
    them, our theme overrides with ``stylesheet`` inlined, and mkdocs.yml: ours merged with the team's
    ``team_config`` text, if it has one. The team's files and theme folder are joined later
    (:func:`with_team_files`, :func:`with_team_theme`), once the caller has read them."""
    docs = {**pages, WORKER_SHIM: worker_shim(), TICKS_SCRIPT: ticks_script()}
    words = labels(project.playbook.language)
    # Listing the worker shim as a polyfill stops the offline plugin adding its CDN copy.
    config, notes, team_theme = site_config(project, words, nav, [], [WORKER_SHIM], team_config)
    files = {f"{DOCS_DIR}/{path}": text for path, text in sorted(docs.items())}
    files.update({f"{THEME_DIR}/{name}": text for name, text in theme_overrides().items()})
    files[OUR_404] = not_found_page(words["not_found"])
    # Inlined in <head>: one render-blocking request fewer on every page (Lighthouse).
    files[INLINE_STYLE] = f"<style>\n{stylesheet}</style>\n"
    files[CONFIG_FILE] = config
    return SiteFiles(files, notes, team_theme)


def theme_overrides() -> dict[str, str]:
    """Our theme override templates by name in the theme folder: main.html (the <title> escaping and
    the script loading) extends playbookgen-theme.html (markup fixes), which extends the theme."""
    folder = _PACKAGE.joinpath("overrides")
    return {name: folder.joinpath(name).read_text(encoding="utf-8") for name in OVERRIDES}


def not_found_page(heading: str) -> str:
    """The theme's 404 page with its heading in the playbook's language (the theme's own says
    "404 - Not found" in every language). A team's 404.html, if its theme folder has one, replaces it."""
    return f'{{% extends "main.html" %}}\n{{% block content %}}\n  <h1>{html.escape(heading)}</h1>\n{{% endblock %}}\n'


def worker_shim() -> str:
    """The Web Worker shim Material's offline plugin would load from a CDN; we ship it (MIT, vendored)."""
    return _PACKAGE.joinpath("vendor/iframe-worker.js").read_text(encoding="utf-8")


def ticks_script() -> str:
    """The script that makes marked checklists remember their ticks (overrides/playbookgen-ticks.js)."""
    return _PACKAGE.joinpath("overrides/playbookgen-ticks.js").read_text(encoding="utf-8")


def with_team_files(site: SiteFiles, found: list[tuple[TeamFile, bytes]], static: Collection[str]) -> SiteFiles:
    """The files the team's mkdocs.yml names, put into the docs folder where the engine looks for them.

    ``static`` lists the docs files made outside this module (the checklists): a team file may not
    take the place of one of those or of a page.
    """
    assets, problems = {}, []
    for ref, data in found:
        target = f"{DOCS_DIR}/{ref.path}"
        if target in site.files or ref.path in static:
            problems.append(error(CONFIG_FILE, ref.line, ref.column, "mkdocs-file",
                                  f"{ref.setting}: '{ref.path}' is the name of a file playbookgen makes; "
                                  "move your file to another folder, such as assets/"))
        assets[target] = data
    if problems:
        raise ValidationFailed(problems)
    return replace(site, assets=assets)


# The team's main.html must extend the theme's base.html; it is made to extend our fixes instead.
_EXTENDS_BASE = re.compile(r"""\{%-?\s*extends\s+(["'])base\.html\1\s*-?%\}""")
OUR_MAIN, TEAM_MAIN = f"{THEME_DIR}/main.html", f"{THEME_DIR}/playbookgen-team.html"
OUR_404 = f"{THEME_DIR}/404.html"
_OUR_PARENT = '{% extends "playbookgen-theme.html" %}'


def with_team_theme(site: SiteFiles, team: dict[str, bytes], label: str) -> SiteFiles:
    """The team's theme files (``label``: their folder, for diagnostics) joined beneath our overrides.

    MkDocs takes one theme folder, so the team's files are copied into ours. Ours win by name (they
    are named playbookgen-*), except main.html: the team's joins the chain as
    our main.html (the <title> fix) → theirs → playbookgen-theme.html (markup fixes) → base.html,
    so a team template can change any block without undoing the escaping. A team's 404.html replaces
    ours, which only translates the theme's heading.
    """
    files, theme = dict(site.files), {}
    for name, data in sorted(team.items()):
        target = f"{THEME_DIR}/{name}"
        if target == OUR_MAIN:
            files[TEAM_MAIN] = _chained_main(data, f"{label}/main.html")
            files[OUR_MAIN] = _extend_team_main(files[OUR_MAIN])
        elif target == OUR_404:  # only says "not found" in the playbook's language: the team's page wins
            del files[OUR_404]
            theme[target] = data
        elif target not in files:
            theme[target] = data
    return replace(site, files=files, theme_files=theme)


def _extend_team_main(ours: str) -> str:
    """Our main.html, made to extend the team's main.html (renamed TEAM_MAIN) instead of our theme fixes."""
    if _OUR_PARENT not in ours:
        # Our own override changed without this: a silent no-op would drop the team's main.html.
        raise InternalError(f"engines/overrides/main.html no longer contains {_OUR_PARENT!r}, which "
                            "with_team_theme replaces to chain a team's main.html: update one or the other")
    return ours.replace(_OUR_PARENT, '{% extends "playbookgen-team.html" %}', 1)


def _chained_main(data: bytes, file: str) -> str:
    """The team's main.html, extending our theme fixes instead of base.html."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([error(file, 1, 1, "mkdocs-custom-dir", f"not valid UTF-8 ({exc.reason})")]) from exc
    found = _EXTENDS_BASE.search(text)
    if found is None:
        raise ValidationFailed([error(file, 1, 1, "mkdocs-custom-dir",
                                      'a main.html override must start with {% extends "base.html" %}, so that '
                                      "playbookgen's escaping of titles stays in the template chain")])
    return text[: found.start()] + _OUR_PARENT + text[found.end():]
