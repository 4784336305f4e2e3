"""Running a job: every (strategy, design point) of its chunk over its replicates.

The runner turns a validated :class:`~sim.experiment.configuration.Config` into tables; it never
writes files or figures (that is :mod:`sim.experiment.storage` and :mod:`sim.publish.figures`).
"""

from __future__ import annotations

import dataclasses
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
from sim.model.bloc_model import BlocModel
from sim.model.parameters import RunConfig, StrategyConfig


@dataclass
class JobTables:
    """The tables a job produces, each with configuration columns in front."""

    summary: pd.DataFrame
    timeseries: pd.DataFrame | None
    ties: pd.DataFrame | None
    n_chunks: int

    def as_dict(self) -> dict[str, pd.DataFrame]:
        tables = {"summary": self.summary, "timeseries": self.timeseries, "ties": self.ties}
        return {name: table for name, table in tables.items() if table is not None}


def job_strategies(config: Config) -> list[StrategyConfig]:
    """The strategies this job runs: the experiment's list, else the chosen strategy."""
    if config.experiment.strategies:
        return [load_strategy(name) for name in config.experiment.strategies]
    return [config.strategy]


def with_point(base: RunConfig, point: dict[str, float]) -> RunConfig:
    """``base`` with each dotted parameter path set to its design value."""
    node = OmegaConf.structured(base)
    for name, value in point.items():
        _check_settable(node, name)
        try:
            OmegaConf.update(node, name, float(value), force_add=True)
        except OmegaConfBaseException as error:
            raise ConfigError(f"design.parameters: {name}", str(error).splitlines()[0]) from error
    return OmegaConf.to_object(node)


def _check_settable(node, name: str) -> None:
    """A path is settable if it exists, or if it adds a key under a free-form mapping."""
    parts = name.split(".")
    allowed = "a dotted path such as model.rationality, scenario.us.credibility or scenario.tie_scale.RUS_PRK"
    if parts[0] not in ("scenario", "strategy", "model"):
        raise ConfigError(f"design.parameters: {name}", "not a parameter of the model", allowed)
    for depth in range(len(parts), 0, -1):
        found = OmegaConf.select(node, ".".join(parts[:depth]), throw_on_missing=False)
        if found is None:
            continue
        free_form = OmegaConf.is_dict(found) and OmegaConf.get_type(found) is dict
        if depth == len(parts) or free_form:
            return
        break
    raise ConfigError(f"design.parameters: {name}", "not a parameter of the model", allowed)


def check_design(config: Config) -> None:
    """Fail before running anything if a design parameter is not a settable model path."""
    node = OmegaConf.structured(RunConfig)
    for spec in config.design.parameters:
        _check_settable(node, spec.name)
    design_chunk(config.design)


def configurations(
    config: Config, points: pd.DataFrame
) -> Iterator[tuple[StrategyConfig, dict[str, float], RunConfig]]:
    """Every (strategy, design point) of this job as a ready-to-run :class:`RunConfig`."""
    base = RunConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(RunConfig)})
    for strategy in job_strategies(config):
        for row in points.to_dict("records"):
            point = {key: value for key, value in row.items() if key != POINT}
            run = with_point(dataclasses.replace(base, strategy=strategy), point)
            yield strategy, {POINT: int(row[POINT]), **point}, run


def run_job(config: Config, progress: bool = True) -> JobTables:
    """Run every configuration of the job and stack their tables."""
    points, n_chunks = design_chunk(config.design)
    pieces: dict[str, list[pd.DataFrame]] = {name: [] for name in RUN_TABLES}
    runs = list(configurations(config, points))
    for strategy, point, run in tqdm(runs, desc="configurations", disable=not progress or len(runs) < 2):
        model = BlocModel(run, first_replicate=config.first_replicate).run()
        labels = {"scenario": run.scenario.name, "strategy": strategy.name, **point}
        pieces["summary"].append(_labelled(model.recorder.summary(), labels))
        if config.record_timeseries:
            pieces["timeseries"].append(_labelled(model.recorder.timeseries(), labels))
        if config.record_ties:
            pieces["ties"].append(_labelled(model.recorder.ties_table(), labels))
        # Mesa 3.3's Agent._ids holds every model ever built (mesa/mesa#3179): drop it, or
        # each configuration's records stay in memory until the job ends
        Agent._ids.pop(model, None)
    stacked = {
        name: pd.concat(frames, ignore_index=True) if frames else None for name, frames in pieces.items()
    }
    return JobTables(stacked["summary"], stacked["timeseries"], stacked["ties"], n_chunks)


def _labelled(columns: dict[str, np.ndarray], labels: dict[str, object]) -> pd.DataFrame:
    """The model's columns as a table with the configuration's labels in front."""
    frame = pd.DataFrame(columns)
    front = pd.DataFrame({key: [value] * len(frame) for key, value in labels.items()})
    return pd.concat([front, frame], axis=1)
