"""How an export's stage names map onto the playbook's stages (the registry, ``crm``, says which name
each CRM knows a stage by)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..crm import crm, crm_name, has_crm_name
from ..i18n import CLOSED_STAGE_NAMES
from ..model import Project

__all__ = ["StageMap", "stage_map", "normal", "NEAR"]

NEAR = 0.75  # how alike two names must be (difflib's ratio) for one to be offered as the other
_PIPELINE_SUFFIX = re.compile(r"^(.*\S)\s*\([^()]*\)$")


@dataclass(frozen=True)
class StageMap:
    """CRM stage names (trimmed, lower case) -> pipeline position: open stages 1..n, won n+1, lost n+2."""

    keys: dict[str, int]
    open_ids: list[str]
    names: list[str]  # every name a value may be meant as, for 'did you mean'
    crm_key: str | None = None  # the key under a stage's crm: that names it in this export's CRM

    @property
    def won(self) -> int:
        return len(self.open_ids) + 1

    @property
    def lost(self) -> int:
        return len(self.open_ids) + 2

    def position(self, label: str) -> int | None:
        """Where a stage label lands; a label may carry its pipeline: 'Qualified (Sales)'."""
        found = self.keys.get(normal(label))
        if found is None and (bare := _without_pipeline(label)) is not None:
            found = self.keys.get(normal(bare))
        return found

    def nearest(self, value: str) -> str | None:
        """The stage name closest to ``value``, compared without a pipeline in brackets, when it is close: a
        name that begins with the value's first word ('Ocena' → 'Ocena potrzeb') first, else the most alike,
        as a whole or as the start of the name ('Zamknięta' → 'Zamknięcie transakcji'), if at least ``NEAR``
        alike; None when no name is near (a far-off guess misleads more than none)."""
        value = (_without_pipeline(value) or value).lower()
        lowered = {n.lower(): n for n in reversed(self.names)}
        words = value.split()
        pool = [n for n in lowered if words and n.split()[:1] == words[:1]]
        if pool:
            return lowered[difflib.get_close_matches(value, pool, n=1, cutoff=0.0)[0]]
        scored = [(max(_alike(value, n), _alike(value, n[:len(value)])), n) for n in lowered]
        score, best = max(scored, key=lambda s: s[0], default=(0.0, ""))
        return lowered[best] if score >= NEAR else None


def _alike(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _without_pipeline(label: str) -> str | None:
    """The label without the pipeline a CRM writes after it in brackets: 'Qualified (Sales)'; None when
    it has none."""
    match = _PIPELINE_SUFFIX.match(label.strip())
    return match.group(1) if match else None


def normal(name: str) -> str:
    """Trimmed and lower case, as DuckDB's lower(trim(x)) makes it (spaces only, as trim() strips)."""
    return name.strip(" ").lower()


def stage_map(project: Project, fmt: str) -> StageMap:
    """Each stage by its name in this CRM (crm: entry), else its name, else its id; then won and lost."""
    opens = [s for s in project.stages if s.closed is None]
    n = len(opens)
    keys: dict[str, int] = {}
    names: list[str] = []
    outcome_pos = {"won": n + 1, "lost": n + 2}
    closed = {s.closed: s for s in project.stages if s.closed is not None}
    ordered = [(s, i) for i, s in enumerate(opens, start=1)] + [(s, outcome_pos[s.closed]) for s in closed.values()
                                                                 if s.closed is not None]
    for stage, pos in ordered:  # crm names first: they win over another stage's plain name
        if has_crm_name(stage, fmt):
            keys.setdefault(normal(crm_name(stage, fmt)), pos)
            names.append(crm_name(stage, fmt))
    for stage, pos in ordered:
        if not has_crm_name(stage, fmt):
            keys.setdefault(normal(stage.name), pos)
            names.append(stage.name)
    for stage, pos in ordered:
        keys.setdefault(normal(stage.id), pos)
    appended = CLOSED_STAGE_NAMES[project.playbook.language]
    for outcome in ("won", "lost"):
        if outcome not in closed:
            # The names the CRM export adds, and the English defaults CRMs ship with (Closed Won, Closed Lost).
            for name in (appended[outcome], CLOSED_STAGE_NAMES["en"][outcome]):
                keys.setdefault(normal(name), outcome_pos[outcome])
            names.append(appended[outcome])
    return StageMap(keys, [s.id for s in opens], names, crm(fmt).stage_key)
