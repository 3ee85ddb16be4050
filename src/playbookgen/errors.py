"""Diagnostics and the error hierarchy: the one vocabulary every stage of the pipeline speaks.

Modules return or raise these; only ``cli.py`` turns them into text and exit codes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "Diagnostic",
    "Severity",
    "PlaybookError",
    "UserError",
    "ValidationFailed",
    "TemplateError",
    "EngineError",
    "OutputRefused",
    "InternalError",
    "EXIT_OK",
    "EXIT_ERRORS",
    "EXIT_USAGE",
    "EXIT_INTERNAL",
]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # sysexits.h EX_SOFTWARE: a bug in playbookgen, not the user's doing


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. ``file`` is relative to the project folder, lines are 1-based."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


def error(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, Severity.ERROR, code, message)


def warning(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, Severity.WARNING, code, message)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """File, then line, then column; duplicates (same place, same code, same text) collapse."""
    return sorted(set(diagnostics), key=lambda d: (d.file, d.line, d.column, d.code, d.message))


class PlaybookError(Exception):
    """Base of every error playbookgen raises on purpose."""


class UserError(PlaybookError):
    """Something the user must fix that is not tied to a place in a file (exit 2)."""


class ValidationFailed(PlaybookError):
    """The project has errors; carries every diagnostic found (exit 1)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{sum(d.is_error for d in diagnostics)} error(s)")
        self.diagnostics = diagnostics


class TemplateError(ValidationFailed):
    """A Jinja template failed to load or render; reported like any other diagnostic."""


class EngineError(PlaybookError):
    """The site engine (mkdocs or zensical) failed; its output is attached (exit 1)."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class OutputRefused(UserError):
    """An output folder holds files we did not write; we refuse to touch it (exit 2)."""


class InternalError(PlaybookError):
    """One of playbookgen's own assumptions no longer holds (a bug, not the user's doing; exit 70)."""
