"""What every site engine hands back, and the time it is given."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EngineRun", "TIMEOUT_SECONDS"]

TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class EngineRun:
    """What the engine printed, and the warnings in it."""

    output: str
    warnings: list[str]
