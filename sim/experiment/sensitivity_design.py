"""Sensitivity designs: the one adapter to SALib's samplers, and the spec the analysis reads back.

A :class:`SensitivityDesign` is everything both halves of a sensitivity study must agree
on (method, parameter names and bounds, base sample size, seed, and the method's options:
second-order Sobol indices off, four Morris levels). The experiment layer samples it
(:meth:`SensitivityDesign.sample`); the publication layer
(:func:`sim.publish.sensitivity.indices`) analyses outputs against the same spec, so the
two can never disagree on a hidden option. Imports nothing of the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from SALib.sample import morris as morris_sampler
from SALib.sample import sobol as sobol_sampler

Problem = dict[str, Any]
SOBOL_SECOND_ORDER = False  # second-order indices nearly double the runs; reports show S1 and ST
MORRIS_LEVELS = 4


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


def sobol_sample_size(problem: Problem, n: int, *, calc_second_order: bool = SOBOL_SECOND_ORDER) -> int:
    """Rows a Saltelli/Sobol design has: n*(D+2), or n*(2D+2) with second-order indices."""
    d = problem["num_vars"]
    return n * (2 * d + 2 if calc_second_order else d + 2)


def sobol_sample(
    problem: Problem, n: int, seed: int, *, calc_second_order: bool = SOBOL_SECOND_ORDER
) -> np.ndarray:
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


def morris_sample(
    problem: Problem, n_trajectories: int, seed: int, *, num_levels: int = MORRIS_LEVELS
) -> np.ndarray:
    """Morris one-at-a-time trajectories: array of shape (n_trajectories*(D+1), D).

    A cheap screen (tens of trajectories) to drop inert parameters before a Sobol study.
    ``num_levels`` must be even; pass the same value to ``morris_indices``.
    """
    if n_trajectories < 2:
        raise ValueError(f"need at least 2 Morris trajectories, got {n_trajectories}")
    if num_levels < 2 or num_levels % 2:
        raise ValueError(f"num_levels must be an even number >= 2, got {num_levels}")
    return morris_sampler.sample(problem, n_trajectories, num_levels=num_levels, seed=seed)


@dataclass(frozen=True)
class SensitivityDesign:
    """A Sobol or Morris design as SALib sees it, shared by the sampler and the analysis."""

    method: Literal["sobol", "morris"]
    names: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    samples: int
    seed: int
    calc_second_order: bool = SOBOL_SECOND_ORDER
    num_levels: int = MORRIS_LEVELS

    @classmethod
    def from_mapping(cls, design: dict[str, Any]) -> SensitivityDesign:
        """From a design configuration as stored in a manifest (``kind``, ``parameters``, ...)."""
        parameters = design["parameters"]
        return cls(
            method=design["kind"],
            names=tuple(p["name"] for p in parameters),
            bounds=tuple((p["low"], p["high"]) for p in parameters),
            samples=design["samples"],
            seed=design["seed"],
        )

    def problem(self) -> Problem:
        return sobol_problem(self.names, self.bounds)

    def sample(self) -> np.ndarray:
        """The design matrix, one row per point, in the order the analysis expects."""
        if self.method == "sobol":
            return sobol_sample(
                self.problem(), self.samples, self.seed, calc_second_order=self.calc_second_order
            )
        return morris_sample(self.problem(), self.samples, self.seed, num_levels=self.num_levels)
