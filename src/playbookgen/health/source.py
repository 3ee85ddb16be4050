"""Which deals file to read and how: playbook.yml's ``deals:`` with the command line's options on top."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..crm import DEALS_NAMES, choices_text
from ..errors import UserError
from ..model import Project, status_word
from .dates import DATE_FORMATS

__all__ = ["DealsRequest", "FORMATS", "resolve_request", "parse_as_of"]

FORMATS = DEALS_NAMES


@dataclass(frozen=True)
class DealsRequest:
    path: Path  # absolute
    display: str  # how diagnostics name the file
    format: str
    as_of: datetime | None = None
    currency: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    list_stalled: bool = False
    encoding: str | None = None  # deals.encoding; None: found from the file
    date_order: str | None = None  # "mdy" or "dmy" from deals.date_format; None: found from the dates
    pipeline: str | None = None  # deals.pipeline; None: the one matching most stages
    statuses: dict[str, str] = field(default_factory=dict)  # deals.statuses: a word (status_word) -> its status


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
        raise UserError(f"which CRM is the deals file from? pass --deals-format ({choices_text(DEALS_NAMES)})")
    when = as_of if as_of is not None else (config.as_of if config else None)
    return DealsRequest(
        path=path,
        display=display,
        format=chosen,
        as_of=parse_as_of(when) if when else None,
        currency=config.currency.upper() if config and config.currency else None,
        columns={str(ours): theirs for ours, theirs in config.columns.items()} if config else {},
        list_stalled=config.list_stalled if config else False,
        encoding=config.encoding if config else None,
        date_order=DATE_FORMATS[config.date_format] if config and config.date_format else None,
        pipeline=config.pipeline if config else None,
        statuses={status_word(w): str(status) for status, words in config.statuses.items() for w in words}
        if config else {},
    )
