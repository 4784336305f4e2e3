"""Which columns of a result table are identifiers, metrics or design parameters; canonical order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sim.common.vocabulary import BLOC_METRICS, STATE_METRICS

REFERENCE = "status_quo"
GROUP: tuple[str, ...] = ("scenario", "strategy")
ID_COLUMNS: tuple[str, ...] = ("strategy", "scenario", "replicate")
TIME_COLUMNS: tuple[str, ...] = ("step", "date")
METRICS: tuple[str, ...] = (
    "cohesion",
    "density_energy",
    "density_military",
    "density_economic",
    "density_diplomatic",
    "density_treaty",
    "connectivity",
    "aligned",
    "intact",
    "energy",
    "time_to_defection",
    "defected",
    "us_cost",
)

# Per-member columns of the run tables (alignment_CHN, trust_IRN_RUS, defected_PRK, ...).
PER_MEMBER_PREFIXES: tuple[str, ...] = (
    *(f"{name}_" for name in STATE_METRICS),
    "trust_",
    "defection_month_",
    "defected_",
)

STATISTICS: dict[str, Callable[..., np.ndarray]] = {"mean": np.mean, "median": np.median}
# Upper bound on the elements scipy materialises per bootstrap batch (memory guard).
BATCH_ELEMENTS = 20_000_000


def design_columns(frame: pd.DataFrame) -> list[str]:
    """Numeric columns that are neither identifiers nor metrics: the design parameters.

    A sweep stores each design point's parameter values (e.g. ``us.credibility``) as
    columns; rows that share them (and the replicate index) share random numbers, so they
    are the keys of a paired comparison.
    """
    known = set(ID_COLUMNS) | set(TIME_COLUMNS) | set(METRICS) | set(BLOC_METRICS) | {"point"}
    return [
        c
        for c in frame.columns
        if c not in known
        and not c.startswith(PER_MEMBER_PREFIXES)
        and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
    ]


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by identifiers and design columns, so that bootstrap draws (which index
    positions) and hence published intervals do not depend on the order in which a sweep's
    runs were gathered."""
    keys = [c for c in ("scenario", "strategy") if c in frame.columns]
    keys += design_columns(frame) + [c for c in ("replicate", "step") if c in frame.columns]
    return frame.sort_values(keys, kind="stable") if keys else frame


def finite(values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Float array without NaN/inf: a missing metric must not poison an interval."""
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def batch_size(n: int, width: int = 1) -> int:
    """Resamples per batch so that one batch stays below ``BATCH_ELEMENTS`` floats."""
    return max(1, BATCH_ELEMENTS // max(1, n * width))
