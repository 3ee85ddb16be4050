"""What every site engine hands back, and the time it is given."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["EngineRun", "TIMEOUT_SECONDS"]

TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class EngineRun:
    """What the engine printed, the warnings in it, and notes for the user about the built site."""

    output: str
    warnings: list[str]
    notes: list[str] = field(default_factory=list)
