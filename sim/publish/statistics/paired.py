"""Paired comparisons against a reference strategy over replicates sharing random numbers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.publish.statistics.columns import REFERENCE, design_columns, finite
from sim.publish.statistics.intervals import bootstrap_interval


def paired_frame(
    summary: pd.DataFrame,
    metric: str = "cohesion",
    reference: str = REFERENCE,
    *,
    by: Sequence[str] = ("scenario",),
    design: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Align each strategy's rows with the reference run that shares its random numbers.

    Keys are ``by`` + design columns + ``replicate``. Returns columns ``*keys, strategy,
    value, reference, difference`` (difference = strategy - reference). Raises if the
    reference is missing or a key repeats, since silent mismatches would break pairing.
    """
    design = design_columns(summary) if design is None else list(design)
    keys = [*by, *design, "replicate"]
    if reference not in set(summary["strategy"]):
        raise ValueError(f"reference strategy {reference!r} is not in the summary table")
    if summary.duplicated([*keys, "strategy"]).any():
        raise ValueError(f"rows are not unique on {[*keys, 'strategy']}; cannot pair them")
    is_ref = summary["strategy"] == reference
    ref = summary.loc[is_ref, [*keys, metric]].rename(columns={metric: "reference"})
    other = summary.loc[~is_ref, [*keys, "strategy", metric]].rename(columns={metric: "value"})
    paired = other.merge(ref, on=keys, how="inner", validate="many_to_one")
    paired["difference"] = paired["value"].astype(float) - paired["reference"].astype(float)
    return paired.sort_values([*by, "strategy", *design, "replicate"], kind="stable")


def wilcoxon_pvalue(differences: Sequence[float] | np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences.

    Zero differences carry no sign and are dropped (Wilcoxon's convention). If every
    difference is zero there is no evidence of an effect: p = 1 (scipy would warn and
    divide by zero). Exact p-values are used for small samples without ties.
    """
    d = finite(differences)
    d = d[d != 0]
    if d.size == 0:
        return 1.0
    return float(stats.wilcoxon(d).pvalue)


def cohens_dz(differences: Sequence[float] | np.ndarray) -> float:
    """Cohen's d_z = mean / SD of paired differences (the paired-design effect size).

    Undefined with fewer than two pairs (NaN). A constant non-zero difference (possible
    with common random numbers) gives +/- inf; a constant zero difference gives 0.
    """
    d = finite(differences)
    if d.size < 2:
        return np.nan
    if np.ptp(d) == 0:  # exact test: the SD of equal floats may come out as 1e-17
        return 0.0 if d[0] == 0 else float(np.copysign(np.inf, d[0]))
    return float(d.mean() / d.std(ddof=1))


def rank_biserial(differences: Sequence[float] | np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014), in [-1, 1].

    (sum of ranks of positive differences - sum for negative) / total rank sum, with
    zero differences dropped as in the Wilcoxon test it accompanies. Robust to the heavy
    tails that make d_z misleading.
    """
    d = finite(differences)
    d = d[d != 0]
    if d.size == 0:
        return 0.0
    ranks = stats.rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def holm(pvalues: Sequence[float] | np.ndarray) -> np.ndarray:
    """Holm step-down adjusted p-values: several strategies are tested against one reference."""
    p = np.asarray(pvalues, dtype=float)
    adjusted = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    if not ok.any():
        return adjusted
    q = p[ok]
    order = np.argsort(q)
    m = q.size
    stepped = np.maximum.accumulate((m - np.arange(m)) * q[order])
    out = np.empty_like(q)
    out[order] = np.minimum(stepped, 1.0)
    adjusted[ok] = out
    return adjusted


def paired_differences(
    summary: pd.DataFrame,
    metric: str = "cohesion",
    reference: str = REFERENCE,
    *,
    by: Sequence[str] = ("scenario",),
    design: Sequence[str] | None = None,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Each strategy against the reference on the same replicate worlds.

    Returns one row per ``*by, strategy`` (reference excluded) with ``n_pairs, mean_diff,
    diff_lower, diff_upper`` (BCa bootstrap over pairs, i.e. a paired bootstrap),
    ``p_value`` (Wilcoxon signed-rank), ``p_holm`` (Holm-adjusted within each ``by``
    group), ``cohens_dz`` and ``rank_biserial``. Negative differences in cohesion mean the
    strategy weakened the bloc relative to the reference.
    """
    paired = paired_frame(summary, metric, reference, by=by, design=design)
    rows = []
    for key, group in paired.groupby([*by, "strategy"], sort=True, observed=True):
        d = group["difference"].to_numpy(dtype=float)
        est, lo, hi = bootstrap_interval(
            d, "mean", confidence_level=confidence_level, n_resamples=n_resamples, seed=seed
        )
        row = dict(zip([*by, "strategy"], key, strict=True))
        row.update(
            n_pairs=int(np.isfinite(d).sum()),
            mean_diff=est,
            diff_lower=lo,
            diff_upper=hi,
            p_value=wilcoxon_pvalue(d),
            cohens_dz=cohens_dz(d),
            rank_biserial=rank_biserial(d),
        )
        rows.append(row)
    columns = [*by, "strategy", "n_pairs", "mean_diff", "diff_lower", "diff_upper", "p_value"]
    out = pd.DataFrame(rows, columns=[*columns, "cohens_dz", "rank_biserial"])
    out.insert(out.columns.get_loc("p_value") + 1, "p_holm", np.nan)
    if by:
        for _, part in out.groupby(list(by), sort=False):
            out.loc[part.index, "p_holm"] = holm(part["p_value"])
    else:
        out["p_holm"] = holm(out["p_value"])
    return out
