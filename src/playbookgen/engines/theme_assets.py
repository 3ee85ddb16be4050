"""After the site engine: one change to the theme's built stylesheets, so pages start up faster.

The palette stylesheet of Material (and of Zensical, which shares it) holds one rule that turns off
transitions under ``[data-md-color-switching]``. The theme's script sets that attribute on <body>
when it starts and takes it away a frame later, and because of that rule, each of the two changes
makes the browser restyle every element of the page, inside the theme's start-up task (Chromium's
style-invalidation trace shows it). The rule does its job only when a reader switches between
light and dark, so our theme script does the same then, and only then (overrides/playbookgen-theme.html).

The rule is blanked out with a comment of exactly its length, so the stylesheet's source map still
points at the right places. A site without a palette stylesheet, or one without the rule (another
theme version), fails the build (material_internals.py, "palette-switching-rule").
"""

from __future__ import annotations

import re
from pathlib import Path

from ..write import write_new_file
from .material_internals import drift

__all__ = ["PALETTE_STYLESHEETS", "quiet_palette_switching"]

PALETTE_STYLESHEETS = "assets/stylesheets/**/palette.*.min.css"
# A whole rule (starting where a rule can: at the start, or after a brace or a comment) that
# only sets transitions, on descendants of the switching attribute, e.g.
# [data-md-color-switching] *,[data-md-color-switching] :after{transition-duration:0s!important}
_SELECTOR = r"\[data-md-color-switching\]\s+[^,{}]+"
_TRANSITIONS = r"transition[-a-z]*:[^;{}]*"
_SWITCHING_RULE = re.compile(
    rf"(?P<lead>(?:^|[{{}}]|\*/)\s*)(?P<rule>{_SELECTOR}(?:,{_SELECTOR})*\{{{_TRANSITIONS}(?:;{_TRANSITIONS})*;?\}})")
_NOTE = "/* playbookgen: rule moved to a script (theme_assets.py)"


def _blank(match: re.Match[str]) -> str:
    """A comment exactly as long as the rule it replaces."""
    width = len(match["rule"])
    return match["lead"] + (_NOTE + " " * width)[: width - 2] + "*/"


def quiet_palette_switching(site: Path) -> list[Path]:
    """Blank out the switching rule in the built site's palette stylesheets; returns the files changed.

    Raises an EngineError when there is no palette stylesheet or one of them has no such rule.
    """
    paths = sorted(site.glob(PALETTE_STYLESHEETS))
    if not paths:
        raise drift("palette-switching-rule", f"the site has no stylesheet {PALETTE_STYLESHEETS}")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        quiet = _SWITCHING_RULE.sub(_blank, text)
        if quiet == text:
            name = path.relative_to(site).as_posix()
            raise drift("palette-switching-rule",
                        f"{name} has no rule setting transitions under [data-md-color-switching]")
        write_new_file(path, quiet.encode("utf-8"))  # a file of the staging folder
    return paths
