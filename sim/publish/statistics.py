"""Statistics that turn replicate worlds into claims a paper can defend.

Every number a figure or table reports comes from here, so each carries its uncertainty:
bootstrap intervals for means and medians, paired comparisons against a reference strategy
(replicates share common random numbers, so pairing removes the shared shock noise),
binomial intervals for the probability the bloc stays intact, and Kaplan-Meier curves for
time to first defection, which is right-censored at the horizon.

All functions take tidy pandas frames (the run summary or time-series tables) and return
tidy frames; none of them runs the model. Randomness (bootstrap) is driven by an explicit
``seed`` so published intervals are reproducible.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

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

_STATISTICS: dict[str, Callable[..., np.ndarray]] = {"mean": np.mean, "median": np.median}
# Upper bound on the elements scipy materialises per bootstrap batch (memory guard).
_BATCH_ELEMENTS = 20_000_000


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


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by identifiers and design columns, so that bootstrap draws (which index
    positions) and hence published intervals do not depend on the order in which a sweep's
    runs were gathered."""
    keys = [c for c in ("scenario", "strategy") if c in frame.columns]
    keys += design_columns(frame) + [c for c in ("replicate", "step") if c in frame.columns]
    return frame.sort_values(keys, kind="stable") if keys else frame


def _finite(values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Float array without NaN/inf: a missing metric must not poison an interval."""
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def _batch(n: int, width: int = 1) -> int:
    """Resamples per batch so that one batch stays below ``_BATCH_ELEMENTS`` floats."""
    return max(1, _BATCH_ELEMENTS // max(1, n * width))


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
    func = _STATISTICS[statistic]
    x = _finite(values)
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
        "batch": _batch(x.size),
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
    for key, group in _canonical(summary).groupby(list(by), sort=True, observed=True):
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


# ---------------------------------------------------------------- paired comparisons


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
    d = _finite(differences)
    d = d[d != 0]
    if d.size == 0:
        return 1.0
    return float(stats.wilcoxon(d).pvalue)


def cohens_dz(differences: Sequence[float] | np.ndarray) -> float:
    """Cohen's d_z = mean / SD of paired differences (the paired-design effect size).

    Undefined with fewer than two pairs (NaN). A constant non-zero difference (possible
    with common random numbers) gives +/- inf; a constant zero difference gives 0.
    """
    d = _finite(differences)
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
    d = _finite(differences)
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


# ----------------------------------------------------------------- bloc intact


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

    Returns ``*by, n, n_intact, p_intact, p_lower, p_upper``.
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


# ----------------------------------------------------------------- survival


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


# ----------------------------------------------------------------- time series


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


# ----------------------------------------------------------------- ranking


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
    p_intact, p_intact_lower, p_intact_upper, median_time_to_defection, mean_us_cost,
    n_pairs, mean_diff, diff_lower, diff_upper, p_value, p_holm, cohens_dz,
    rank_biserial``. The reference row has NaN in the paired columns. Optional inputs
    (``intact``, ``time_to_defection``/``defected``, ``us_cost``) give NaN when absent.
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
    if {"time_to_defection", "defected"} <= set(summary.columns):
        km = kaplan_meier(summary, groups, confidence_level=confidence_level)
        median = median_survival(km, groups).rename(columns={"median_time": "median_time_to_defection"})
        table = table.merge(median, on=groups, how="left")
    if "us_cost" in summary.columns:
        cost = summary.groupby(groups, observed=True)["us_cost"].mean().rename("mean_us_cost")
        table = table.merge(cost.reset_index(), on=groups, how="left")
    diffs = paired_differences(summary, metric, reference, by=by, design=design, **opts)
    table = table.merge(diffs, on=groups, how="left")
    columns = [
        *by,
        "rank",
        "strategy",
        "n",
        "mean",
        "mean_lower",
        "mean_upper",
        "p_intact",
        "p_intact_lower",
        "p_intact_upper",
        "median_time_to_defection",
        "mean_us_cost",
        "n_pairs",
        "mean_diff",
        "diff_lower",
        "diff_upper",
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
        values = _finite(group[metric])
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
