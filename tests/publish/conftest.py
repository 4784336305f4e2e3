"""Synthetic run tables shaped like the runner's output, for the publishing-layer tests.

Strategies differ by a known shift in final cohesion; replicates share a common shock
(common random numbers), so paired comparisons see the shift through the shared noise.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

MEMBERS = ("CHN", "IRN", "PRK", "RUS")
LAYERS = ("energy", "military", "economic", "diplomatic", "treaty")
# Known effect of each strategy on final cohesion (difference vs status_quo).
SHIFTS = {"status_quo": 0.0, "pyongyang_deal": -0.15, "moscow_deal": -0.05, "alliance_first": 0.0}
HORIZON = 48


def _dates(steps: np.ndarray) -> list[str]:
    """'YYYY-MM' labels from January 2025."""
    return [f"{2025 + s // 12}-{s % 12 + 1:02d}" for s in steps]


def make_summary(
    n_replicates: int = 40,
    seed: int = 0,
    design: bool = False,
    scenarios: tuple[str, ...] = ("baseline_2025",),
) -> pd.DataFrame:
    """One row per (scenario, strategy, [design point], replicate)."""
    rng = np.random.default_rng(seed)
    points = [(0.3, 0.2), (0.3, 0.8), (0.7, 0.2), (0.7, 0.8)] if design else [(None, None)]
    rows = []
    for scenario in scenarios:
        for credibility, alliance in points:
            shock = rng.normal(0, 0.08, n_replicates)  # common random numbers
            hazard_base = rng.exponential(1.0, n_replicates)
            for strategy, shift in SHIFTS.items():
                own = rng.normal(0, 0.02, n_replicates)
                lift = 0.0 if credibility is None else -0.1 * credibility + 0.05 * alliance
                cohesion = np.clip(0.7 + shift + lift + shock + own, 0, 1)
                ttd = hazard_base * 60 / (1 + 4 * (0.7 - cohesion).clip(0))
                defected = ttd < HORIZON
                for r in range(n_replicates):
                    row = {"strategy": strategy, "scenario": scenario, "replicate": r}
                    if credibility is not None:
                        row.update({"us.credibility": credibility, "us.alliance": alliance})
                    row.update(
                        cohesion=cohesion[r],
                        density_energy=cohesion[r] * 0.9,
                        density_military=cohesion[r] * 0.8,
                        density_economic=cohesion[r] * 0.7,
                        density_diplomatic=cohesion[r] * 0.6,
                        density_treaty=cohesion[r] * 0.5,
                        connectivity=cohesion[r] * 2,
                        aligned=int(4 - defected[r]),
                        intact=bool(cohesion[r] > 0.55),
                        energy=-cohesion[r],
                        time_to_defection=float(min(ttd[r], HORIZON)),
                        defected=bool(defected[r]),
                        us_cost=0.0 if strategy == "status_quo" else 10.0 + rng.normal(0, 1),
                    )
                    rows.append(row)
    return pd.DataFrame(rows)


def make_timeseries(n_replicates: int = 20, steps: int = HORIZON + 1, seed: int = 1) -> pd.DataFrame:
    """Per-step cohesion paths drifting towards each strategy's final level."""
    rng = np.random.default_rng(seed)
    step = np.arange(steps)
    frames = []
    for strategy, shift in SHIFTS.items():
        for r in range(n_replicates):
            path = 0.7 + shift * step / (steps - 1) + np.cumsum(rng.normal(0, 0.005, steps))
            path[0] = 0.7
            frame = pd.DataFrame(
                {"strategy": strategy, "scenario": "baseline_2025", "replicate": r, "step": step}
            )
            frame["date"] = _dates(step)
            frame["cohesion"] = path
            frame["connectivity"] = 2 * path
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def make_ties(n_replicates: int = 5, seed: int = 2) -> pd.DataFrame:
    """Directed weights at the first and last step, per layer; PRK ties fade by the horizon."""
    rng = np.random.default_rng(seed)
    rows = []
    for strategy in ("status_quo", "pyongyang_deal"):
        for r in range(n_replicates):
            for step in (0, HORIZON):
                for layer in LAYERS:
                    for s in MEMBERS:
                        for t in MEMBERS:
                            if s == t:
                                continue
                            w = rng.uniform(0.3, 0.9)
                            if step == HORIZON and strategy == "pyongyang_deal" and "PRK" in (s, t):
                                w *= 0.2
                            rows.append(
                                {
                                    "strategy": strategy,
                                    "replicate": r,
                                    "step": step,
                                    "date": _dates(np.array([step]))[0],
                                    "layer": layer,
                                    "source": s,
                                    "target": t,
                                    "weight": w,
                                }
                            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def summary() -> pd.DataFrame:
    return make_summary()


@pytest.fixture(scope="session")
def design_summary() -> pd.DataFrame:
    return make_summary(n_replicates=15, design=True)


@pytest.fixture(scope="session")
def two_scenario_summary() -> pd.DataFrame:
    return make_summary(n_replicates=12, scenarios=("baseline_2025", "hindcast_2021"))


@pytest.fixture(scope="session")
def timeseries() -> pd.DataFrame:
    return make_timeseries()


@pytest.fixture(scope="session")
def ties() -> pd.DataFrame:
    return make_ties()
