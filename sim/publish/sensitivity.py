"""Global sensitivity analysis of model outputs: the one adapter to SALib's analysers.

Which modelling choices move cohesion? Sobol indices answer with variance shares (first
order S1: the parameter alone; total ST: including all its interactions); the Morris
screen answers more cheaply with mean absolute elementary effects (mu*). Symmetric with
the sampler: one :class:`~sim.experiment.sensitivity_design.SensitivityDesign` in (the
spec the design was sampled from), indices out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from sim.experiment.sensitivity_design import MORRIS_LEVELS, SOBOL_SECOND_ORDER, Problem, SensitivityDesign


def indices(design: SensitivityDesign, x: np.ndarray, y: Sequence[float] | np.ndarray) -> pd.DataFrame:
    """Sobol or Morris indices of outputs ``y`` at the design's points ``x`` (rows in design order)."""
    if design.method == "morris":
        return morris_indices(design.problem(), x, y, seed=design.seed, num_levels=design.num_levels)
    return sobol_indices(design.problem(), y, seed=design.seed, calc_second_order=design.calc_second_order)


def _outputs(y: Sequence[float] | np.ndarray, rows: int | None) -> np.ndarray:
    """Output vector checked for length and finiteness: one NaN ruins every index."""
    values = np.asarray(y, dtype=float).ravel()
    if rows is not None and values.size != rows:
        raise ValueError(f"expected {rows} outputs in design order, got {values.size}")
    if not np.all(np.isfinite(values)):
        raise ValueError("outputs contain NaN or inf; sensitivity indices would be undefined")
    return values


def sobol_indices(
    problem: Problem,
    y: Sequence[float] | np.ndarray,
    seed: int,
    *,
    calc_second_order: bool = SOBOL_SECOND_ORDER,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """First-order and total Sobol indices with bootstrap half-widths, one row per parameter.

    Columns: ``parameter, S1, S1_conf, ST, ST_conf``; ``*_conf`` is the half-width of the
    ``conf_level`` interval (estimate +/- conf).
    """
    d = problem["num_vars"]
    per_base = 2 * d + 2 if calc_second_order else d + 2
    values = _outputs(y, None)
    if values.size % per_base:
        raise ValueError(
            f"{values.size} outputs is not a multiple of {per_base} (D={d}, "
            f"calc_second_order={calc_second_order}); was the design made with the same option?"
        )
    result = sobol_analyze.analyze(
        problem,
        values,
        calc_second_order=calc_second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )


def morris_indices(
    problem: Problem,
    x: np.ndarray,
    y: Sequence[float] | np.ndarray,
    seed: int,
    *,
    num_levels: int = MORRIS_LEVELS,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris elementary-effect statistics, one row per parameter.

    Columns: ``parameter, mu, mu_star, mu_star_conf, sigma``. mu* ranks influence; a
    large sigma relative to mu* flags non-linearity or interactions.
    """
    x = np.asarray(x, dtype=float)
    values = _outputs(y, x.shape[0])
    result = morris_analyze.analyze(
        problem,
        x,
        values,
        num_resamples=num_resamples,
        conf_level=conf_level,
        num_levels=num_levels,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu": np.asarray(result["mu"], dtype=float),
            "mu_star": np.asarray(result["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(result["mu_star_conf"], dtype=float),
            "sigma": np.asarray(result["sigma"], dtype=float),
        }
    )
