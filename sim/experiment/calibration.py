"""The calibration job: ABC-SMC of the behavioural constants against the historical patterns.

``experiment=calibrate`` runs it through ``experiments/run.py``. Each finished generation
is saved under ``generations/`` in the run directory before the next starts, with the
sampler's random state, so the same command with the same ``hydra.run.dir`` resumes from
the last finished generation after a kill (locally or as a SLURM job). At the end it
writes the posterior (weighted particles and equally weighted draws with their
provenance), the posterior-predictive values of every pattern, the identifiability table
and the tolerance schedule; ``sim.analysis`` draws the figures and tables from them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.common.errors import ConfigError
from sim.experiment.abc import Generation, SmcSettings, resample, run_smc
from sim.experiment.calibration_config import CalibrationConfig
from sim.experiment.configuration import Config, plain
from sim.experiment.ensemble_runs import HistoricalRun, historical_runs, ordered_patterns, pattern_values
from sim.experiment.patterns import Pattern, distance, load_patterns
from sim.experiment.posterior import identifiability, provenance, write_posterior
from sim.experiment.priors import Prior, make_priors, to_values
from sim.experiment.storage import atomic_write_bytes

log = logging.getLogger("sim")
GENERATIONS = "generations"


@dataclass
class Calibration:
    """Everything a calibration needs, built once from the configuration."""

    spec: CalibrationConfig
    config: Config
    priors: list[Prior]
    runs: list[HistoricalRun]
    patterns: list[Pattern]

    @classmethod
    def from_config(cls, config: Config) -> Calibration:
        spec = config.calibration
        patterns = load_patterns(spec.patterns, use=spec.use)
        if not patterns:
            raise ConfigError(
                "calibration.use", f"no pattern has use '{spec.use}'", ["calibration", "forecast"]
            )
        runs = historical_runs([(r.scenario, r.strategy) for r in spec.runs], patterns)
        unread = sorted({p.scenario for p in patterns} - {run.scenario for run in runs})
        if unread:
            raise ConfigError("calibration.runs", f"no run reads the patterns of {unread}")
        priors = make_priors([(p.name, p.low, p.high, p.scale) for p in spec.parameters])
        return cls(spec, config, priors, runs, ordered_patterns(runs))

    def settings(self) -> SmcSettings:
        s = self.spec
        return SmcSettings(
            s.population, s.generations, s.batch, s.max_batches, s.quantile, s.min_epsilon, s.min_acceptance
        )

    def simulate(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distances and mean pattern values of unit-cube points (one batch)."""
        values = pattern_values(
            self.runs, to_values(self.priors, z), self.spec.replicates, self.config.seed, self.config.model
        )
        summaries = values.mean(axis=1)
        return distance(summaries, self.patterns), summaries

    def values_frame(self, z: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(to_values(self.priors, z))


def _save_generation(directory: Path, generation: Generation, rng: np.random.Generator) -> None:
    """Arrays first, then the state file that makes the generation count as finished."""
    buffer_path = directory / f"gen_{generation.index:03d}.npz"
    directory.mkdir(parents=True, exist_ok=True)
    with open(buffer_path.with_suffix(".tmp"), "wb") as stream:
        np.savez(
            stream,
            z=generation.z,
            weights=generation.weights,
            distances=generation.distances,
            summaries=generation.summaries,
        )
    buffer_path.with_suffix(".tmp").replace(buffer_path)
    state = {
        "index": generation.index,
        "epsilon": generation.epsilon,
        "simulations": generation.simulations,
        "accepted": generation.accepted,
        "rng": rng.bit_generator.state,
    }
    atomic_write_bytes(
        directory / f"gen_{generation.index:03d}.json", json.dumps(state, default=int).encode()
    )


def _load_history(directory: Path, rng: np.random.Generator, fingerprint: str) -> list[Generation]:
    """Finished generations of an interrupted run with the same settings, oldest first."""
    marker = directory / "settings.json"
    if not marker.is_file():
        return []
    if json.loads(marker.read_text())["fingerprint"] != fingerprint:
        raise ConfigError(
            "hydra.run.dir",
            f"{directory} holds a calibration with other settings; nothing there is overwritten",
            "a new run directory, or the settings of the interrupted run",
        )
    history = []
    for state_path in sorted(directory.glob("gen_*.json")):
        state = json.loads(state_path.read_text())
        arrays = np.load(state_path.with_suffix(".npz"))
        history.append(
            Generation(
                state["index"],
                arrays["z"],
                arrays["weights"],
                arrays["distances"],
                arrays["summaries"],
                state["epsilon"],
                state["simulations"],
                state["accepted"],
            )
        )
        rng.bit_generator.state = state["rng"]
    if history:
        log.info("resuming the calibration after generation %d", history[-1].index)
    return history


def calibrate(config: Config, output: Path) -> dict[str, pd.DataFrame]:
    """Run (or resume) the calibration into ``output``; return the tables it produced."""
    calibration = Calibration.from_config(config)
    spec = calibration.spec
    rng = np.random.default_rng(spec.seed)
    directory = output / GENERATIONS
    fingerprint = json.dumps(
        {"calibration": plain(spec), "model": plain(config.model), "seed": config.seed}, sort_keys=True
    )
    history = _load_history(directory, rng, fingerprint)
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(directory / "settings.json", json.dumps({"fingerprint": fingerprint}).encode())

    def report(generation: Generation, generator: np.random.Generator) -> None:
        _save_generation(directory, generation, generator)
        log.info(
            "generation %d: tolerance %.3f, %d simulated, %d kept (acceptance %.2f), ESS %.0f",
            generation.index,
            generation.epsilon,
            generation.simulations,
            generation.accepted,
            generation.acceptance,
            generation.effective_size(),
        )

    history = run_smc(
        calibration.simulate, len(calibration.priors), calibration.settings(), rng, history, report
    )
    return _results(calibration, history, rng, output)


def _results(
    calibration: Calibration, history: list[Generation], rng: np.random.Generator, output: Path
) -> dict[str, pd.DataFrame]:
    spec, final = calibration.spec, history[-1]
    names = [prior.name for prior in calibration.priors]
    particles = calibration.values_frame(final.z).assign(weight=final.weights, distance=final.distances)
    particles.insert(0, "particle", np.arange(len(particles)))
    chosen = resample(final, spec.posterior_draws, rng)
    draws = calibration.values_frame(final.z[chosen])
    draws.insert(0, "draw", np.arange(len(draws)))
    predictive = _predictive(calibration, draws.head(spec.predictive_draws))
    generations = pd.DataFrame(
        {
            "generation": [g.index for g in history],
            "epsilon": [g.epsilon for g in history],
            "simulations": [g.simulations for g in history],
            "accepted": [g.accepted for g in history],
            "acceptance": [g.acceptance for g in history],
            "effective_size": [g.effective_size() for g in history],
        }
    )
    identifiable = identifiability(calibration.priors, final.z, final.weights)
    meta = provenance(calibration, history)
    write_posterior(draws, meta, output)
    if spec.ship:
        write_posterior(draws, meta, None)
    log.info(
        "posterior of %d constants from %d simulations", len(names), int(generations["simulations"].sum())
    )
    return {
        "posterior": particles,
        "posterior_draws": draws,
        "predictive": predictive,
        "patterns": _patterns_frame(calibration.patterns),
        "identifiability": identifiable,
        "generations": generations,
    }


def _predictive(calibration: Calibration, draws: pd.DataFrame) -> pd.DataFrame:
    """Every pattern in every world of every posterior draw: (draw, replicate, pattern, value)."""
    points = {name: draws[name].to_numpy() for name in draws.columns if name != "draw"}
    values = pattern_values(
        calibration.runs,
        points,
        calibration.spec.predictive_replicates,
        calibration.config.seed,
        calibration.config.model,
    )
    ids = [pattern.id for pattern in calibration.patterns]
    draw, replicate, pattern = np.meshgrid(
        draws["draw"].to_numpy(), np.arange(values.shape[1]), ids, indexing="ij"
    )
    return pd.DataFrame(
        {
            "draw": draw.ravel(),
            "replicate": replicate.ravel(),
            "pattern": pattern.ravel(),
            "value": values.ravel(),
        }
    )


def _patterns_frame(patterns: list[Pattern]) -> pd.DataFrame:
    return pd.DataFrame([vars(p) for p in patterns])
