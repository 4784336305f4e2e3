"""Sample designs: tables of parameter points (grid, Latin hypercube, Sobol, Morris), split into chunks.

A design is a pure function of its config (including its sampler seed), so every job of
a sweep rebuilds the same table and takes its own chunk of rows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.common.errors import ConfigError
from sim.experiment.configuration import DesignConfig, DesignParameterConfig
from sim.experiment.sensitivity_design import SensitivityDesign

POINT = "point"


def salib_problem(parameters: Sequence[DesignParameterConfig]) -> dict:
    """The SALib problem dict of a design's parameters (names and bounds)."""
    for k, spec in enumerate(parameters):
        if spec.low is None or spec.high is None or not spec.low < spec.high:
            raise ConfigError(f"design.parameters[{k}]", f"'{spec.name}' needs low < high", "low < high")
    return {
        "num_vars": len(parameters),
        "names": [spec.name for spec in parameters],
        "bounds": [[spec.low, spec.high] for spec in parameters],
    }


def build_design(design: DesignConfig) -> pd.DataFrame:
    """All points of a design: a ``point`` column then one column per parameter."""
    if design.kind == "none":
        return pd.DataFrame({POINT: [0]})
    if not design.parameters:
        raise ConfigError("design.parameters", f"a '{design.kind}' design needs at least one parameter")
    names = [spec.name for spec in design.parameters]
    if len(set(names)) != len(names):
        raise ConfigError("design.parameters", f"duplicate parameter in {names}")
    values = {"grid": _grid, "lhs": _latin_hypercube, "sobol": _salib, "morris": _salib}[design.kind](design)
    frame = pd.DataFrame(values, columns=names)
    frame.insert(0, POINT, np.arange(len(frame)))
    return frame


def _grid(design: DesignConfig) -> np.ndarray:
    axes = []
    for k, spec in enumerate(design.parameters):
        if spec.values:
            axes.append(list(spec.values))
        elif spec.low is not None and spec.high is not None:
            axes.append(list(np.linspace(spec.low, spec.high, design.levels)))
        else:
            raise ConfigError(f"design.parameters[{k}]", f"'{spec.name}' needs values or low and high")
    return np.array(list(itertools.product(*axes)), dtype=float)


def _latin_hypercube(design: DesignConfig) -> np.ndarray:
    problem = salib_problem(design.parameters)
    unit = qmc.LatinHypercube(d=problem["num_vars"], seed=design.seed).random(design.samples)
    bounds = np.array(problem["bounds"])
    return qmc.scale(unit, bounds[:, 0], bounds[:, 1])


def sensitivity_design(design: DesignConfig) -> SensitivityDesign:
    """The SALib spec of a Sobol or Morris design, checked with messages naming the keys."""
    problem = salib_problem(design.parameters)
    if design.kind == "sobol" and design.samples & (design.samples - 1):
        raise ConfigError(
            "design.samples", f"{design.samples} is not a power of two", "a power of two for Sobol designs"
        )
    if design.kind == "morris" and design.samples < 2:
        raise ConfigError("design.samples", f"{design.samples} Morris trajectories", "at least 2")
    return SensitivityDesign(
        design.kind,
        tuple(problem["names"]),
        tuple(map(tuple, problem["bounds"])),
        design.samples,
        design.seed,
    )


def _salib(design: DesignConfig) -> np.ndarray:
    return sensitivity_design(design).sample()


def chunk_count(n_points: int, chunk_size: int) -> int:
    return 1 if chunk_size <= 0 else math.ceil(n_points / chunk_size)


def design_chunk(design: DesignConfig) -> tuple[pd.DataFrame, int]:
    """The rows of this job's chunk and the number of chunks in the design."""
    points = build_design(design)
    chunks = chunk_count(len(points), design.chunk_size)
    if design.chunk >= chunks:
        raise ConfigError("design.chunk", f"chunk {design.chunk} does not exist", f"0..{chunks - 1}")
    if design.chunk_size <= 0:
        return points, chunks
    start = design.chunk * design.chunk_size
    return points.iloc[start : start + design.chunk_size].reset_index(drop=True), chunks
