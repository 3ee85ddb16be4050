"""`playbookgen templates`: our templates, which of them a project overrides, and copying one to edit.

A team overrides a template by putting a file of the same name in its project's ``templates/``
folder (render/templating.py looks there first). These functions find our templates in the installed
package, so nobody needs a source checkout to start from ours.

A copy starts with a stamp, a Jinja comment naming the template and a digest of our text as copied.
When a later playbookgen ships that template changed, the override keeps working but no longer has
what changed (a new section, a fixed label): ``outdated_templates`` says so, once per file, and
``diff_template`` shows ours beside the team's.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostic, UserError, warning
from .render.templating import BUILTIN_TEMPLATES, TEMPLATE_DIR
from .write import write_bytes_atomic

__all__ = ["TemplateEntry", "builtin_templates", "copy_templates", "diff_template", "list_templates",
           "outdated_templates", "restamp", "stamp"]

# {#- playbookgen template site/stage.md.j2 1a2b3c4d5e6f: ... -#}, on the first line of a copy. Whitespace
# control on both sides: the comment leaves no trace in the page, not even its line break.
_STAMP = re.compile(r"\{#-?\s*playbookgen template (?P<name>\S+) (?P<digest>[0-9a-f]{12})\b[^#]*-?#\}")


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


def _our_digest(name: str) -> str:
    """Which version of our template ``name`` this is: the start of its text's SHA-256."""
    return hashlib.sha256((BUILTIN_TEMPLATES / name).read_bytes()).hexdigest()[:12]


def _stamp_of(text: str, name: str) -> re.Match[str] | None:
    """The stamp in a copy's text, when it names the template ``name``."""
    match = _STAMP.search(text)
    return match if match is not None and match.group("name") == name else None


def _project_copy(root: Path, name: str) -> tuple[str, Path, str]:
    """Our template's full name, the project's copy of it and its text; a UserError when there is none."""
    full = _resolve(name, builtin_templates())
    path = root / TEMPLATE_DIR / full
    try:
        return full, path, path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise UserError(f"the project has no {TEMPLATE_DIR}/{full}; `playbookgen templates copy {full}` makes one"
                        ) from None


def stamp(name: str) -> str:
    """The first line of a copy of our template ``name``: which template, and which version of its text."""
    return (f"{{#- playbookgen template {name} {_our_digest(name)}: copied from playbookgen; when ours changes, "
            f"`playbookgen templates diff {name}` shows it -#}}\n")


def outdated_templates(root: Path) -> list[Diagnostic]:
    """A warning for each override in ROOT/templates/ copied from a version of our template that has
    changed since (its stamp's digest is not that of ours now). A file without a stamp is not judged."""
    found = []
    ours = set(builtin_templates())
    for name in sorted(_names(root / TEMPLATE_DIR) & ours):
        path = root / TEMPLATE_DIR / name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the build reports a file it cannot read, as a template error
        match = _stamp_of(text, name)
        if match is not None and match.group("digest") != _our_digest(name):
            line = text.count("\n", 0, match.start()) + 1
            found.append(warning(f"{TEMPLATE_DIR}/{name}", line, match.start() - text.rfind("\n", 0, match.start()),
                                 "template-outdated",
                                 f"playbookgen's {name} has changed since this copy was made, so the site misses "
                                 f"what changed in it; `playbookgen templates diff {name}` shows ours beside yours. "
                                 "Carry over what you want, then update the stamp with `playbookgen templates "
                                 f"stamp {name}`"))
    return found


def diff_template(root: Path, name: str) -> str:
    """A unified diff from our template ``name`` to the project's copy ('' when there is no difference)."""
    full, _, text = _project_copy(root, name)
    ours = (BUILTIN_TEMPLATES / full).read_text(encoding="utf-8").splitlines(keepends=True)
    theirs = _STAMP.sub("", text, count=1).removeprefix("\n").splitlines(keepends=True)
    import difflib  # `templates diff` and a mistyped name only

    return "".join(difflib.unified_diff(ours, theirs, f"playbookgen {full}", f"{TEMPLATE_DIR}/{full}"))


def restamp(root: Path, name: str) -> Path:
    """Set the stamp of the project's copy of ``name`` to our template as it is now (after carrying over
    what changed); a copy without a stamp gets one on its first line."""
    full, path, text = _project_copy(root, name)
    match = _stamp_of(text, full)
    if match is not None:
        text = text[:match.start()] + stamp(full).rstrip("\n") + text[match.end():]
    else:
        text = stamp(full) + text
    write_bytes_atomic(path, text.encode("utf-8"))
    return path


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
    import difflib

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
            write_bytes_atomic(path, stamp(name).encode("utf-8") + (BUILTIN_TEMPLATES / name).read_bytes())
        except OSError as exc:
            raise UserError(f"cannot write {TEMPLATE_DIR}/{name}: {exc.strerror or exc}") from exc
        written.append(path)
    return written
