"""The probability that the bloc is intact at the horizon, with binomial intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.publish.statistics.columns import GROUP


def proportion_interval(
    successes: int,
    trials: int,
    *,
    method: str = "wilson",
    confidence_level: float = 0.95,
) -> tuple[float, float, float]:
    """Proportion with a Wilson ("wilson") or Clopper-Pearson ("exact") interval.

    Wilson keeps good coverage near 0 and 1, where P(intact) often sits; the Wald interval
    does not. No trials gives NaN.
    """
    if trials == 0:
        return (np.nan, np.nan, np.nan)
    ci = stats.binomtest(int(successes), int(trials)).proportion_ci(
        confidence_level=confidence_level, method=method
    )
    return (successes / trials, float(ci.low), float(ci.high))


def intact_probability(
    summary: pd.DataFrame,
    by: Sequence[str] = GROUP,
    *,
    column: str = "intact",
    method: str = "wilson",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Probability that the bloc is intact at the horizon, per group, with its interval.

    Returns ``*by, n, n_intact, p_intact, p_lower, p_upper``. Any other boolean
    ``column`` gives its share the same way (``column="defected"``: a member defected at
    some time), still under these column names.
    """
    rows = []
    for key, group in summary.groupby(list(by), sort=True, observed=True):
        flags = group[column].dropna().astype(bool)
        k, n = int(flags.sum()), int(flags.size)
        p, lo, hi = proportion_interval(k, n, method=method, confidence_level=confidence_level)
        row = dict(zip(by, key, strict=True))
        row.update(n=n, n_intact=k, p_intact=p, p_lower=lo, p_upper=hi)
        rows.append(row)
    return pd.DataFrame(rows)
