"""Many parameter points through the model in one batch: pattern values per world.

:func:`pattern_values` is the one place that turns a table of parameter points into model
runs: one model per historical run advances every (point, replicate) world at once, each
world carrying its own constants (:class:`~sim.model.worlds.Worlds`). Common random
numbers: replicate r meets the same decision noise at every point, so two points differ
only by their constants.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from mesa import Agent

from sim.experiment.configuration import load_scenario, load_strategy
from sim.experiment.patterns import Pattern, PatternProbe, last_step
from sim.model.bloc_model import BlocModel
from sim.model.parameters import ModelParameters, RunConfig
from sim.model.worlds import Worlds


@dataclass(frozen=True)
class HistoricalRun:
    """A scenario under a strategy, long enough to record its patterns."""

    scenario: str
    strategy: str
    patterns: tuple[Pattern, ...]

    def config(self, model: ModelParameters, replicates: int, seed: int) -> RunConfig:
        scenario = load_scenario(self.scenario)
        return RunConfig(
            scenario=scenario,
            strategy=load_strategy(self.strategy),
            model=dataclasses.replace(model),
            replicates=replicates,
            horizon=max(1, last_step(self.patterns, scenario.start)),
            seed=seed,
            record_timeseries=False,
        )


def historical_runs(runs: Sequence[tuple[str, str]], patterns: Sequence[Pattern]) -> list[HistoricalRun]:
    """Group the patterns by the run they are read from, in the order of ``runs``."""
    grouped = []
    for scenario, strategy in runs:
        own = tuple(p for p in patterns if p.scenario == scenario)
        if own:
            grouped.append(HistoricalRun(scenario, strategy, own))
    return grouped


def run_points(run: HistoricalRun, config: RunConfig, worlds: Worlds) -> np.ndarray:
    """Pattern values (worlds, patterns) of one run over a table of worlds."""
    model = BlocModel(config, worlds=worlds)
    values = PatternProbe(model, run.patterns).run()
    Agent._ids.pop(model, None)  # Mesa keeps every model in a registry (see runner.run_job)
    return values


def pattern_values(
    runs: Sequence[HistoricalRun],
    points: Mapping[str, np.ndarray],
    replicates: int,
    seed: int,
    model: ModelParameters | None = None,
) -> np.ndarray:
    """Every pattern of every run at every point: an array (points, replicates, patterns).

    ``points`` maps dotted parameter paths to one value per point; the other constants are
    those of ``model`` (default: the documented defaults).
    """
    model = model or ModelParameters()
    count = len(next(iter(points.values()))) if points else 1
    worlds = Worlds.product(
        {name: np.asarray(values, dtype=float) for name, values in points.items()},
        range(replicates),
        np.arange(count),
    )
    per_run = [
        run_points(run, run.config(model, replicates, seed), worlds).reshape(count, replicates, -1)
        for run in runs
    ]
    return np.concatenate(per_run, axis=2)


def ordered_patterns(runs: Sequence[HistoricalRun]) -> list[Pattern]:
    """The patterns in the column order of :func:`pattern_values`."""
    return [pattern for run in runs for pattern in run.patterns]
