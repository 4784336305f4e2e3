"""A goal stated on one per-replicate outcome: "time_to_defection <= 48", "aligned < 4".

Robust analyses ask how often a strategy meets a stated goal (satisficing) and where in
the uncertainty space a wedge splits the bloc (scenario discovery); both read the goal from
the configuration as text, so it is checked when the configuration is composed and the
same words appear in tables and docs.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import numpy as np

from sim.common.errors import ConfigError
from sim.common.vocabulary import SUMMARY_OUTCOMES

COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
CENSORED = "time_to_defection"
"""The one outcome that is censored: a run with no defection never meets 'time_to_defection <= x'."""
_PATTERN = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")
HIGHER_IS_BETTER = frozenset({"defected", "energy", "frustration"})
"""Outcomes a wedge strategist wants high; for every other outcome lower is better for the US
(cohesion, densities, connectivity, members aligned, P(intact), months to defection, cost)."""


def lower_is_better(outcome: str) -> bool:
    """True when a smaller value of ``outcome`` means a stronger wedge (or a cheaper one)."""
    return outcome not in HIGHER_IS_BETTER


@dataclass(frozen=True)
class Goal:
    """``outcome comparison threshold``, evaluated per replicate."""

    outcome: str
    comparison: str
    threshold: float

    def __str__(self) -> str:
        return f"{self.outcome} {self.comparison} {self.threshold:g}"

    def met(self, values: np.ndarray, defected: np.ndarray | None = None) -> np.ndarray:
        """Boolean per replicate; censored times to defection (no defection) never count as early."""
        values = np.asarray(values, dtype=float)
        if self.outcome == CENSORED:
            if defected is None:
                raise ValueError("a goal on time_to_defection needs the 'defected' column")
            values = np.where(np.asarray(defected, dtype=bool), values, np.inf)
        return COMPARISONS[self.comparison](values, self.threshold)


def parse_goal(key: str, text: str) -> Goal:
    """Read ``'<outcome> <op> <number>'``; refuse anything else with the key and the choices."""
    match = _PATTERN.match(str(text))
    allowed = f"'<outcome> <op> <number>', op in {list(COMPARISONS)}, outcome in {list(SUMMARY_OUTCOMES)}"
    if not match:
        raise ConfigError(key, f"cannot read goal '{text}'", allowed)
    outcome, comparison, number = match.groups()
    if outcome not in SUMMARY_OUTCOMES:
        raise ConfigError(key, f"unknown outcome '{outcome}'", list(SUMMARY_OUTCOMES))
    try:
        threshold = float(number)
    except ValueError:
        raise ConfigError(key, f"'{number}' is not a number", allowed) from None
    return Goal(outcome, comparison, threshold)
