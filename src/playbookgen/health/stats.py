"""The statistics behind the health report's judgements: pure functions of a few counts, no DuckDB.

Each is defined, with a worked example, in docs/health.md ("How each figure is defined").
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..i18n import half_up
from .report import Calibration

__all__ = ["Z95", "ENOUGH", "wilson", "brier", "suggested_probability", "suggested_max_days"]

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile: a two-sided 95% interval
ENOUGH = 30  # closed deals (or ended stays) a stage needs before the report suggests a new value


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (95% by default); None with no trials.

    Unlike p ± z·se it stays inside [0, 1] and is honest at 0 of n and n of n, where small samples live.
    """
    if trials <= 0:
        return None
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def _squared_errors(won: int, lost: int, forecast: float) -> float:
    return won * (1 - forecast) ** 2 + lost * forecast**2


def brier(stages: Iterable[tuple[int, int, int | None, int | None]], base_rate: float | None) -> Calibration:
    """Scores from per-stage counts: (won, lost, probability %, suggested %) of the closed deals that reached
    each stage. A stage without a probability is left out of all three, so they score the same forecasts."""
    pairs = 0
    playbook = base = suggested = 0.0
    for won, lost, probability, suggestion in stages:
        if probability is None:
            continue
        pairs += won + lost
        playbook += _squared_errors(won, lost, probability / 100)
        suggested += _squared_errors(won, lost, (probability if suggestion is None else suggestion) / 100)
        if base_rate is not None:
            base += _squared_errors(won, lost, base_rate)
    if not pairs:
        return Calibration(0, None, None, None)
    return Calibration(pairs, playbook / pairs, None if base_rate is None else base / pairs, suggested / pairs)


def suggested_probability(won: int, closed: int, probability: int | None) -> int | None:
    """The stage's observed win rate as a whole percent, when at least ENOUGH closed deals reached it and the
    playbook's probability lies outside their Wilson interval; else None (the playbook's value stands)."""
    interval = wilson(won, closed)
    if probability is None or closed < ENOUGH or interval is None:
        return None
    low, high = interval
    if low <= probability / 100 <= high:
        return None
    return int(half_up(won / closed * 100, 0))


def suggested_max_days(ended: int, p90_days: float | None, interval: tuple[float | None, float | None],
                       max_days: int | None) -> int | None:
    """The p90 of days in stage rounded up to a whole day, when at least ENOUGH stays have ended and the
    playbook's stall limit lies outside the p90's 95% interval (an open upper end: only below it counts)."""
    low, high = interval
    if max_days is None or p90_days is None or low is None or ended < ENOUGH:
        return None
    if max_days < low or (high is not None and max_days > high):
        return math.ceil(round(p90_days, 6))  # 20.0000000001 days of float noise is 20, not 21
    return None
