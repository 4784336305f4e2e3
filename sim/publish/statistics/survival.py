"""Kaplan-Meier curves of the time to first defection, right-censored at the horizon."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.publish.statistics.columns import GROUP


def _km_curve(time: np.ndarray, event: np.ndarray, confidence_level: float) -> pd.DataFrame:
    """Kaplan-Meier curve of one group, starting at (0, 1), with log-log intervals.

    The log-log (exponential Greenwood) interval stays inside [0, 1]. Where it is
    undefined (survival exactly 1 before any event, or 0 after the last) the Greenwood
    variance is zero and the bounds equal the estimate.
    """
    ok = np.isfinite(time)
    time, event = time[ok], event[ok]
    if not event.any():
        end = float(time.max()) if time.size else 0.0
        times, surv = np.array([0.0, end]), np.ones(2)
        return pd.DataFrame({"time": times, "survival": surv, "lower": surv, "upper": surv})
    data = stats.CensoredData(uncensored=time[event], right=time[~event])
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = sf.confidence_interval(confidence_level, method="log-log")
    surv = sf.probabilities
    lower = np.where(np.isfinite(ci.low.probabilities), ci.low.probabilities, surv)
    upper = np.where(np.isfinite(ci.high.probabilities), ci.high.probabilities, surv)
    return pd.DataFrame(
        {
            "time": np.concatenate([[0.0], sf.quantiles]),
            "survival": np.concatenate([[1.0], surv]),
            "lower": np.concatenate([[1.0], lower]),
            "upper": np.concatenate([[1.0], upper]),
        }
    )


def kaplan_meier(
    summary: pd.DataFrame,
    by: Sequence[str] = GROUP,
    *,
    time: str = "time_to_defection",
    event: str = "defected",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Kaplan-Meier survival of the bloc until its first defection, per group.

    Runs without a defection are right-censored at the horizon (``event`` False); treating
    them as defections at the horizon would bias survival down. Uses
    ``scipy.stats.ecdf(CensoredData(...)).sf``. Returns a tidy step function
    ``*by, time, survival, lower, upper`` (right-continuous: survival holds from ``time``
    until the next row), starting at time 0 with survival 1.
    """
    parts = []
    for key, group in summary.groupby(list(by), sort=True, observed=True):
        curve = _km_curve(
            group[time].to_numpy(dtype=float),
            group[event].to_numpy(dtype=bool),
            confidence_level,
        )
        for name, value in zip(by, key, strict=True):
            curve[name] = value
        parts.append(curve)
    columns = [*by, "time", "survival", "lower", "upper"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def median_survival(km: pd.DataFrame, by: Sequence[str] = GROUP) -> pd.DataFrame:
    """Median time to first defection: first time the KM curve reaches 0.5 or below.

    NaN when survival never falls to one half within the horizon ("not reached"), the
    honest answer when most runs are censored. Returns ``*by, median_time``.
    """
    rows = []
    for key, curve in km.groupby(list(by), sort=True, observed=True):
        below = curve.loc[curve["survival"] <= 0.5, "time"]
        row = dict(zip(by, key, strict=True))
        row["median_time"] = float(below.min()) if len(below) else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=[*by, "median_time"])
