"""Checks a job passes before it runs anything, so that no configuration fails halfway.

Before the first replicate runs: the scenario's data files follow their schemas; every
strategy of the job, at the lowest and at the highest value of every design parameter,
builds a one-replicate model (which runs all of the model's own checks: states,
targets, conditions, ranges); event and shock magnitudes lie in the range their kind
means; no two levers of one kind press one target at the same time (their costs would
add while their effects saturate); and the job fits in memory. A lever or an event that
falls after the horizon is legal but never acts, so it is logged as a warning. A constant
that every world draws from the ensemble (``scenario.uncertainty``) cannot also be set by
an override: the draw would silently replace the setting.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

import pandas as pd
from mesa import Agent

from sim.common.calendar import month_label, month_offset, parse_month
from sim.common.errors import ConfigError
from sim.experiment.configuration import Config
from sim.experiment.data_schemas import check_data_folder
from sim.experiment.designs import POINT, build_design, design_chunk
from sim.experiment.ensembles import read_draws
from sim.experiment.keys import check_mapping_keys
from sim.experiment.memory_limit import available_memory, gigabytes, job_estimate
from sim.experiment.runner import check_design, job_strategies, with_point
from sim.model.bloc_model import BlocModel
from sim.model.parameters import LeverConfig, RunConfig, ScenarioConfig, StrategyConfig
from sim.model.paths import get_path

log = logging.getLogger("sim")

EVENT_MAGNITUDES: dict[str, tuple[float, float]] = {
    "war": (0.0, 1.0),
    "sanctions": (0.0, 1.0),
    "treaty": (0.0, 1.0),
    "abandonment": (0.0, 1.0),
    "trust": (-1.0, 1.0),
    "tie": (-1.0, 1.0),
    "oil_price": (0.0, 5.0),
}
"""What a magnitude means per kind: a war intensity, the share of the gap to full sanctions
closed, a treaty tie, a trust loss, a trust or tie change, a multiplier of oil revenue.
A ceasefire has no magnitude."""


def preflight(config: Config) -> None:
    """Raise :class:`ConfigError` for anything that would fail or mislead once jobs run."""
    check_data_folder(config.scenario.data)
    check_design(config)
    check_ensemble_overlap(config)
    strategies = job_strategies(config)
    base = RunConfig(**{f.name: getattr(config, f.name) for f in dataclasses.fields(RunConfig)})
    warnings: dict[str, None] = {}
    extremes = design_extremes(build_design(config.design))
    for strategy in strategies:
        check_lever_overlaps(strategy)
        for which, point in extremes:
            run = with_point(dataclasses.replace(base, strategy=strategy), point)
            try:
                check_configuration(run)
            except ConfigError as error:
                if not point:
                    raise
                raise ConfigError("design", f"at its {which} values: {error}") from None
            warnings.update(dict.fromkeys(timing_warnings(run)))
    for warning in warnings:
        log.warning("%s", warning)
    points, _ = design_chunk(config.design)
    check_memory(config, configurations=len(strategies) * len(points))


def check_ensemble_overlap(config: Config) -> None:
    """Refuse a model constant drawn by the ensemble that an override also sets.

    Every world takes the ensemble's value, so the override would be ignored without a
    word (the runner refuses design parameters the ensemble draws). Overrides are
    recognised for the model's constants, whose default is the schema's; a scenario's own
    values differ from the schema by design.
    """
    spec = config.scenario.uncertainty
    table = read_draws(spec)
    drawn = set(table.values) if table is not None else {p.name for p in spec.parameters}
    source = f"the draws of {spec.file}" if table is not None else "scenario.uncertainty.parameters"
    undo = "scenario.uncertainty.file=null" if table is not None else "scenario.uncertainty.parameters=[]"
    schema = Config()
    for path in sorted(p for p in drawn if p.startswith("model.")):
        value, default = get_path(config, path), get_path(schema, path)
        if value != default:
            raise ConfigError(
                path,
                f"set to {value}, but every world draws it from {source}, so the setting would be ignored",
                f"drop the setting (default {default}), or add {undo}",
            )


def design_extremes(design: pd.DataFrame) -> list[tuple[str, dict[str, float]]]:
    """The all-lowest and all-highest points of a design (one empty point without parameters)."""
    columns = [name for name in design.columns if name != POINT]
    if not columns:
        return [("", {})]
    return [
        ("lowest", {name: float(design[name].min()) for name in columns}),
        ("highest", {name: float(design[name].max()) for name in columns}),
    ]


def check_configuration(run: RunConfig) -> None:
    """All checks of one configuration: mapping keys, magnitudes, and the model's own."""
    check_mapping_keys(run)
    check_magnitudes(run.scenario)
    model = BlocModel(run, replicates=1)
    Agent._ids.pop(model, None)  # Mesa keeps every model in a class registry


