"""What each CRM export looks like: its headers for our column names, and how its stage names map
onto the playbook's stages."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from ..export._stages import crm_name
from ..i18n import CLOSED_STAGE_NAMES
from ..model import Project

__all__ = ["Column", "COLUMNS", "DATE_ENTERED", "DATE_EXITED", "StageMap", "stage_map", "dated_label"]

Kind = Literal["text", "time", "amount"]


@dataclass(frozen=True)
class Column:
    name: str  # ours, also the key of deals.columns
    header: str  # the export's own header
    kind: Kind
    required: bool


def _c(name: str, header: str, kind: Kind = "text", required: bool = False) -> Column:
    return Column(name, header, kind, required)


COLUMNS: dict[str, tuple[Column, ...]] = {
    "csv": (
        _c("deal_id", "deal_id", required=True), _c("stage", "stage", required=True),
        _c("entered_at", "entered_at", "time", True), _c("amount", "amount", "amount"),
        _c("currency", "currency"), _c("name", "name"),
    ),
    "salesforce": (
        _c("deal_id", "OpportunityId", required=True), _c("stage", "StageName", required=True),
        _c("entered_at", "CreatedDate", "time", True), _c("amount", "Amount", "amount"),
        _c("currency", "CurrencyIsoCode"), _c("name", "Name"),
    ),
    "hubspot": (
        _c("deal_id", "Record ID", required=True), _c("stage", "Deal Stage", required=True),
        _c("amount", "Amount", "amount"), _c("currency", "Currency"), _c("name", "Deal Name"),
    ),
    "pipedrive": (
        _c("deal_id", "Deal - ID", required=True), _c("stage", "Deal - Stage", required=True),
        _c("status", "Deal - Status", required=True), _c("created", "Deal - Deal created", "time", True),
        _c("stage_changed", "Deal - Last stage change", "time"), _c("won_time", "Deal - Won time", "time"),
        _c("lost_time", "Deal - Lost time", "time"), _c("amount", "Deal - Value", "amount"),
        _c("currency", "Deal - Currency"), _c("name", "Deal - Title"),
    ),
}  # fmt: skip

# HubSpot: one column per stage, 'Date entered "Qualified (Sales Pipeline)"'; the prefixes can be renamed
# with deals.columns (date_entered, date_exited) for an account in another language.
DATE_ENTERED = "Date entered"
DATE_EXITED = "Date exited"


def dated_label(header: str, prefix: str) -> str | None:
    """The stage label in a HubSpot 'Date entered "<label>"' header: double, single or no quotes."""
    match = re.match(rf"\s*{re.escape(prefix)}\s+(.+?)\s*$", header, re.IGNORECASE)
    if not match:
        return None
    label = match.group(1)
    if len(label) >= 2 and label[0] == label[-1] and label[0] in "\"'":
        label = label[1:-1]
    return label.strip() or None


_PIPELINE_SUFFIX = re.compile(r"^(.*\S)\s*\([^()]*\)$")


@dataclass(frozen=True)
class StageMap:
    """CRM stage names (trimmed, lower case) -> pipeline position: open stages 1..n, won n+1, lost n+2."""

    keys: dict[str, int]
    open_ids: list[str]
    names: list[str]  # every name a value may be meant as, for 'did you mean'

    @property
    def won(self) -> int:
        return len(self.open_ids) + 1

    @property
    def lost(self) -> int:
        return len(self.open_ids) + 2

    def position(self, label: str) -> int | None:
        """Where a stage label lands; a HubSpot label may carry its pipeline: 'Qualified (Sales)'."""
        found = self.keys.get(normal(label))
        if found is None and (bare := _without_pipeline(label)) is not None:
            found = self.keys.get(normal(bare))
        return found

    def nearest(self, value: str) -> str:
        """The stage name closest to ``value``, compared without a HubSpot pipeline in brackets. A name that
        begins with the value's first word ('Ocena' → 'Ocena potrzeb') wins over one merely alike."""
        value = _without_pipeline(value) or value
        lowered = {n.lower(): n for n in reversed(self.names)}
        words = value.lower().split()
        pool = [n for n in lowered if words and n.split()[:1] == words[:1]] or list(lowered)
        close = difflib.get_close_matches(value.lower(), pool, n=1, cutoff=0.0)
        return lowered[close[0]] if close else self.names[0]


def _without_pipeline(label: str) -> str | None:
    """The label without the pipeline HubSpot writes after it in brackets: 'Qualified (Sales)'; None when
    it has none."""
    match = _PIPELINE_SUFFIX.match(label.strip())
    return match.group(1) if match else None


def normal(name: str) -> str:
    """Trimmed and lower case, as DuckDB's lower(trim(x)) makes it (spaces only, as trim() strips)."""
    return name.strip(" ").lower()


def stage_map(project: Project, fmt: str) -> StageMap:
    """Each stage by its name in this CRM (crm: entry), else its name, else its id; then won and lost."""
    crm = fmt if fmt != "csv" else None
    opens = [s for s in project.stages if s.closed is None]
    n = len(opens)
    keys: dict[str, int] = {}
    names: list[str] = []
    outcome_pos = {"won": n + 1, "lost": n + 2}
    closed = {s.closed: s for s in project.stages if s.closed is not None}
    ordered = [(s, i) for i, s in enumerate(opens, start=1)] + [(s, outcome_pos[s.closed]) for s in closed.values()
                                                                 if s.closed is not None]
    for stage, pos in ordered:  # crm names first: they win over another stage's plain name
        if crm and stage.crm and getattr(stage.crm, crm, None):
            keys.setdefault(normal(crm_name(stage, crm)), pos)
            names.append(crm_name(stage, crm))
    for stage, pos in ordered:
        if not (crm and stage.crm and getattr(stage.crm, crm, None)):
            keys.setdefault(normal(stage.name), pos)
            names.append(stage.name)
    for stage, pos in ordered:
        keys.setdefault(normal(stage.id), pos)
    appended = CLOSED_STAGE_NAMES[project.playbook.language]
    for outcome in ("won", "lost"):
        if outcome not in closed:
            # The names the CRM export adds, and the English defaults HubSpot and Salesforce ship with.
            for name in (appended[outcome], CLOSED_STAGE_NAMES["en"][outcome]):
                keys.setdefault(normal(name), outcome_pos[outcome])
            names.append(appended[outcome])
    return StageMap(keys, [s.id for s in opens], names)
