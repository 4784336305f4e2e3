"""The schema of a calibration: which constants, which runs, which patterns, how hard to try.

Defaults are the small budget of ``experiment=calibrate`` (minutes on two cores); the full
budget is a configuration (``configs/experiment/calibrate_full.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.model.parameters import param

# The behavioural constants the 2017-2024 patterns can speak to, with the scale of their
# prior over the documented range. rationality (0.05 to 10) and outside_options (0.1 to 100
# % of GDP) span two and three orders of magnitude, so their priors are log-uniform;
# threat_from_alliances keeps its open sign (-1 to 1: alliances deter or provoke).
CALIBRATED = (
    ("model.rationality", "log"),
    ("model.outside_options", "log"),
    ("model.alignment_rate", "linear"),
    ("model.tie_rate", "linear"),
    ("model.war_demand", "linear"),
    ("model.sanctions_busting", "linear"),
    ("model.sanctions_dependence", "linear"),
    ("model.threat_cohesion", "linear"),
    ("model.patron_compensation", "linear"),
    ("model.deal_value", "linear"),
    ("model.coercion_relief", "linear"),
    ("model.trade_pain", "linear"),
    ("model.secondary_bite", "linear"),
    ("model.trust_sensitivity", "linear"),
    ("model.oil_amplifier", "linear"),
    ("model.abandonment_response", "linear"),
    ("model.threat_from_pressure", "linear"),
    ("model.threat_from_alliances", "linear"),
)


@dataclass
class CalibratedParameterConfig:
    """One calibrated constant: a dotted path, its prior's bounds (default: its documented
    range; they may only narrow it) and scale (linear or log)."""

    name: str = ""
    low: float | None = None
    high: float | None = None
    scale: str = "linear"


@dataclass
class CalibrationRunConfig:
    """A historical run the patterns are read from: a scenario under a (historical) strategy."""

    scenario: str = "hindcast_2021"
    strategy: str = "status_quo"


def _calibrated() -> list[CalibratedParameterConfig]:
    return [CalibratedParameterConfig(name=name, scale=scale) for name, scale in CALIBRATED]


def _runs() -> list[CalibrationRunConfig]:
    return [
        CalibrationRunConfig("hindcast_2017", "historical_2017"),
        CalibrationRunConfig("hindcast_2021", "status_quo"),
    ]


@dataclass
class CalibrationConfig:
    """ABC-SMC over the behavioural constants against the patterns of ``use``."""

    patterns: str | None = None  # CSV of patterns; None: sim/data/history/patterns.csv
    use: str = "calibration"
    parameters: list[CalibratedParameterConfig] = field(default_factory=_calibrated)
    runs: list[CalibrationRunConfig] = field(default_factory=_runs)
    population: int = param(64, 8, 1_000_000, "particles kept per generation")
    generations: int = param(4, 1, 1000, "generations at most (the first samples the prior)")
    batch: int = param(128, 1, 10_000_000, "candidates simulated together")
    max_batches: int = param(6, 1, 100_000, "batches per generation at most")
    quantile: float = param(0.5, 0.01, 0.99, "tolerance: this quantile of the previous distances")
    min_epsilon: float = param(0.0, 0.0, 1e9, "stop once the tolerance is this small")
    min_acceptance: float = param(0.0, 0.0, 1.0, "stop once fewer candidates than this share are kept")
    replicates: int = param(4, 1, 100_000, "replicate worlds per candidate (common random numbers)")
    seed: int = param(1, 0, 2**32 - 1, "seed of the sampler (the model's seed is the run's)")
    posterior_draws: int = param(200, 1, 10_000_000, "equally weighted draws written to the posterior file")
    predictive_draws: int = param(100, 1, 10_000_000, "posterior draws simulated for the predictive check")
    predictive_replicates: int = param(8, 1, 100_000, "replicate worlds per posterior draw in the check")
    ship: bool = False  # also write the posterior into sim/data/posterior/ (the package default)


@dataclass
class ForecastConfig:
    """A posterior-predictive forecast: the run's scenario and strategy over posterior draws."""

    posterior: str | None = None  # CSV of draws; None: the shipped sim/data/posterior/posterior_2024.csv
    patterns: str | None = None  # CSV of patterns; None: sim/data/history/patterns.csv
    use: str = "forecast"
    draws: int = param(100, 1, 10_000_000, "posterior draws simulated (the first ones of the file)")
