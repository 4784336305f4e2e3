"""Running a job: every (strategy, design point) of its chunk over its replicates, in batches of worlds.

The runner turns a validated :class:`~sim.experiment.configuration.Config` into tables; it never
writes files or figures (that is :mod:`sim.experiment.storage` and :mod:`sim.publish.figures`).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from mesa import Agent
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException
from tqdm.auto import tqdm

from sim.common.errors import ConfigError
from sim.common.vocabulary import RUN_TABLES
from sim.experiment.configuration import Config, load_strategy
from sim.experiment.designs import POINT, design_chunk
from sim.experiment.ensembles import read_draws
from sim.experiment.memory import (
    MemoryPlan,
    batches_freed_as_they_finish,
    plan_memory,
    release_freed_memory,
)
from sim.model.bloc_model import BlocModel
from sim.model.ensembles import DrawTable
from sim.model.parameters import RunConfig, StrategyConfig
from sim.model.paths import check_settable
from sim.model.worlds import Worlds

log = logging.getLogger("sim")


@dataclass
class JobTables:
    """The tables a job produces, each with configuration columns in front."""

    summary: pd.DataFrame
    timeseries: pd.DataFrame | None
    ties: pd.DataFrame | None
    n_chunks: int
    memory: MemoryPlan | None = None
    """How the worlds were batched and the memory planned (its peak is logged once written)."""

    def as_dict(self) -> dict[str, pd.DataFrame]:
        tables = {"summary": self.summary, "timeseries": self.timeseries, "ties": self.ties}
        return {name: table for name, table in tables.items() if table is not None}


def job_strategies(config: Config) -> list[StrategyConfig]:
    """The strategies this job runs: the experiment's list, else the chosen strategy."""
    if config.experiment.strategies:
        return [load_strategy(name) for name in config.experiment.strategies]
    return [config.strategy]


def with_point(base: RunConfig, point: dict[str, float]) -> RunConfig:
    """``base`` with each dotted parameter path set to its design value (through OmegaConf,
    as jobs built each point's configuration before they ran design chunks as batches)."""
    node = OmegaConf.structured(base)
    for name, value in point.items():
        check_settable(base, name)
        try:
            OmegaConf.update(node, name, float(value), force_add=True)
        except OmegaConfBaseException as error:
            raise ConfigError(f"design.parameters: {name}", str(error).splitlines()[0]) from error
    return OmegaConf.to_object(node)


def check_design(config: Config) -> None:
    """Fail before running anything if a design parameter is not a numeric parameter of
    the configuration of every strategy the job runs (lever paths depend on the strategy)."""
    base = run_config(config)
    for strategy in job_strategies(config):
        run = dataclasses.replace(base, strategy=strategy)
        for spec in config.design.parameters:
            check_settable(run, spec.name, key=f"design.parameters (strategy {strategy.name})")
    design_chunk(config.design)


def configurations(
    config: Config, points: pd.DataFrame
) -> Iterator[tuple[StrategyConfig, dict[str, float], RunConfig]]:
    """Every (strategy, design point) of this job as a ready-to-run :class:`RunConfig`."""
    base = run_config(config)
    for strategy in job_strategies(config):
        for row in points.to_dict("records"):
            point = {key: value for key, value in row.items() if key != POINT}
            run = with_point(dataclasses.replace(base, strategy=strategy), point)
            yield strategy, {POINT: int(row[POINT]), **point}, run


def run_config(config: Config) -> RunConfig:
    """The model's part of a job's configuration."""
    return RunConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(RunConfig)})


def job_worlds(config: Config, points: pd.DataFrame) -> Worlds:
    """Every (design point, replicate) of the job's chunk, point by point."""
    replicates = np.arange(config.first_replicate, config.first_replicate + config.replicates)
    values = {name: points[name].to_numpy(dtype=float) for name in points.columns if name != POINT}
    return Worlds.product(values, replicates, point_ids=points[POINT].to_numpy())


