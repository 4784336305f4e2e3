"""Settings of the robust analyses: regret and satisficing, scenario discovery, portfolio search.

Kept apart from :mod:`sim.experiment.configuration` (which holds them as two fields of the
top-level schema) so that the robust analyses' knobs are documented in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.common.errors import ConfigError
from sim.common.goals import parse_goal
from sim.model.parameters import Kind, param


class RobustStatistic(Kind):
    """How a candidate's outcomes over the ensemble of draws become one objective."""

    mean = "mean"
    quantile = "quantile"


DEFAULT_MENU = [
    "alliances",
    "deal:PRK",
    "deal:RUS",
    "deal:IRN",
    "ceasefire:RUS",
    "sanctions:IRN",
    "secondary_sanctions:CHN",
    "tariffs:CHN",
    "export_controls:CHN",
]


@dataclass
class RobustnessConfig:
    """What counts as success, and how regret, satisficing and scenario discovery are computed."""

    goal: str = "time_to_defection <= 48"
    plausible: str = "intact >= 1"
    plausible_level: float = param(
        0.5, 0.0, 1.0, "a draw is kept when the reference meets `plausible` in this share of its worlds"
    )
    goal_level: float = param(0.5, 0.0, 1.0, "a draw satisfices when P(goal) in its worlds is at least this")
    split: str = "intact < 1"
    case_lift: float = param(
        0.5, -1.0, 1.0, "a draw is a case when the wedge raises P(split) over the reference by this"
    )
    prim_threshold: float = param(0.8, 0.0, 1.0, "PRIM: density a box needs to count as found")
    prim_min_coverage: float = param(0.5, 0.0, 1.0, "PRIM: least share of the cases the chosen box keeps")
    prim_max_dims: int = param(3, 1, 100, "PRIM: most parameters the chosen box may restrict")
    prim_max_qp: float = param(0.05, 0.0, 1.0, "PRIM: restrictions with a larger quasi-p-value are dropped")
    regret_quantile: float = param(0.9, 0.5, 1.0, "quantile of regret over draws reported beside the mean")
    resamples: int = param(1000, 100, 100_000, "bootstrap resamples over draws and replicates")


@dataclass
class PortfolioConfig:
    """The Optuna search over lever portfolios (docs/robustness.md)."""

    trials: int = param(30, 1, 100_000, "finished trials the study should hold (all workers together)")
    worker: int = param(0, 0, 10_000, "index of this worker (one Hydra job per worker)")
    statistic: RobustStatistic = RobustStatistic.mean
    quantile: float = param(0.9, 0.5, 1.0, "quantile of the bad tail when statistic=quantile")
    menu: list[str] = field(default_factory=lambda: list(DEFAULT_MENU))
    max_start: int = param(36, 0, 1200, "latest start month a lever may get")
    start_step: int = param(6, 1, 120, "grid of start months")
    seed: int = param(0, 0, 2**32 - 1, "seed of the sampler (each worker adds its index)")
    compare: int = param(5, 1, 1000, "front portfolios the report compares with the named strategies")


def validate_robust(robustness: RobustnessConfig, portfolio: PortfolioConfig) -> None:
    """Checks the schema cannot express: goals as text, a non-empty lever menu."""
    parse_goal("robustness.goal", robustness.goal)
    parse_goal("robustness.plausible", robustness.plausible)
    parse_goal("robustness.split", robustness.split)
    if not portfolio.menu:
        raise ConfigError("portfolio.menu", "is empty", "lever kinds, 'kind:TARGET' for targeted ones")
