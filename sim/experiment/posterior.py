"""The posterior of the behavioural constants: its file, its provenance, its identifiability.

A posterior is a CSV of equally weighted draws (a ``draw`` column and one column per
dotted parameter path, the format of a parameter ensemble's draw file) beside a JSON file
saying where it came from: the data files and their checksums, the code version, the
seed, the tolerance reached and the acceptance of every generation. The shipped posterior
(``sim/data/posterior/posterior_2024.csv``) was calibrated on patterns up to the end of
2024 only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.common.errors import ConfigError
from sim.experiment.patterns import history_file
from sim.experiment.priors import Prior
from sim.experiment.provenance import code_version, package_versions
from sim.experiment.storage import atomic_write_bytes, now, write_json

if TYPE_CHECKING:
    from sim.experiment.abc import Generation
    from sim.experiment.calibration import Calibration

POSTERIOR_NAME = "posterior_2024"
CONSTRAINED = 0.5  # a constant counts as constrained when its posterior variance is below half its prior's


def shipped_posterior() -> Path:
    """The posterior shipped with the package (CSV of draws)."""
    return Path(str(resources.files("sim").joinpath("data", "posterior", f"{POSTERIOR_NAME}.csv")))


def read_posterior(path: str | Path | None = None) -> pd.DataFrame:
    """A posterior's draws; the shipped one by default."""
    path = Path(path) if path else shipped_posterior()
    if not path.is_file():
        raise ConfigError(
            "posterior",
            f"no posterior at '{path}'",
            "run experiment=calibrate (calibration.ship=true ships it)",
        )
    draws = pd.read_csv(path)
    if "draw" not in draws.columns or len(draws.columns) < 2:
        raise ConfigError("posterior", f"'{path}' needs a 'draw' column and one column per parameter")
    return draws


def write_posterior(draws: pd.DataFrame, meta: dict[str, Any], output: Path | None) -> Path:
    """Write the draws and their provenance to ``output`` (None: the package's data folder)."""
    csv_path = output / "posterior_draws.csv" if output else shipped_posterior()
    atomic_write_bytes(csv_path, draws.to_csv(index=False, float_format="%.6g").encode())
    write_json(meta, csv_path.with_suffix(".json"))
    return csv_path


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def data_versions(calibration: Calibration) -> dict[str, str]:
    """Checksums of every file the calibration read: patterns, events, start data, configs."""
    from sim.experiment.configuration import CONFIG_DIR, load_scenario
    from sim.model.calibration import data_directory

    files = [Path(calibration.spec.patterns) if calibration.spec.patterns else history_file("patterns.csv")]
    files.append(history_file("events.csv"))
    for run in calibration.runs:
        files += [
            CONFIG_DIR / "scenario" / f"{run.scenario}.yaml",
            CONFIG_DIR / "strategy" / f"{run.strategy}.yaml",
        ]
        folder = data_directory(load_scenario(run.scenario).data)
        files += sorted(folder.glob("*.csv"))
    return {str(path.relative_to(path.parents[2])): _checksum(path) for path in files}


def provenance(calibration: Calibration, history: Sequence[Generation]) -> dict[str, Any]:
    """What a reader needs to trust or redo the posterior."""
    spec = calibration.spec
    return {
        "written": now(),
        "method": "ABC-SMC (Toni et al. 2009; adaptive tolerance; Beaumont et al. 2009 kernel)",
        "distance": "root mean square over patterns of (mean over replicate worlds - observed) / tolerance",
        "patterns": [p.id for p in calibration.patterns],
        "runs": [{"scenario": r.scenario, "strategy": r.strategy} for r in calibration.runs],
        "priors": [
            {"name": p.name, "low": p.low, "high": p.high, "scale": p.scale} for p in calibration.priors
        ],
        "population": spec.population,
        "replicates_per_candidate": spec.replicates,
        "sampler_seed": spec.seed,
        "model_seed": calibration.config.seed,
        "generations": [
            {
                "generation": g.index,
                "epsilon": g.epsilon,
                "simulations": g.simulations,
                "accepted": g.accepted,
                "acceptance": round(g.acceptance, 4),
            }
            for g in history
        ],
        "final_epsilon": history[-1].epsilon,
        "simulations": int(sum(g.simulations for g in history)),
        "data": data_versions(calibration),
        "code": code_version(),
        "versions": package_versions(),
    }


def identifiability(priors: Sequence[Prior], z: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """Per constant: prior and posterior spread, contraction and a verdict.

    Contraction is 1 - posterior variance / prior variance on the unit scale of the prior
    (the prior variance is 1/12 there). Near 1 the patterns pin the constant down; near 0
    it stays at its prior (the patterns say nothing about it).
    """
    rows = []
    for k, prior in enumerate(priors):
        mean = float(np.average(z[:, k], weights=weights))
        variance = float(np.average((z[:, k] - mean) ** 2, weights=weights))
        contraction = 1.0 - variance / (1.0 / 12.0)
        quantiles = _weighted_quantiles(prior.from_unit(z[:, k]), weights, (0.05, 0.5, 0.95))
        rows.append(
            {
                "parameter": prior.name,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "scale": prior.scale,
                "posterior_median": quantiles[1],
                "posterior_q05": quantiles[0],
                "posterior_q95": quantiles[2],
                "contraction": contraction,
                "constrained": contraction >= CONSTRAINED,
            }
        )
    return pd.DataFrame(rows).sort_values("contraction", ascending=False, ignore_index=True)


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: Sequence[float]) -> list[float]:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / np.sum(weights)
    return [float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)]) for q in qs]
