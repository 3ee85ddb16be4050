"""GitHub Actions annotations (workflow commands), as every command with ``--format github`` writes them.

``::warning file=F,line=L,col=C,title=T::message``: GitHub reads the properties up to the first
``::`` and splits them at commas, so a file name or title with ``:`` or ``,`` (or a newline) would
end the properties early or forge a second command. Its own escaping rules (actions/toolkit,
command.ts): in the message % CR LF; in properties those and : and , as well.
"""

from __future__ import annotations

__all__ = ["annotation", "escape_data", "escape_property"]


def escape_data(text: str) -> str:
    """A message, escaped as GitHub reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title), escaped: its : and , would otherwise end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, *, file: str | None = None, line: int | None = None,
               col: int | None = None, title: str | None = None) -> str:
    """One annotation line (``level``: error, warning or notice); properties left out where None."""
    properties = [(name, value) for name, value in (("file", file), ("line", line), ("col", col), ("title", title))
                  if value is not None]
    props = ",".join(f"{name}={escape_property(str(value))}" for name, value in properties)
    return f"::{level}{' ' + props if props else ''}::{escape_data(message)}"
