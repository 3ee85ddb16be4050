"""The box `playbookgen serve` puts on every preview page while the playbook has problems, as HTML text.

Pure: the problem lines (as the terminal shows them) and counts in, markup out. Every line is
escaped: a diagnostic may quote text from the team's YAML.
"""

from __future__ import annotations

import html

from ..i18n import preview_labels

__all__ = ["BOX_ID", "problems_box"]

BOX_ID = "playbookgen-problems"
# Inline styles: the box must show whatever the theme or a team's stylesheet does, and on top of it.
_BOX = ("position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:10000;max-height:45vh;overflow:auto;"
        "padding:0.8rem 1rem;border-radius:0.4rem;box-shadow:0 0.2rem 1rem rgba(0,0,0,.35);"
        "font:0.8rem/1.4 system-ui,sans-serif;color:#111;background:{background};border:3px solid {border}")
_PRE = "margin:0.5rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere;font:0.75rem/1.4 monospace"


def problems_box(lines: list[str], errors: int, warnings: int, language: str) -> str:
    """The box for one failed (``errors`` > 0) or warned render; '' when there is nothing to say."""
    if not errors and not warnings:
        return ""
    words = preview_labels(language)
    stale = errors > 0
    style = _BOX.format(background="#fdecea" if stale else "#fff8e1", border="#b3261e" if stale else "#b26a00")
    listing = f'<pre style="{_PRE}">{html.escape(chr(10).join(lines))}</pre>'
    count = html.escape(words["count"].format(errors=errors, warnings=warnings))
    if stale:
        body = (f'<strong>{html.escape(words["stale_title"])}</strong> ({count})'
                f'<div>{html.escape(words["stale_text"])}</div>{listing}')
    else:
        body = (f'<details><summary><strong>{html.escape(words["warnings_title"])}</strong> ({count}) '
                f'{html.escape(words["show"])}</summary>{listing}</details>')
    role = "alert" if stale else "status"
    counts = f'data-errors="{errors}" data-warnings="{warnings}"'
    return f'<div id="{BOX_ID}" role="{role}" {counts} style="{style}">{body}</div>\n'
