"""A Python-Markdown extension that names each task-list checkbox by its item's text.

pymdownx.tasklist wraps only the checkbox in its <label>, so screen readers announce an unnamed
checkbox (Lighthouse's "label" audit fails). Moving the item's first line into that label gives it a
name, and a click on the text ticks the box. Listed after pymdownx.tasklist in markdown_extensions.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

__all__ = ["TaskLabelsExtension", "makeExtension"]

# The label tasklist writes (custom_checkbox), then the item's first line: up to a line break, the
# end of the paragraph or item, or a nested list. Text holding a tag that ends the label early
# (another label, a block) is left alone.
_TASK = re.compile(
    r'<label class="task-list-control">(?P<box><input type="checkbox"[^>]*>)'
    r'(?P<indicator><span class="task-list-indicator"></span>)</label>[ \t]*'
    r"(?P<text>(?:(?!<br\s*/?>|</p>|</li>|<ul|<ol|<label|</label|<div|<p[ >])[^\n])+)"
)


def label_tasks(html: str) -> str:
    """The HTML with each task-list label holding its checkbox and the item's first line."""
    return _TASK.sub(r'<label class="task-list-control">\g<box>\g<indicator> \g<text></label>', html)


class _TaskLabels(Postprocessor):
    def run(self, text: str) -> str:
        return label_tasks(text)


class TaskLabelsExtension(Extension):
    """Register the postprocessor after raw HTML (tasklist's label) is put back into the page."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.postprocessors.register(_TaskLabels(md), "playbookgen_task_labels", 5)


def makeExtension(**kwargs: object) -> TaskLabelsExtension:  # noqa: N802 - Python-Markdown's entry point
    return TaskLabelsExtension(**kwargs)
