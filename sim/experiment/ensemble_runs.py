"""Many parameter points through the model, batch by batch: pattern values per world.

:func:`pattern_values` is the one place that turns a table of parameter points into model
runs. Today it builds one model per point (R replicate worlds each); when every world can
carry its own constants it becomes one model per batch, and nothing that calls it changes.
Common random numbers: every point uses the same root seed and replicate indices, so two
points differ only by their constants.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from mesa import Agent

from sim.experiment.configuration import load_scenario, load_strategy
from sim.experiment.patterns import Pattern, PatternProbe, last_step
from sim.experiment.runner import with_point
from sim.model.bloc_model import BlocModel
from sim.model.parameters import ModelParameters, RunConfig


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


def at_point(base: RunConfig, point: Mapping[str, float]) -> RunConfig:
    """``base`` with the point's values; behavioural constants are set directly (fast), any
    other dotted path through the checked configuration route."""
    constants = {
        name.removeprefix("model."): value for name, value in point.items() if name.startswith("model.")
    }
    others = {name: value for name, value in point.items() if not name.startswith("model.")}
    config = dataclasses.replace(base, model=dataclasses.replace(base.model, **constants))
    return with_point(config, others) if others else config


def historical_runs(runs: Sequence[tuple[str, str]], patterns: Sequence[Pattern]) -> list[HistoricalRun]:
    """Group the patterns by the run they are read from, in the order of ``runs``."""
    grouped = []
    for scenario, strategy in runs:
        own = tuple(p for p in patterns if p.scenario == scenario)
        if own:
            grouped.append(HistoricalRun(scenario, strategy, own))
    return grouped


def run_point(run: HistoricalRun, config: RunConfig) -> np.ndarray:
    """Pattern values (worlds, patterns) of one run at one parameter point."""
    model = BlocModel(config)
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
    bases = [run.config(model, replicates, seed) for run in runs]
    blocks = []
    for p in range(count):
        point = {name: float(values[p]) for name, values in points.items()}
        per_run = [run_point(run, at_point(base, point)) for run, base in zip(runs, bases, strict=True)]
        blocks.append(np.concatenate(per_run, axis=1))
    return np.stack(blocks)


def ordered_patterns(runs: Sequence[HistoricalRun]) -> list[Pattern]:
    """The patterns in the column order of :func:`pattern_values`."""
    return [pattern for run in runs for pattern in run.patterns]
