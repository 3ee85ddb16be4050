"""CRM export: the playbook's stages, probabilities and stall limits as each CRM takes them in.

``export_project`` turns a validated project into files (pure: data in, bytes out);
``write_export`` puts them on disk or on stdout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from ..crm import EXPORT_NAMES, crm
from ..engines.layout import CONFIG_FILE
from ..errors import UserError
from ..model import Project
from ..write import write_bytes_atomic

__all__ = ["EXAMPLES_NOTE", "FORMATS", "Export", "export_project", "write_export"]

FORMATS = EXPORT_NAMES
# Printed with every export of a playbook whose values are still examples (JSON and CSV hold no comment).
EXAMPLES_NOTE = ("the probabilities and stall limits are example values (values_are_examples: true in "
                 "playbook/playbook.yml): set the team's own from its deals before the CRM's forecasts rely on them")


class _Writer(Protocol):
    def export(self, project: Project) -> tuple[dict[str, bytes], list[str]]: ...


@dataclass(frozen=True)
class Export:
    """What one export produced: files by relative path, and notes for the user (printed on stderr)."""

    format: str
    files: dict[str, bytes]
    notes: list[str] = field(default_factory=list)

    @property
    def is_folder(self) -> bool:
        return crm(self.format).folder


def export_project(project: Project, fmt: str) -> Export:
    """Render ``project`` for the CRM ``fmt`` with its writer (the registry names it); raises
    ValidationFailed where the CRM would refuse it."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format '{fmt}': choose one of {', '.join(FORMATS)}")
    writer = cast(_Writer, import_module(f"{__name__}.{crm(fmt).writer}"))
    files, notes = writer.export(project)
    if project.playbook.values_are_examples:
        notes = [*notes, EXAMPLES_NOTE]
    return Export(fmt, files, notes)


SOURCE_FOLDERS = ("playbook", "stages", "templates", "schemas")


def _refuse_sources(out: Path | None, project_root: Path | None) -> None:
    """An export never lands on the playbook's own files: -o stages/x.yml is a slip, not a wish."""
    if out is None or project_root is None:
        return
    target, root = out.resolve(), project_root.resolve()
    protected = [root / name for name in SOURCE_FOLDERS] + [root / CONFIG_FILE]
    if target == root or any(target == p or p in target.parents for p in protected):
        raise UserError(f"refusing to write the export to {out}: it would overwrite the playbook's own files; "
                        "choose a path outside playbook/, stages/, templates/ and schemas/")


def write_export(export: Export, out: Path | None, stdout: BinaryIO, project_root: Path | None = None) -> list[Path]:
    """Write ``export`` to ``out`` (a folder for a CRM whose export is one, a file otherwise) or, for one
    file, to stdout.

    With ``project_root``, a path onto the project's own sources is refused.
    """
    _refuse_sources(out, project_root)
    if export.is_folder:
        return _write_folder(export, out)
    (data,) = export.files.values()
    if out is None:
        stdout.write(data)
        stdout.flush()
        return []
    if out.is_dir():
        raise UserError(f"{out} is a folder; the {export.format} export is one file: give a file path with -o")
    write_bytes_atomic(out, data)
    return [out]


def _write_folder(export: Export, out: Path | None) -> list[Path]:
    if out is None:
        raise UserError(f"the {export.format} export is a folder of files: choose where with -o DIR")
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is a file; the {export.format} export needs a folder: give a folder path with -o")
    written = []
    for relative, data in sorted(export.files.items()):
        path = out / relative
        write_bytes_atomic(path, data)
        written.append(path)
    return written
