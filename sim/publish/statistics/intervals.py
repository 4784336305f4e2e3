"""Bootstrap intervals of means and medians, and pointwise bands of time series."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.publish.statistics.columns import GROUP, STATISTICS, batch_size, canonical, design_columns, finite


def bootstrap_interval(
    values: Sequence[float] | np.ndarray | pd.Series,
    statistic: str = "mean",
    *,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Point estimate and BCa bootstrap interval of the mean or median of one sample.

    BCa corrects for bias and skew (cohesion is bounded in [0, 1], so it is often skewed).
    A constant sample has a zero-width interval; if BCa is undefined (near-degenerate
    data) the percentile interval is used instead, rather than reporting NaN.
    """
    func = STATISTICS[statistic]
    x = finite(values)
    if x.size == 0:
        return (np.nan, np.nan, np.nan)
    if np.ptp(x) == 0:
        return (float(x[0]),) * 3
    estimate = float(func(x))
    if x.size < 2:
        return (estimate, estimate, estimate)
    kwargs = {
        "confidence_level": confidence_level,
        "n_resamples": n_resamples,
        "vectorized": True,
        "batch": batch_size(x.size),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = stats.bootstrap(
            (x,), func, method="BCa", rng=np.random.default_rng(seed), **kwargs
        ).confidence_interval
        if not (np.isfinite(ci.low) and np.isfinite(ci.high)):
            ci = stats.bootstrap(
                (x,), func, method="percentile", rng=np.random.default_rng(seed), **kwargs
            ).confidence_interval
    return (estimate, float(ci.low), float(ci.high))


def bootstrap_summary(
    summary: pd.DataFrame,
    metric: str = "cohesion",
    by: Sequence[str] = GROUP,
    *,
    statistics: Sequence[str] = ("mean", "median"),
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Mean and median of ``metric`` per group with bootstrap intervals across replicates.

    Returns columns ``*by, n, mean, mean_lower, mean_upper, median, median_lower,
    median_upper`` (only the requested statistics). Each group is resampled with a fresh
    generator from ``seed`` so a group's interval does not depend on which others exist.
    """
    rows = []
    for key, group in canonical(summary).groupby(list(by), sort=True, observed=True):
        row = dict(zip(by, key, strict=True))
        row["n"] = int(np.isfinite(group[metric].to_numpy(dtype=float)).sum())
        for name in statistics:
            est, lo, hi = bootstrap_interval(
                group[metric],
                name,
                confidence_level=confidence_level,
                n_resamples=n_resamples,
                seed=seed,
            )
            row.update({name: est, f"{name}_lower": lo, f"{name}_upper": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def timeseries_band(
    timeseries: pd.DataFrame,
    metric: str = "cohesion",
    by: Sequence[str] = GROUP,
    *,
    band: str = "ci",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Mean trajectory per group with a pointwise band across replicates.

    ``band="ci"``: Student-t interval of the mean at each step (uncertainty of the
    average path; with hundreds of replicates it matches a bootstrap interval and costs
    nothing, where a bootstrap of every step of every strategy took minutes).
    ``band="percentile"``: the central ``confidence_level`` range of replicate values
    (spread of individual worlds).
    Returns ``*by, step, date, n, mean, lower, upper``; ``date`` only if present.
    """
    if band not in {"ci", "percentile"}:
        raise ValueError(f"band must be 'ci' or 'percentile', not {band!r}")
    alpha = 1.0 - confidence_level
    has_date = "date" in timeseries.columns
    ids = [c for c in (*design_columns(timeseries), "replicate") if c not in by]  # one path each
    parts = []
    for key, group in timeseries.groupby(list(by), sort=True, observed=True):
        wide = group.pivot(index=ids, columns="step", values=metric).astype(float)
        values = wide.to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(values, axis=0)
            if band == "percentile":
                lower, upper = np.nanquantile(values, [alpha / 2, 1 - alpha / 2], axis=0)
            elif values.shape[0] < 2:
                lower, upper = mean, mean
            else:
                n = np.isfinite(values).sum(axis=0)
                sem = np.nanstd(values, axis=0, ddof=1) / np.sqrt(n)
                lower, upper = stats.t.interval(confidence_level, n - 1, loc=mean, scale=sem)
                lower, upper = np.where(sem > 0, lower, mean), np.where(sem > 0, upper, mean)
        part = pd.DataFrame(
            {
                "step": wide.columns.to_numpy(),
                "n": np.isfinite(values).sum(axis=0),
                "mean": mean,
                "lower": lower,
                "upper": upper,
            }
        )
        for name, value in zip(by, key, strict=True):
            part[name] = value
        if has_date:
            dates = group.drop_duplicates("step").set_index("step")["date"]
            part["date"] = part["step"].map(dates)
        parts.append(part)
    columns = [*by, "step", *(["date"] if has_date else []), "n", "mean", "lower", "upper"]
    return pd.concat(parts, ignore_index=True)[columns]
