"""Robust comparison of strategies over an ensemble of parameter draws: regret, share best,
satisficing and effect per unit of US cost, with Monte Carlo intervals.

The input is a tidy table with one row per (draw, strategy, replicate): the draw column is
``draw`` when the model's own uncertainty ensemble made the table and ``point`` when a
design did; every strategy must meet the same draws and, within a draw, the same replicate
worlds (common random numbers). Statistics are taken over draws of per-draw means:

- regret of strategy s in draw d = how much worse its mean outcome is than the best
  strategy's in that draw (zero for the best);
- share best = the share of draws in which s has zero regret (ties share the credit);
- P(goal) = the probability of the stated goal over draws and replicates; the share
  satisficing = the share of draws in which P(goal) reaches a stated level;
- effect per unit of US cost = the mean improvement over the reference divided by the
  mean cost.

Intervals are percentile bootstrap intervals that resample draws and, within each drawn
draw, replicates (the same replicate indices for every strategy, keeping the pairing), so
they cover both the finite ensemble and the finite worlds per draw. The spread across
parameter uncertainty (5th to 95th percentile of per-draw means) is reported beside them:
it is the uncertainty about the world, not about the simulation.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.common.goals import Goal, lower_is_better
from sim.publish.tables import Column, Table, format_interval, format_number, format_probability

DRAW_KEYS = ("draw", "point")
OUTCOME_WORDS = {
    "aligned": "members aligned",
    "intact": "P(intact)",
    "time_to_defection": "months to first defection",
    "defected": "P(a defection)",
}
SPREAD = (0.05, 0.95)
TIE_TOLERANCE = 1e-12


def outcome_words(outcome: str) -> str:
    """How tables and figures name an outcome: ``aligned`` -> ``members aligned``."""
    return OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))


def goal_words(goal: Goal) -> str:
    """How tables and figures name a goal: ``time_to_defection <= 48`` -> ``a member defects by month 48``."""
    if goal.outcome == "time_to_defection" and goal.comparison in ("<", "<="):
        month = goal.threshold if goal.comparison == "<=" else goal.threshold - 1
        return f"a member defects by month {month:g}"
    symbol = {"<=": "≤", ">=": "≥"}.get(goal.comparison, goal.comparison)
    return f"{outcome_words(goal.outcome)} {symbol} {goal.threshold:g}"


class EnsembleError(ValueError):
    """The table is not a paired ensemble (draws or replicates differ between strategies)."""


def draw_key(summary: pd.DataFrame) -> str:
    """The column naming the parameter draw: ``draw`` (model ensembles) or ``point`` (designs)."""
    for key in DRAW_KEYS:
        if key in summary.columns:
            return key
    raise EnsembleError(f"no draw column: the table needs one of {list(DRAW_KEYS)}")


@dataclass(frozen=True)
class Cube:
    """Per-replicate values on a full grid: ``values[d, s, r]`` for draw d, strategy s, replicate r."""

    draws: np.ndarray
    strategies: tuple[str, ...]
    values: np.ndarray


def cube(summary: pd.DataFrame, column: str | np.ndarray, strategies: Sequence[str], key: str) -> Cube:
    """Values of ``column`` (a column name, or values aligned with ``summary``) as a (draw, strategy,
    replicate) array; refuses an unpaired table rather than comparing different worlds."""
    values = summary[column] if isinstance(column, str) else pd.Series(column, index=summary.index)
    frame = summary[[key, "strategy", "replicate"]].assign(value=values.astype(float).to_numpy())
    if frame.duplicated([key, "strategy", "replicate"]).any():
        raise EnsembleError(f"duplicate ({key}, strategy, replicate) rows: gather the sweep once")
    wide = frame.pivot(index=[key, "replicate"], columns="strategy", values="value")
    missing = [s for s in strategies if s not in wide.columns]
    if missing:
        raise EnsembleError(f"strategies {missing} are not in the table")
    wide = wide[list(strategies)]
    if wide.isna().any().any():
        raise EnsembleError(f"strategies did not all run on the same {key}s and replicates")
    draws = wide.index.get_level_values(0).unique().sort_values()
    per_draw = wide.groupby(level=0).size()
    if per_draw.nunique() != 1:
        raise EnsembleError(f"{key}s have different numbers of replicates: {per_draw.unique().tolist()}")
    wide = wide.sort_index()
    shaped = wide.to_numpy().reshape(len(draws), int(per_draw.iloc[0]), len(strategies))
    return Cube(draws.to_numpy(), tuple(strategies), shaped.transpose(0, 2, 1))


def goal_values(summary: pd.DataFrame, goal: Goal) -> np.ndarray:
    """1.0 where a replicate meets ``goal``, else 0.0."""
    defected = summary["defected"].to_numpy() if "defected" in summary.columns else None
    return goal.met(summary[goal.outcome].to_numpy(), defected).astype(float)


def plausible_draws(
    summary: pd.DataFrame, reference: str, criterion: Goal, level: float, key: str | None = None
) -> np.ndarray:
    """Draws in which the reference strategy meets ``criterion`` in at least ``level`` of its worlds.

    A stand-in for history matching until a calibrated posterior exists: a draw in which
    the bloc falls apart with no US action contradicts the observed 2025 situation.
    """
    key = key or draw_key(summary)
    ref = summary[summary["strategy"] == reference]
    if ref.empty:
        raise EnsembleError(f"the reference strategy '{reference}' is not in the table")
    share = pd.Series(goal_values(ref, criterion), index=ref.index).groupby(ref[key]).mean()
    return share.index[share >= level].to_numpy()


def regret(means: np.ndarray, lower: bool = True) -> np.ndarray:
    """(draws, strategies) regret: distance to the best strategy of the same draw."""
    best = means.min(axis=1, keepdims=True) if lower else means.max(axis=1, keepdims=True)
    return (means - best) if lower else (best - means)


def share_best(regrets: np.ndarray) -> np.ndarray:
    """Share of draws (rows) in which each strategy (column) is best; tied winners share a draw."""
    best = regrets <= TIE_TOLERANCE * np.maximum(1.0, np.abs(regrets).max())
    return (best / best.sum(axis=1, keepdims=True)).mean(axis=0)


@dataclass(frozen=True)
class Scores:
    """Per-strategy robustness scores of one set of per-draw means (one bootstrap replicate)."""

    mean: np.ndarray
    mean_regret: np.ndarray
    quantile_regret: np.ndarray
    share_best: np.ndarray
    p_goal: np.ndarray
    share_satisficing: np.ndarray
    mean_cost: np.ndarray
    effect_per_cost: np.ndarray


def scores(
    outcome: np.ndarray,
    goal: np.ndarray,
    cost: np.ndarray,
    *,
    lower: bool,
    reference: int | None,
    quantile: float,
    goal_level: float,
) -> Scores:
    """Scores from per-draw means (draws, strategies) of the outcome, goal indicator and cost."""
    regrets = regret(outcome, lower)
    mean = outcome.mean(axis=0)
    mean_cost = cost.mean(axis=0)
    if reference is None:
        effect = np.full_like(mean, np.nan)
    else:
        gain = (mean[reference] - mean) if lower else (mean - mean[reference])
        effect = np.divide(gain, mean_cost, out=np.full_like(mean, np.nan), where=mean_cost > 0)
        effect[reference] = np.nan
    return Scores(
        mean=mean,
        mean_regret=regrets.mean(axis=0),
        quantile_regret=np.quantile(regrets, quantile, axis=0),
        share_best=share_best(regrets),
        p_goal=goal.mean(axis=0),
        share_satisficing=(goal >= goal_level).mean(axis=0),
        mean_cost=mean_cost,
        effect_per_cost=effect,
    )


def robust_ranking(
    summary: pd.DataFrame,
    outcome: str,
    goal: Goal,
    *,
    reference: str | None = None,
    strategies: Sequence[str] | None = None,
    goal_level: float = 0.5,
    quantile: float = 0.9,
    resamples: int = 1000,
    confidence_level: float = 0.95,
    seed: int = 0,
    key: str | None = None,
) -> pd.DataFrame:
    """One row per strategy, least mean regret first.

    Columns: ``rank, strategy, draws, replicates, mean, spread_lower, spread_upper`` (5th and
    95th percentile of per-draw means), then each score with ``_lower``/``_upper``:
    ``mean_regret, quantile_regret, share_best, p_goal, share_satisficing, effect_per_cost``,
    and ``mean_cost``.
    """
    key = key or draw_key(summary)
    strategies = list(strategies or sorted(summary["strategy"].unique()))
    y = cube(summary, outcome, strategies, key)
    g = cube(summary, goal_values(summary, goal), strategies, key)
    c = cube(summary, "us_cost", strategies, key)
    return ranking_from_cubes(
        y,
        g,
        c,
        lower=lower_is_better(outcome),
        reference=reference,
        goal_level=goal_level,
        quantile=quantile,
        resamples=resamples,
        confidence_level=confidence_level,
        seed=seed,
    )


def ranking_from_cubes(
    y: Cube,
    g: Cube,
    c: Cube,
    *,
    lower: bool,
    reference: str | None = None,
    goal_level: float = 0.5,
    quantile: float = 0.9,
    resamples: int = 1000,
    confidence_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`robust_ranking` from (draw, strategy, replicate) cubes of the outcome, the goal
    indicator (or a per-draw probability when there is one 'replicate') and the US cost."""
    strategies = list(y.strategies)
    ref = strategies.index(reference) if reference in strategies else None
    opts = {"lower": lower, "reference": ref, "quantile": quantile, "goal_level": goal_level}
    point = scores(y.values.mean(2), g.values.mean(2), c.values.mean(2), **opts)
    boot = _bootstrap(y.values, g.values, c.values, resamples, seed, opts)
    alpha = (1 - confidence_level) / 2
    per_draw = y.values.mean(2)
    table = pd.DataFrame(
        {
            "strategy": strategies,
            "draws": len(y.draws),
            "replicates": y.values.shape[2],
            "mean": point.mean,
            "spread_lower": np.quantile(per_draw, SPREAD[0], axis=0),
            "spread_upper": np.quantile(per_draw, SPREAD[1], axis=0),
            "mean_cost": point.mean_cost,
        }
    )
    for name in ("mean_regret", "quantile_regret", "share_best", "p_goal", "share_satisficing"):
        table[name] = getattr(point, name)
        table[f"{name}_lower"], table[f"{name}_upper"] = _interval(boot[name], alpha)
    table["effect_per_cost"] = point.effect_per_cost
    table["effect_per_cost_lower"], table["effect_per_cost_upper"] = _interval(boot["effect_per_cost"], alpha)
    table = table.sort_values(["mean_regret", "strategy"], kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def _bootstrap(y: np.ndarray, g: np.ndarray, c: np.ndarray, resamples: int, seed: int, opts: dict) -> dict:
    """Scores of ``resamples`` two-level resamples: draws with replacement, then replicates
    within each draw (shared by all strategies), as multinomial weights."""
    rng = np.random.default_rng(seed)
    n_draws, _, n_reps = y.shape
    out: dict[str, list[np.ndarray]] = {}
    for _ in range(resamples):
        rows = rng.integers(n_draws, size=n_draws)
        weights = rng.multinomial(n_reps, np.full(n_reps, 1.0 / n_reps), size=n_draws) / n_reps
        means = [np.einsum("dsr,dr->ds", a[rows], weights) for a in (y, g, c)]
        result = scores(*means, **opts)
        for name, value in vars(result).items():
            out.setdefault(name, []).append(value)
    return {name: np.vstack(values) for name, values in out.items()}


def _interval(samples: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per column; NaN where a score is undefined (the reference's effect)."""
    finite = np.where(np.isfinite(samples), samples, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(finite, alpha, axis=0), np.nanquantile(finite, 1 - alpha, axis=0)


def regret_frame(summary: pd.DataFrame, outcome: str, key: str | None = None) -> pd.DataFrame:
    """Long table of per-draw regret: ``key, strategy, mean, regret`` (for figures)."""
    key = key or draw_key(summary)
    means = summary.groupby([key, "strategy"])[outcome].mean().unstack("strategy")
    values = regret(means.to_numpy(), lower_is_better(outcome))
    frame = pd.DataFrame(values, index=means.index, columns=means.columns)
    long = frame.stack().rename("regret").reset_index()
    return long.merge(means.stack().rename("mean").reset_index(), on=[key, "strategy"])


def robust_table(ranking: pd.DataFrame, outcome: str, goal: Goal, *, quantile: float = 0.9) -> Table:
    """The robust ranking as a paper table: no p-values or effect sizes (the number of
    simulated worlds makes any difference 'significant'); Monte Carlo intervals, and the
    spread of the outcome across parameter draws."""
    label = outcome_words(outcome)
    pct = f"{round(100 * quantile)}th-percentile regret"
    share = f"{round(100 * SPREAD[0])}–{round(100 * SPREAD[1])}%"
    share_tex = share.replace("%", r"\%")
    columns = (
        Column("Rank", "Rank"),
        Column("Strategy", "Strategy", "l"),
        Column(f"Mean {label} ({share} over draws)", f"Mean {label} ({share_tex} over draws)"),
        Column("Mean regret [95% CI]", r"Mean regret [95\% CI]"),
        Column(f"{pct} [95% CI]", f"{pct} [95\\% CI]"),
        Column("Share of draws best [95% CI]", r"Share of draws best [95\% CI]"),
        Column(f"P({goal_words(goal)}) [95% CI]", f"P({goal_words(goal)}) [95\\% CI]"),
        Column("Mean US cost", "Mean US cost"),
        Column("Effect per unit cost [95% CI]", r"Effect per unit cost [95\% CI]"),
    )
    rows = []
    for _, r in ranking.iterrows():
        spread = format_interval(r["mean"], r["spread_lower"], r["spread_upper"])
        rows.append(
            (
                str(int(r["rank"])),
                str(r["strategy"]).replace("_", " "),
                spread.replace(" [", " (").replace("]", ")"),
                _interval_cell(r, "mean_regret"),
                _interval_cell(r, "quantile_regret"),
                format_probability(r["share_best"], r["share_best_lower"], r["share_best_upper"], decimals=2),
                format_probability(r["p_goal"], r["p_goal_lower"], r["p_goal_upper"], decimals=2),
                format_number(r["mean_cost"], digits=3),
                _interval_cell(r, "effect_per_cost"),
            )
        )
    return Table(columns, tuple(rows))


def _interval_cell(row: pd.Series, name: str) -> str:
    return format_interval(row[name], row[f"{name}_lower"], row[f"{name}_upper"])
