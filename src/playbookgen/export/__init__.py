"""CRM export: the playbook's stages, probabilities and stall limits as each CRM takes them in.

``export_project`` turns a validated project into files (pure: data in, bytes out);
``write_export`` puts them on disk or on stdout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..engines.layout import CONFIG_FILE
from ..errors import Diagnostic, UserError, ValidationFailed, sort_diagnostics
from ..model import Project
from ..write import write_bytes_atomic
from . import csv, hubspot, pipedrive, salesforce
from ._stages import crm_stages, playbook_stages

__all__ = ["FORMATS", "Export", "export_project", "write_export"]

FORMATS = ("salesforce", "hubspot", "pipedrive", "csv")
FOLDER_FORMATS = ("salesforce",)


@dataclass(frozen=True)
class Export:
    """What one export produced: files by relative path, and notes for the user (printed on stderr)."""

    format: str
    files: dict[str, bytes]
    notes: list[str] = field(default_factory=list)

    @property
    def is_folder(self) -> bool:
        return self.format in FOLDER_FORMATS


def export_project(project: Project, fmt: str) -> Export:
    """Render ``project`` for the CRM ``fmt``; raises ValidationFailed where the CRM would refuse it."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format '{fmt}': choose one of {', '.join(FORMATS)}")
    if fmt == "pipedrive":
        return _pipedrive(project)
    # The CSV is for any CRM, so it keeps the playbook's own names; the others use the stage's crm: name.
    stages, notes = crm_stages(project, None if fmt == "csv" else fmt)
    if fmt == "salesforce":
        _refuse(salesforce.check(project, stages))
        return Export(fmt, salesforce.render(project, stages), notes)
    if fmt == "hubspot":
        _refuse(hubspot.check(project, stages))
        return Export(fmt, hubspot.render(project, stages), notes)
    return Export(fmt, csv.render(stages), notes)


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
    """Write ``export`` to ``out`` (a folder for Salesforce, a file otherwise) or, for one file, to stdout.

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


def _pipedrive(project: Project) -> Export:
    stages = playbook_stages(project, "pipedrive")
    notes = []
    if closed := pipedrive.left_out(stages):
        notes.append(
            "Pipedrive closes a deal by marking it won or lost, not by a stage; left out the closed "
            f"stage(s): {', '.join(closed)}"
        )
    return Export("pipedrive", pipedrive.render(stages), notes)


def _refuse(diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        raise ValidationFailed(sort_diagnostics(diagnostics))