def run_job(config: Config, progress: bool = True) -> JobTables:
    """Run the job's chunk: per strategy, its worlds in batches that fit the memory budget."""
    points, n_chunks = design_chunk(config.design)
    worlds = job_worlds(config, points)
    strategies = job_strategies(config)
    plan = plan_memory(config, len(worlds), len(strategies))
    batches = list(worlds.batches(plan.batch_worlds))
    plan = dataclasses.replace(plan, batches=len(strategies) * len(batches))
    log.info("%s", plan.describe())
    draws = read_draws(config.scenario.uncertainty)
    pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in RUN_TABLES}
    base = run_config(config)
    bar = tqdm(total=plan.batches, desc="batches", disable=not progress or plan.batches < 2)
    with bar, batches_freed_as_they_finish():
        for strategy in strategies:
            run = with_point(dataclasses.replace(base, strategy=strategy), {})
            tables = [_batch_tables(config, run, batch, draws, bar) for batch in batches]
            for name in RUN_TABLES:
                frames = [batch_tables[name] for batch_tables in tables if name in batch_tables]
                pieces[name] += _point_by_point(frames, name, batches)
    return dataclasses.replace(_stack(pieces, n_chunks), memory=plan)


def _batch_tables(
    config: Config, run: RunConfig, batch: Worlds, draws: DrawTable | None, bar: tqdm
) -> dict[str, pd.DataFrame]:
    """The tables of one batch of worlds, with the job's labels in front."""
    model = BlocModel(run, worlds=batch, draws=draws).run()
    tables = {}
    for table, columns in _tables(model, config).items():
        index = model.recorder.world_index(table)
        labels = {
            "scenario": config.scenario.name,
            "strategy": run.strategy.name,
            POINT: batch.point[index],
            **{name: column[index] for name, column in batch.values.items()},
        }
        tables[table] = _labelled(columns, labels)
    # Mesa 3.3's Agent._ids holds every model ever built (mesa/mesa#3179): drop it, or
    # each batch's records stay in memory until the job ends
    Agent._ids.pop(model, None)
    del model
    release_freed_memory()
    bar.update()
    return tables


def _point_by_point(frames: list[pd.DataFrame], name: str, batches: list[Worlds]) -> list[pd.DataFrame]:
    """A point's rows month by month, as one model of the point lists them, also when the
    point was too large for one batch (its replicates then ran in several)."""
    if name == "summary" or not frames or not _splits_a_point(batches):
        return frames
    joined = pd.concat(frames, ignore_index=True)
    return [joined.sort_values([POINT, "step"], kind="stable", ignore_index=True)]


def _splits_a_point(batches: list[Worlds]) -> bool:
    """True when some point's worlds are spread over more than one batch."""
    return any(int(a.point[-1]) == int(b.point[0]) for a, b in itertools.pairwise(batches))


def run_job_point_by_point(config: Config, progress: bool = True) -> JobTables:
    """The reference path: one model per (strategy, design point), R replicates each.

    :func:`run_job` gives the same tables bit for bit (a test checks it); this path is
    kept to check and to measure it (``benchmarks/design_throughput.py``).
    """
    points, n_chunks = design_chunk(config.design)
    draws = read_draws(config.scenario.uncertainty)
    pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in RUN_TABLES}
    runs = list(configurations(config, points))
    for strategy, point, run in tqdm(runs, desc="configurations", disable=not progress or len(runs) < 2):
        model = BlocModel(run, first_replicate=config.first_replicate, draws=draws).run()
        labels = {"scenario": run.scenario.name, "strategy": strategy.name, **point}
        for table, columns in _tables(model, config).items():
            pieces[table].append(_labelled(columns, labels))
        Agent._ids.pop(model, None)
    return _stack(pieces, n_chunks)


def _tables(model: BlocModel, config: Config) -> dict[str, dict[str, np.ndarray]]:
    """The tables the job keeps, as the model's columns."""
    tables = {"summary": model.recorder.summary()}
    if config.record_timeseries:
        tables["timeseries"] = model.recorder.timeseries()
    if config.record_ties:
        tables["ties"] = model.recorder.ties_table()
    return tables


def _stack(pieces: dict[str, list[pd.DataFrame]], n_chunks: int) -> JobTables:
    stacked = {
        name: pd.concat(frames, ignore_index=True) if frames else None for name, frames in pieces.items()
    }
    return JobTables(stacked["summary"], stacked["timeseries"], stacked["ties"], n_chunks)


def _labelled(columns: dict[str, np.ndarray], labels: dict[str, object]) -> pd.DataFrame:
    """The model's columns as a table with the configuration's labels in front
    (a label is one value for every row, or one per row)."""
    frame = pd.DataFrame(columns)
    front = pd.DataFrame(
        {key: value if np.ndim(value) else [value] * len(frame) for key, value in labels.items()}
    )
    return pd.concat([front, frame], axis=1)
