"""Which deals file to read and how: playbook.yml's ``deals:`` with the command line's options on top,
and the checks that refuse a file that is not a CSV export before any parsing starts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import UserError, ValidationFailed, error
from ..model import Project

__all__ = ["DealsRequest", "FORMATS", "MAX_BYTES", "resolve_request", "parse_as_of", "check_file"]

FORMATS = ("hubspot", "salesforce", "pipedrive", "csv")
MAX_BYTES = 1 << 30  # 1 GiB: about five million deals; a bigger file is not a CRM export
_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class DealsRequest:
    path: Path  # absolute
    display: str  # how diagnostics name the file
    format: str
    as_of: datetime | None = None
    currency: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    list_stalled: bool = False


def parse_as_of(text: str) -> datetime:
    """An ISO date or date-time as UTC; a time without an offset is UTC, a date is its midnight."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UserError(f"--as-of '{text}' is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def resolve_request(project: Project, deals: str | None, fmt: str | None, as_of: str | None) -> DealsRequest:
    """The command line's --deals/--deals-format/--as-of win over playbook.yml's deals: entry."""
    config = project.playbook.deals
    if deals is None and config is None:
        raise UserError("no deals file: add a 'deals:' entry to playbook/playbook.yml or pass --deals FILE "
                        "--deals-format FORMAT")
    if deals is not None:
        path = Path(deals)
        display = _display(path, project.root) if path.is_absolute() else deals
        path = path.resolve()
    else:
        assert config is not None
        path = (project.root / config.file).resolve()
        display = config.file
    chosen = fmt or (config.format if config else None)
    if chosen is None:
        raise UserError("which CRM is the deals file from? pass --deals-format (hubspot, salesforce, pipedrive or csv)")
    when = as_of if as_of is not None else (config.as_of if config else None)
    return DealsRequest(
        path=path,
        display=display,
        format=chosen,
        as_of=parse_as_of(when) if when else None,
        currency=config.currency.upper() if config and config.currency else None,
        columns={str(ours): theirs for ours, theirs in config.columns.items()} if config else {},
        list_stalled=config.list_stalled if config else False,
    )


def _refuse(request: DealsRequest, code: str, message: str) -> ValidationFailed:
    return ValidationFailed([error(request.display, 1, 1, code, message)])


def check_file(request: DealsRequest) -> None:
    """Refuse, with one clear error, a file that is missing, empty, too big, or plainly not CSV text."""
    try:
        size = os.stat(request.path).st_size
        with open(request.path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise _refuse(request, "deals-missing", "the deals file does not exist") from None
    except IsADirectoryError:
        raise _refuse(request, "deals-not-csv", "this is a folder; give the CSV file exported from the CRM") from None
    except OSError as exc:
        raise _refuse(request, "deals-unreadable", f"cannot read the deals file: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise _refuse(request, "deals-too-large",
                      f"the file is {size / 2**20:.0f} MiB; playbookgen reads deal exports of up to "
                      f"{MAX_BYTES // 2**20} MiB")
    problem = _not_csv(head, size)
    if problem:
        raise _refuse(request, "deals-not-csv", problem)


def _not_csv(head: bytes, size: int) -> str | None:
    """Why the first bytes show the file is not a CSV text, or None."""
    if not head.removeprefix(b"\xef\xbb\xbf").strip():
        return "the file is empty: export the deals again"
    if head.startswith(b"PK\x03\x04"):
        return "this is an Excel workbook (or another zip file), not CSV: open it and save it as 'CSV UTF-8'"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return "this is not UTF-8 text (UTF-16 or a binary file): save it as 'CSV UTF-8'"
    sample = head if size <= _SNIFF_BYTES else head[: head.rfind(b"\n") + 1] or head
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"this is not UTF-8 text (byte {exc.start + 1} is not): save it as 'CSV UTF-8'"
    lines = [line for line in head.removeprefix(b"\xef\xbb\xbf").splitlines() if line.strip()]
    if len(lines) < 2 and size <= _SNIFF_BYTES:
        return "the file has a header row but no deals"
    return None
