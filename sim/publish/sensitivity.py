"""Global sensitivity analysis of model outputs with SALib, as small pure functions.

Which modelling choices move cohesion? Sobol indices answer with variance shares (first
order S1: the parameter alone; total ST: including all its interactions); the Morris
screen answers more cheaply with mean absolute elementary effects (mu*). These functions
only sample designs and analyse output vectors: the caller evaluates the model (e.g. one
Hydra sweep over the design) and passes the outputs back in design order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sampler
from SALib.sample import sobol as sobol_sampler

Problem = dict[str, Any]


def sobol_problem(names: Sequence[str], bounds: Sequence[Sequence[float]]) -> Problem:
    """SALib problem dict for independent uniform parameters, checked early.

    A typo in bounds (low >= high, wrong count) would otherwise surface as a cryptic
    error deep inside SALib or, worse, as a silently degenerate design. The same problem
    serves the Morris functions.
    """
    names = [str(n) for n in names]
    pairs = [(float(lo), float(hi)) for lo, hi in bounds]
    if len(names) != len(pairs):
        raise ValueError(f"{len(names)} names but {len(pairs)} bounds")
    if len(set(names)) != len(names):
        raise ValueError(f"parameter names must be unique: {names}")
    for name, (lo, hi) in zip(names, pairs, strict=True):
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"bounds of {name!r} must be finite with low < high, got {lo, hi}")
    return {"num_vars": len(names), "names": names, "bounds": [list(p) for p in pairs]}


def _check_power_of_two(n: int) -> None:
    """Sobol' sequences keep their balance properties only for N = 2^k base points."""
    is_int = isinstance(n, int | np.integer) and not isinstance(n, bool)
    if is_int and n >= 2 and not (n & (n - 1)):
        return
    hint = ""
    if is_int and n >= 2:
        low = 1 << (int(n).bit_length() - 1)
        hint = f" (nearest: {low} or {2 * low})"
    raise ValueError(f"Sobol base sample size n must be a power of two >= 2, got {n!r}{hint}")


def sobol_sample_size(problem: Problem, n: int, *, calc_second_order: bool = False) -> int:
    """Rows a Saltelli/Sobol design has: n*(D+2), or n*(2D+2) with second-order indices."""
    d = problem["num_vars"]
    return n * (2 * d + 2 if calc_second_order else d + 2)


def sobol_sample(problem: Problem, n: int, seed: int, *, calc_second_order: bool = False) -> np.ndarray:
    """Scrambled Sobol' (Saltelli) design: array of shape (sobol_sample_size, D).

    Second-order indices are off by default: they nearly double the runs and the tidy
    output reports S1 and ST only. Pass the same ``calc_second_order`` to
    ``sobol_indices``.
    """
    _check_power_of_two(n)
    return sobol_sampler.sample(problem, n, calc_second_order=calc_second_order, scramble=True, seed=seed)


def sample_frame(problem: Problem, sample: np.ndarray) -> pd.DataFrame:
    """Design matrix as a frame with one column per parameter name, rows in design order."""
    return pd.DataFrame(np.asarray(sample, dtype=float), columns=problem["names"])


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
    calc_second_order: bool = False,
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


def morris_sample(problem: Problem, n_trajectories: int, seed: int, *, num_levels: int = 4) -> np.ndarray:
    """Morris one-at-a-time trajectories: array of shape (n_trajectories*(D+1), D).

    A cheap screen (tens of trajectories) to drop inert parameters before a Sobol study.
    ``num_levels`` must be even; pass the same value to ``morris_indices``.
    """
    if n_trajectories < 2:
        raise ValueError(f"need at least 2 Morris trajectories, got {n_trajectories}")
    if num_levels < 2 or num_levels % 2:
        raise ValueError(f"num_levels must be an even number >= 2, got {num_levels}")
    return morris_sampler.sample(problem, n_trajectories, num_levels=num_levels, seed=seed)


def morris_indices(
    problem: Problem,
    x: np.ndarray,
    y: Sequence[float] | np.ndarray,
    seed: int,
    *,
    num_levels: int = 4,
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
