"""The CRMs playbookgen speaks to, one entry each: what it is called, how its stages are named, which
module writes its stage export and how its deals exports look to `playbookgen health`.

Everything else (the model's ``crm:`` keys and ``deals.format``, the command line's choices, the export,
the health readers and pages) is fed from ``CRMS``: adding a CRM is one entry here plus its reader or writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "Column", "Crm", "Reader", "CRMS", "EXPORT_NAMES", "DEALS_NAMES", "STAGE_KEYS", "DEALS_COLUMNS",
    "crm", "deals_crm", "display_name", "crm_name", "choices_text",
]  # fmt: skip

Kind = Literal["text", "time", "amount"]
Layout = Literal["history", "field_history", "wide", "snapshot"]


@dataclass(frozen=True)
class Column:
    """One column of a deals export: our name (the key of deals.columns), the headers CRMs write for it,
    compared without case, spaces or punctuation (``OpportunityId`` = ``OPPORTUNITYID`` = ``Opportunity ID``)."""

    name: str
    headers: tuple[str, ...]
    kind: Kind = "text"
    required: bool = False


def _c(name: str, *headers: str, kind: Kind = "text", required: bool = False) -> Column:
    return Column(name, headers, kind, required)


@dataclass(frozen=True)
class Reader:
    """One shape of deals export: its layout, its columns, and the header that tells it apart from the
    other shapes of the same CRM (None: the shape taken when no other one's header is there)."""

    layout: Layout
    columns: tuple[Column, ...]
    marker: str | None = None


@dataclass(frozen=True)
class Crm:
    name: str  # the format's name: `export --to`, `--deals-format`, deals.format
    display: str  # as pages and messages write it
    stage_key: str | None  # the key under a stage's crm: holding its name there; None: the playbook's names
    stage_key_help: str = ""
    writer: str | None = None  # module (in playbookgen.export) with export(project) -> (files, notes)
    folder: bool = False  # the stage export is a folder of files, not one file
    readers: tuple[Reader, ...] = ()  # the deals exports `health` reads; first matching marker wins

    def reader(self, normalised_headers: Sequence[str]) -> Reader:
        """The shape of this CRM's export whose marker header is among the file's (normalised) headers."""
        for reader in self.readers:
            if reader.marker is None or header_key(reader.marker) in normalised_headers:
                return reader
        return self.readers[-1]


_SNAPSHOT_COMMON = (
    _c("amount", "Value", "Amount", "Deal value", kind="amount"), _c("currency", "Currency", "Currency of Value"),
    _c("name", "Title", "Deal title", "Name", "Deal name"),
    _c("stage_changed", "Last stage change", "Stage change time", "Stage changed", kind="time"),
    _c("won_time", "Won time", kind="time"), _c("lost_time", "Lost time", kind="time"),
)  # fmt: skip

_REPORT_HEADERS = {"name": ("Opportunity Name",), "currency": ("Opportunity Currency",),
                   "stage_changed": ("Last Stage Change Date",)}


def _more(column: Column, headers: tuple[str, ...]) -> Column:
    """``column`` that also answers to ``headers``, after its own."""
    return Column(column.name, column.headers + headers, column.kind, column.required) if headers else column


CRMS: tuple[Crm, ...] = (
    Crm("hubspot", "HubSpot", "hubspot", "The stage's name (label) in HubSpot.", writer="hubspot", readers=(
        Reader("wide", (
            _c("deal_id", "Record ID", "Deal ID", required=True), _c("stage", "Deal Stage", required=True),
            _c("amount", "Amount", kind="amount"), _c("currency", "Currency"), _c("name", "Deal Name"),
            _c("pipeline", "Pipeline"),
        )),
    )),
    Crm("salesforce", "Salesforce", "salesforce", "The stage's name (StageName) in Salesforce.",
        writer="salesforce", folder=True, readers=(
            Reader("field_history", (
                _c("deal_id", "OpportunityId", required=True), _c("field", "Field", "Changed Field", required=True),
                _c("old_value", "OldValue"), _c("new_value", "NewValue", required=True),
                _c("entered_at", "CreatedDate", kind="time", required=True),
            ), marker="NewValue"),
            Reader("history", (
                _c("deal_id", "OpportunityId", required=True), _c("stage", "StageName", "Stage", required=True),
                _c("entered_at", "CreatedDate", kind="time", required=True), _c("amount", "Amount", kind="amount"),
                _c("currency", "CurrencyIsoCode"), _c("name", "Name", "Opportunity Name"),
            )),
        )),
    Crm("pipedrive", "Pipedrive", "pipedrive", "The stage's name in Pipedrive.", writer="pipedrive", readers=(
        Reader("snapshot", (
            _c("deal_id", "Deal - ID", "ID", required=True), _c("stage", "Deal - Stage", "Stage", required=True),
            _c("status", "Deal - Status", "Status", required=True),
            _c("created", "Deal - Deal created", "Deal created", kind="time", required=True),
            _c("closed", "Deal - Deal closed on", "Deal closed on", kind="time"),
            *(Column(c.name, tuple(f"Deal - {h}" for h in c.headers) + c.headers, c.kind) for c in _SNAPSHOT_COMMON),
        )),
    )),
    Crm("csv", "CSV", None, writer="csv", readers=(
        Reader("history", (
            _c("deal_id", "deal_id", required=True), _c("stage", "stage", required=True),
            _c("entered_at", "entered_at", kind="time", required=True), _c("amount", "amount", kind="amount"),
            _c("currency", "currency"), _c("name", "name"),
        )),
    )),
    Crm("snapshot", "snapshot", None, readers=(
        Reader("snapshot", (
            _c("deal_id", "deal_id", "ID", "Deal ID", "Record ID", "Opportunity ID", required=True),
            _c("stage", "stage", "Stage", "Deal Stage", required=True),
            _c("status", "status", "Status"),  # without it, a deal's status is its stage's: won, lost or open
            _c("created", "created", "Created", "Deal created", "Created date", "Create Date", kind="time",
               required=True),
            _c("closed", "closed", "Closed", "Deal closed on", "Close date", "Closed date", kind="time"),
            # and the headers of a Salesforce opportunities report, after the usual ones
            *(_more(c, _REPORT_HEADERS.get(c.name, ())) for c in _SNAPSHOT_COMMON),
        )),
    )),
)  # fmt: skip

EXPORT_NAMES = tuple(c.name for c in CRMS if c.writer)
DEALS_NAMES = tuple(c.name for c in CRMS if c.readers)
STAGE_KEYS = tuple(c.stage_key for c in CRMS if c.stage_key)
# HubSpot-style prefixes of the wide layout can be renamed too (an account in another language).
DEALS_COLUMNS = tuple(dict.fromkeys(
    [col.name for c in CRMS for r in c.readers for col in r.columns] + ["date_entered", "date_exited"]))


def header_key(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return "".join(ch for ch in header.casefold() if ch.isalnum())


def crm(name: str) -> Crm:
    """The entry named ``name`` (a name the command line or the model has already checked)."""
    return next(c for c in CRMS if c.name == name)


def deals_crm(name: str) -> Crm:
    found = crm(name)
    assert found.readers, name
    return found


def display_name(name: str) -> str:
    return next((c.display for c in CRMS if c.name == name), name)


def choices_text(names: Sequence[str]) -> str:
    """'a, b, c or d', for a message naming the choices."""
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def crm(self) -> object | None: ...


def crm_name(stage: _Named, crm_format: str | None) -> str:
    """The stage's name in the CRM ``crm_format``: its ``crm:`` entry for that CRM where set, else its name."""
    key = crm(crm_format).stage_key if crm_format else None
    named = getattr(stage.crm, key, None) if key and stage.crm else None
    return named if isinstance(named, str) else stage.name


def has_crm_name(stage: _Named, crm_format: str) -> bool:
    key = crm(crm_format).stage_key
    return bool(key and stage.crm and getattr(stage.crm, key, None))
