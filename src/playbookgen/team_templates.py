"""`playbookgen templates`: our templates, which of them a project overrides, and copying one to edit.

A team overrides a template by putting a file of the same name in its project's ``templates/``
folder (templating.py looks there first). These functions find our templates in the installed
package, so nobody needs a source checkout to start from ours.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .templating import BUILTIN_TEMPLATES, TEMPLATE_DIR
from .write import write_bytes_atomic

__all__ = ["TemplateEntry", "builtin_templates", "copy_templates", "list_templates"]


@dataclass(frozen=True)
class TemplateEntry:
    """One template name (relative to a templates folder) and whether the project has its own."""

    name: str
    ours: bool  # playbookgen ships a template of this name
    overridden: bool  # the project's templates/ holds a file of this name


def _names(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.suffix == ".j2"}


def builtin_templates() -> list[str]:
    """Our template names, sorted: 'checklists/stage.html.j2', 'site/index.md.j2', ..."""
    return sorted(_names(BUILTIN_TEMPLATES))


def list_templates(root: Path) -> list[TemplateEntry]:
    """Ours, each marked when the project overrides it; then the project's files that match none of ours."""
    ours = set(builtin_templates())
    theirs = _names(root / TEMPLATE_DIR)
    return [TemplateEntry(name, name in ours, name in theirs) for name in sorted(ours)] + [
        TemplateEntry(name, False, True) for name in sorted(theirs - ours)]


def _resolve(name: str, ours: list[str]) -> str:
    """A template's full name from what was typed: the full name, or a file name only one template has."""
    typed = name.strip().replace("\\", "/").removeprefix(f"{TEMPLATE_DIR}/")
    if typed in ours:
        return typed
    by_file = [n for n in ours if n.rsplit("/", 1)[-1] == typed]
    if len(by_file) == 1:
        return by_file[0]
    if by_file:
        raise UserError(f"'{name}' is the name of several templates: {', '.join(by_file)}; type the full name")
    close = difflib.get_close_matches(typed, ours, n=1) or difflib.get_close_matches(
        typed, [n.rsplit("/", 1)[-1] for n in ours], n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UserError(f"playbookgen has no template '{name}'{hint}; `playbookgen templates list` shows them all")


def copy_templates(root: Path, names: list[str], force: bool = False) -> list[Path]:
    """Copy our templates ``names`` into ROOT/templates/ for editing; returns the files written.

    Refuses (UserError, naming each, and writing nothing) to replace a file the project already
    has, unless ``force``.
    """
    ours = builtin_templates()
    wanted = list(dict.fromkeys(_resolve(name, ours) for name in names))
    targets = {name: root / TEMPLATE_DIR / name for name in wanted}
    existing = [f"{TEMPLATE_DIR}/{name}" for name, path in targets.items() if path.exists()]
    if existing and not force:
        listed = "\n".join(f"  {name}" for name in existing)
        raise UserError(f"these templates are already in the project (your edits would be lost; "
                        f"use --force to replace them with ours):\n{listed}")
    written = []
    for name, path in targets.items():
        try:
            write_bytes_atomic(path, (BUILTIN_TEMPLATES / name).read_bytes())
        except OSError as exc:
            raise UserError(f"cannot write {TEMPLATE_DIR}/{name}: {exc.strerror or exc}") from exc
        written.append(path)
    return written