def check_magnitudes(scenario: ScenarioConfig) -> None:
    """Event and random-shock magnitudes must lie in the range their kind gives them."""
    items = [(f"scenario.events[{k}]", e.kind, e.magnitude) for k, e in enumerate(scenario.events)]
    shocks = enumerate(scenario.random_shocks)
    items += [(f"scenario.random_shocks[{k}]", s.kind, s.magnitude) for k, s in shocks]
    for key, kind, magnitude in items:
        bounds = EVENT_MAGNITUDES.get(str(getattr(kind, "value", kind)))
        if bounds is not None and not bounds[0] <= magnitude <= bounds[1]:
            raise ConfigError(
                f"{key}.magnitude", f"{magnitude} is out of range for a '{kind}' event", list(bounds)
            )


def check_lever_overlaps(strategy: StrategyConfig) -> None:
    """Two levers of one kind on one target may not act in the same months."""
    for k, lever in enumerate(strategy.levers):
        for j, other in enumerate(strategy.levers[:k]):
            if (lever.kind, lever.target) == (other.kind, other.target) and _overlap(lever, other):
                raise ConfigError(
                    f"strategy.levers[{k}] of '{strategy.name}'",
                    f"a second '{lever.kind}' lever on {lever.target} while levers[{j}] acts "
                    "(its cost would count twice while the intensity saturates at 1)",
                    "one lever per kind and target at a time: raise its intensity or set start/end",
                )


def _overlap(first: LeverConfig, second: LeverConfig) -> bool:
    end_first = first.end if first.end is not None else float("inf")
    end_second = second.end if second.end is not None else float("inf")
    return first.start < end_second and second.start < end_first


def timing_warnings(run: RunConfig) -> Iterable[str]:
    """Levers and events that fall after the horizon: legal, but they never act."""
    start = parse_month("scenario.start", run.scenario.start)
    last = month_label(start, run.horizon - 1)
    for k, lever in enumerate(run.strategy.levers):
        if lever.start >= run.horizon:
            yield (
                f"strategy '{run.strategy.name}' levers[{k}] starts in month {lever.start}, after the "
                f"horizon of {run.horizon} months: it never acts"
            )
    for k, event in enumerate(run.scenario.events):
        key = f"scenario.events[{k}]"
        if month_offset(start, parse_month(f"{key}.date", event.date)) >= run.horizon:
            yield f"{key} ({event.date}, {event.kind}) is after the last month {last}: it never acts"


def check_memory(config: Config, configurations: int) -> None:
    """Refuse a job whose planned peak memory exceeds what is available, saying what would fit."""
    planned = job_estimate(config, configurations)
    available = available_memory()
    if planned.total <= available:
        return
    fit = round_down(planned.replicates_that_fit(available))
    first = config.first_replicate
    options = []
    if fit > 0:
        options.append(
            f"-m replicates={fit} 'first_replicate=range({first},{first + config.replicates},{fit})'"
        )
    if configurations > 1:
        options.append("fewer configurations per job (design.chunk_size, experiment.strategies)")
    if config.record_timeseries or config.record_ties:
        options.append("record_timeseries=false record_ties=false")
    raise ConfigError(
        "replicates",
        f"this job needs about {gigabytes(planned.total)} of memory ({configurations} configuration(s) x "
        f"{config.replicates} replicates), {gigabytes(available)} is available",
        "; or ".join(options),
    )


def round_down(count: int) -> int:
    """``count`` rounded down to two significant digits (a replicate count people can type)."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count // step * step
