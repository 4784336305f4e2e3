"""Strategies ranked against a reference, and the response of outcomes to one swept parameter."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.publish.statistics.columns import GROUP, REFERENCE, finite
from sim.publish.statistics.intact import intact_probability, proportion_interval
from sim.publish.statistics.intervals import bootstrap_summary
from sim.publish.statistics.paired import paired_differences
from sim.publish.statistics.survival import kaplan_meier, median_survival


def strategy_ranking(
    summary: pd.DataFrame,
    metric: str = "cohesion",
    reference: str = REFERENCE,
    *,
    by: Sequence[str] = ("scenario",),
    design: Sequence[str] | None = None,
    ascending: bool = True,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per strategy (per ``by`` group), best wedge first.

    "Best" means the lowest mean ``metric`` (``ascending=True``: lower cohesion = stronger
    wedge effect). Columns: ``*by, rank, strategy, n, mean, mean_lower, mean_upper,
    spread_lower, spread_upper`` (5th and 95th percentile of the per-design-point means: the
    spread across parameter uncertainty, NaN without a design), ``p_intact, p_intact_lower,
    p_intact_upper, p_defected, p_defected_lower, p_defected_upper,
    median_time_to_defection, mean_us_cost, n_pairs, mean_diff, diff_lower, diff_upper,
    effect_per_cost, p_value, p_holm, cohens_dz, rank_biserial``. ``effect_per_cost`` is the
    mean paired difference per unit of the strategy's mean US cost (NaN for the reference
    and for strategies that cost nothing). The reference row has NaN in the paired columns.
    Optional inputs (``intact``, ``time_to_defection``/``defected``, ``us_cost``) give NaN
    when absent.

    ``p_intact`` is the share of worlds in which the bloc is intact *at the horizon* (every
    member aligned and the tie graph connected); ``p_defected`` the share in which a member
    defected *at any time* (the complement of the survival curve at the horizon). A member
    can defect and return, so the two need not add up to one.
    """
    by = list(by)
    groups = [*by, "strategy"]
    opts = {"confidence_level": confidence_level, "n_resamples": n_resamples, "seed": seed}
    table = bootstrap_summary(summary, metric, groups, statistics=("mean",), **opts)
    if "intact" in summary.columns:
        intact = intact_probability(summary, groups, confidence_level=confidence_level)
        intact = intact.rename(columns={"p_lower": "p_intact_lower", "p_upper": "p_intact_upper"})
        table = table.merge(
            intact[[*groups, "p_intact", "p_intact_lower", "p_intact_upper"]], on=groups, how="left"
        )
    if "defected" in summary.columns:
        ever = intact_probability(summary, groups, column="defected", confidence_level=confidence_level)
        ever = ever.rename(
            columns={"p_intact": "p_defected", "p_lower": "p_defected_lower", "p_upper": "p_defected_upper"}
        )
        table = table.merge(
            ever[[*groups, "p_defected", "p_defected_lower", "p_defected_upper"]], on=groups, how="left"
        )
    if {"time_to_defection", "defected"} <= set(summary.columns):
        km = kaplan_meier(summary, groups, confidence_level=confidence_level)
        median = median_survival(km, groups).rename(columns={"median_time": "median_time_to_defection"})
        table = table.merge(median, on=groups, how="left")
    if "us_cost" in summary.columns:
        cost = summary.groupby(groups, observed=True)["us_cost"].mean().rename("mean_us_cost")
        table = table.merge(cost.reset_index(), on=groups, how="left")
    diffs = paired_differences(summary, metric, reference, by=by, design=design, **opts)
    table = table.merge(diffs, on=groups, how="left")
    table = table.merge(_spread(summary, metric, groups, design), on=groups, how="left")
    cost = table["mean_us_cost"] if "mean_us_cost" in table.columns else pd.Series(np.nan, index=table.index)
    table["effect_per_cost"] = (table["mean_diff"] / cost.where(cost > 0)).astype(float)
    columns = [
        *by,
        "rank",
        "strategy",
        "n",
        "mean",
        "mean_lower",
        "mean_upper",
        "spread_lower",
        "spread_upper",
        "p_intact",
        "p_intact_lower",
        "p_intact_upper",
        "p_defected",
        "p_defected_lower",
        "p_defected_upper",
        "median_time_to_defection",
        "mean_us_cost",
        "n_pairs",
        "mean_diff",
        "diff_lower",
        "diff_upper",
        "effect_per_cost",
        "p_value",
        "p_holm",
        "cohens_dz",
        "rank_biserial",
    ]
    table = table.reindex(columns=[c for c in columns if c != "rank"])
    table = table.sort_values([*by, "mean"], ascending=[True] * len(by) + [ascending])
    table = table.reset_index(drop=True)
    rank = table.groupby(by, sort=False).cumcount() + 1 if by else pd.RangeIndex(1, len(table) + 1)
    table.insert(len(by), "rank", np.asarray(rank, dtype=int))
    return table


def _spread(
    summary: pd.DataFrame, metric: str, groups: list[str], design: Sequence[str] | None
) -> pd.DataFrame:
    """5th and 95th percentile over design points of each point's mean (NaN with one point)."""
    points = [c for c in (design or ()) if c in summary.columns]
    if not points:
        return pd.DataFrame(columns=[*groups, "spread_lower", "spread_upper"])
    means = summary.groupby([*groups, *points], observed=True)[metric].mean()
    quantiles = means.groupby(level=list(range(len(groups))), observed=True).quantile([0.05, 0.95])
    spread = quantiles.unstack().rename(columns={0.05: "spread_lower", 0.95: "spread_upper"}).reset_index()
    single = means.groupby(level=list(range(len(groups))), observed=True).size().to_numpy() < 2
    spread.loc[single, ["spread_lower", "spread_upper"]] = np.nan
    return spread


def parameter_response(
    summary: pd.DataFrame,
    parameter: str,
    metric: str = "cohesion",
    *,
    by: Sequence[str] = GROUP,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """Mean ``metric`` (Student-t interval) and P(intact) (Wilson interval) per strategy at
    each value of a swept parameter: ``*by, parameter, n, mean, mean_lower, mean_upper,
    p_intact, p_lower, p_upper``."""
    keys = [*(c for c in by if c in summary.columns), parameter]
    rows = []
    for key, group in summary.groupby(keys, sort=True, observed=True):
        values = finite(group[metric])
        n = len(values)
        mean = float(values.mean()) if n else np.nan
        sem = float(values.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0
        low, high = (
            stats.t.interval(confidence_level, n - 1, loc=mean, scale=sem) if sem > 0 else (mean, mean)
        )
        p, p_low, p_high = proportion_interval(
            int(group["intact"].sum()), len(group), confidence_level=confidence_level
        )
        rows.append((*key, n, mean, low, high, p, p_low, p_high))
    columns = [*keys, "n", "mean", "mean_lower", "mean_upper", "p_intact", "p_lower", "p_upper"]
    return pd.DataFrame(rows, columns=columns)
