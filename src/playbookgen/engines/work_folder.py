"""The work folder's files beside the rendered pages: the team's files and theme folder, joined beneath ours."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from ..errors import Diagnostic, ValidationFailed, error
from .layout import DOCS_DIR, THEME_DIR
from .site_config import TEAM_CONFIG, TeamFile

__all__ = ["SiteFiles", "with_team_files", "with_team_theme"]


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


def with_team_files(site: SiteFiles, found: list[tuple[TeamFile, bytes]], static: Collection[str]) -> SiteFiles:
    """The files the team's mkdocs.yml names, put into the docs folder where the engine looks for them.

    ``static`` lists the docs files made outside this module (the checklists): a team file may not
    take the place of one of those or of a page.
    """
    assets, problems = {}, []
    for ref, data in found:
        target = f"{DOCS_DIR}/{ref.path}"
        if target in site.files or ref.path in static:
            problems.append(error(TEAM_CONFIG, ref.line, ref.column, "mkdocs-file",
                                  f"{ref.setting}: '{ref.path}' is the name of a file playbookgen makes; "
                                  "move your file to another folder, such as assets/"))
        assets[target] = data
    if problems:
        raise ValidationFailed(problems)
    return replace(site, assets=assets)


# The team's main.html must extend the theme's base.html; it is made to extend our fixes instead.
_EXTENDS_BASE = re.compile(r"""\{%-?\s*extends\s+(["'])base\.html\1\s*-?%\}""")
OUR_MAIN, TEAM_MAIN = f"{THEME_DIR}/main.html", f"{THEME_DIR}/playbookgen-team.html"
_OUR_PARENT = '{% extends "playbookgen-theme.html" %}'


def with_team_theme(site: SiteFiles, team: dict[str, bytes], label: str) -> SiteFiles:
    """The team's theme files (``label``: their folder, for diagnostics) joined beneath our overrides.

    MkDocs takes one theme folder, so the team's files are copied into ours. Ours win by name (they
    are named playbookgen-*), except main.html: the team's joins the chain as
    our main.html (the <title> fix) → theirs → playbookgen-theme.html (markup fixes) → base.html,
    so a team template can change any block without undoing the escaping.
    """
    files, theme = dict(site.files), {}
    for name, data in sorted(team.items()):
        target = f"{THEME_DIR}/{name}"
        if target == OUR_MAIN:
            files[TEAM_MAIN] = _chained_main(data, f"{label}/main.html")
            files[OUR_MAIN] = files[OUR_MAIN].replace(_OUR_PARENT, '{% extends "playbookgen-team.html" %}', 1)
        elif target not in files:
            theme[target] = data
    return replace(site, files=files, theme_files=theme)


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
