"""From a run configuration and a table of worlds to what the model reads, world by world.

Behavioural constants (``model.*``) are set straight to arrays over worlds: the
equations read a constant by name and get a scalar when every world shares it, an array
of shape (W,) when worlds differ. Everything else a world may vary (scenario figures that
enter the calibration, lever settings, US capacities, shocks) is compiled once per
distinct combination of the values that enter it, then stacked: a leaf that differs
between worlds becomes an array over worlds, a leaf that does not keeps its usual form.
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from sim.common.calendar import parse_month
from sim.common.errors import ConfigError
from sim.model.calibration import CALIBRATION_INPUTS, Calibration, load_calibration
from sim.model.events import Event, compile_events
from sim.model.parameters import (
    AdaptiveConfig,
    CrnMode,
    ModelParameters,
    RandomShockConfig,
    RunConfig,
    USConfig,
    kind_of,
)
from sim.model.paths import check_settable, set_path, set_paths
from sim.model.seeding import stable_hash
from sim.model.strategies import Lever, compile_strategy
from sim.model.worlds import Worlds

T = TypeVar("T")

# Which configuration paths enter which compiled part (paths under ``model.`` also enter
# the behavioural constants, which every world reads directly).
INPUTS: dict[str, tuple[str, ...]] = {
    "calibration": CALIBRATION_INPUTS,
    "levers": ("strategy.levers", "model.lever_costs"),
    "events": ("scenario.events",),
    "random shocks": ("scenario.random_shocks",),
    "US": ("scenario.us",),
    "adaptive US": ("strategy.adaptive",),
}


def stream_identity(config: RunConfig) -> str:
    """Identity of the random streams: the scenario (common random numbers) or the whole configuration."""
    if kind_of("scenario.crn", config.scenario.crn, CrnMode, "mode") == CrnMode.scenario:
        return f"scenario:{config.scenario.name}"
    world = (config.scenario, config.strategy, config.model)
    return f"configuration:{stable_hash(repr(world))}"


@dataclass
class Resolved:
    """Every input of the model, with per-world arrays where worlds differ."""

    params: ModelParameters
    calibration: Calibration
    levers: tuple[Lever, ...]
    events: tuple[Event, ...]
    random_shocks: tuple[RandomShockConfig, ...]
    us: USConfig
    adaptive: AdaptiveConfig
    identities: list[str]  # distinct stream identities
    identity_of_world: np.ndarray  # (W,) index into identities


def resolve(config: RunConfig, worlds: Worlds) -> Resolved:
    """Check the worlds' parameter values and compile the configuration for every world."""
    for path, column in worlds.values.items():
        _check_values(config, path, column)
        if not path.startswith("model.") and not any(_enters(path, inputs) for inputs in INPUTS.values()):
            raise ConfigError(f"worlds: {path}", "cannot differ between the worlds of one model")
    params = config.model
    for path, column in worlds.values.items():
        if path.startswith("model."):
            params = set_path(params, path.removeprefix("model."), column)
    states = tuple(config.scenario.states)
    start = parse_month("scenario.start", config.scenario.start)

    def part(name: str, build: Callable[[RunConfig], T]) -> T:
        return _per_world(config, worlds, INPUTS[name], build, name)

    calibration = part("calibration", lambda c: load_calibration(c.scenario, c.model))
    identities, identity_of_world = _identities(config, worlds)
    return Resolved(
        params=params,
        calibration=calibration,
        levers=part("levers", lambda c: compile_strategy(c.strategy, states, c.model)),
        events=part("events", lambda c: compile_events(c.scenario.events, states, start)),
        random_shocks=part("random shocks", lambda c: tuple(c.scenario.random_shocks)),
        us=part("US", lambda c: c.scenario.us),
        adaptive=part("adaptive US", lambda c: c.strategy.adaptive),
        identities=identities,
        identity_of_world=identity_of_world,
    )


def _check_values(config: RunConfig, path: str, column: np.ndarray) -> None:
    bounds = check_settable(config, path, key="worlds")
    if bounds is None:
        return
    low, high = bounds
    outside = column[(column < low) | (column > high)]
    if len(outside):
        raise ConfigError(path, f"value {outside[0]} is out of range", f"[{low}, {high}]")


def _enters(path: str, inputs: Sequence[str]) -> bool:
    return any(path == prefix or path.startswith(prefix + ".") for prefix in inputs)


def _distinct_rows(worlds: Worlds, paths: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct combinations of values of ``paths`` and, per world, which one it has."""
    table = np.stack([worlds.values[path] for path in paths], axis=1)
    rows, inverse = np.unique(table, axis=0, return_inverse=True)
    return rows, inverse.reshape(-1)


def _per_world(
    config: RunConfig,
    worlds: Worlds,
    inputs: Sequence[str],
    build: Callable[[RunConfig], T],
    what: str,
) -> T:
    """``build`` once per distinct combination of the values that enter it, stacked over worlds."""
    paths = [path for path in worlds.values if _enters(path, inputs)]
    if not paths:
        return build(config)
    rows, inverse = _distinct_rows(worlds, paths)
    built = [build(set_paths(config, dict(zip(paths, row, strict=True)))) for row in rows]
    return stack(built, inverse, what)


def _identities(config: RunConfig, worlds: Worlds) -> tuple[list[str], np.ndarray]:
    """Stream identities: one under common random numbers, else one per distinct configuration."""
    if config.scenario.crn != "configuration" or not worlds.values:
        return [stream_identity(config)], np.zeros(len(worlds), dtype=np.int64)
    paths = list(worlds.values)
    rows, inverse = _distinct_rows(worlds, paths)
    identities = [stream_identity(set_paths(config, dict(zip(paths, row, strict=True)))) for row in rows]
    return identities, inverse


def stack(objects: list[Any], inverse: np.ndarray, what: str) -> Any:
    """One object whose leaves are common values, or arrays over worlds where the objects differ.

    ``objects`` share their structure (the same dataclass, keys, lengths and labels);
    numbers and arrays may differ. World ``w`` takes its values from ``objects[inverse[w]]``.
    """
    first = objects[0]
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        changes = {
            spec.name: stack([getattr(o, spec.name) for o in objects], inverse, f"{what}.{spec.name}")
            for spec in dataclasses.fields(first)
        }
        return dataclasses.replace(first, **changes)
    if isinstance(first, tuple | list):
        if any(len(o) != len(first) for o in objects):
            raise ConfigError(what, "cannot differ in length between the worlds of one model")
        items = [stack([o[k] for o in objects], inverse, f"{what}[{k}]") for k in range(len(first))]
        return type(first)(items)
    if isinstance(first, dict):
        if any(o.keys() != first.keys() for o in objects):
            raise ConfigError(what, "cannot differ in its keys between the worlds of one model")
        return {key: stack([o[key] for o in objects], inverse, f"{what}.{key}") for key in first}
    if isinstance(first, np.ndarray):
        if all(np.array_equal(o, first) for o in objects):
            return first
        return np.stack(objects)[inverse]
    if all(o == first for o in objects):
        return first
    if isinstance(first, numbers.Real) and not isinstance(first, bool):
        return np.asarray(objects)[inverse]
    raise ConfigError(what, "cannot differ between the worlds of one model")
