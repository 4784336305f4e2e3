"""Figures of the robust comparison: regret over draws, share best and satisficing, cost and effect."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.publish import statistics as st
from sim.publish.style import (
    ONE_COLUMN,
    TWO_COLUMN,
    new_figure,
    paper_style,
    strategy_colors,
    strategy_label,
)


def plot_robust_comparison(
    ranking: pd.DataFrame,
    regrets: pd.DataFrame,
    *,
    outcome: str,
    goal: str,
    reference: str = st.REFERENCE,
    quantile: float = 0.9,
    width: float = TWO_COLUMN,
) -> Figure:
    """Three panels sharing the strategy axis (least mean regret at the top): (a) per-draw
    regret (points, interquartile bar and median, mean with its interval, the ``quantile``
    marked), (b) share of draws best and
    (c) P(goal), each with its 95% bootstrap interval. ``outcome`` and ``goal`` are the
    words the axes show."""
    order = list(ranking.sort_values("rank")["strategy"])[::-1]
    colors = strategy_colors(ranking["strategy"])
    ranked = ranking.set_index("strategy").loc[order]
    positions = np.arange(len(order))
    with paper_style():
        fig = new_figure(width, max(2.2, 0.9 + 0.24 * len(order)))
        ax_regret, ax_best, ax_goal = fig.subplots(
            1, 3, sharey=True, gridspec_kw={"width_ratios": [2.2, 1, 1]}
        )
        _regret_panel(ax_regret, regrets, order, colors, ranked, quantile)
        ax_regret.set_xlabel(f"regret per draw ({outcome})")
        ax_regret.text(
            1.0, 1.01, f"◇ mean [95% CI]   × {round(100 * quantile)}th percentile",
            transform=ax_regret.transAxes, ha="right", va="bottom", fontsize=6,
        )  # fmt: skip
        ax_regret.set_yticks(positions, [strategy_label(s, reference) for s in order])
        _interval_panel(ax_best, ranked, "share_best", colors)
        ax_best.set_xlabel("share of draws best")
        _interval_panel(ax_goal, ranked, "p_goal", colors)
        ax_goal.set_xlabel(textwrap.fill(f"P({goal})", 24))
        for label, ax in zip("abc", (ax_regret, ax_best, ax_goal), strict=True):
            ax.set_title(f"({label})")
            ax.grid(axis="y", visible=False)
    return fig


def _regret_panel(
    ax: Axes,
    regrets: pd.DataFrame,
    order: list[str],
    colors: dict[str, str],
    ranked: pd.DataFrame,
    quantile: float,
) -> None:
    rng = np.random.default_rng(0)
    for pos, strategy in enumerate(order):
        values = regrets.loc[regrets["strategy"] == strategy, "regret"].to_numpy(float)
        color = colors[strategy]
        low, mid, high = np.quantile(values, [0.25, 0.5, 0.75])
        ax.plot([low, high], [pos, pos], color=color, lw=6, alpha=0.35, solid_capstyle="butt")
        ax.plot([mid, mid], [pos - 0.2, pos + 0.2], color=color, lw=1)
        jitter = rng.uniform(-0.22, 0.22, values.size)
        ax.scatter(values, pos + jitter, s=3, color=color, alpha=0.6, lw=0, rasterized=values.size > 50)
    positions = np.arange(len(order))
    means = ranked["mean_regret"].to_numpy()
    lows, highs = ranked["mean_regret_lower"].to_numpy(), ranked["mean_regret_upper"].to_numpy()
    # percentile intervals need not contain the estimate, so draw them as segments
    ax.hlines(positions, lows, highs, color="black", lw=0.8)
    ax.scatter(means, positions, marker="D", s=14, color="white", edgecolor="black", lw=0.6, zorder=3)
    ax.scatter(
        ranked["quantile_regret"], positions, marker="x", s=18, color="black", lw=0.8, zorder=3
    )  # black: a strategy's own colour (vermillion is the Moscow deal's) would hide it


def _interval_panel(ax: Axes, ranked: pd.DataFrame, name: str, colors: dict[str, str]) -> None:
    positions = np.arange(len(ranked))
    values = ranked[name].to_numpy()
    lows, highs = ranked[f"{name}_lower"].to_numpy(), ranked[f"{name}_upper"].to_numpy()
    for pos, (strategy, value, low, high) in enumerate(zip(ranked.index, values, lows, highs, strict=True)):
        ax.plot([low, high], [pos, pos], color=colors[strategy], lw=1.6, solid_capstyle="butt")
        ax.scatter([value], [pos], s=16, color=colors[strategy], edgecolor="black", lw=0.5, zorder=3)
    ax.set_xlim(-0.03, 1.03)
    ax.set_yticks(positions)


def plot_cost_effect(
    ranking: pd.DataFrame,
    *,
    outcome: str,
    reference: str = st.REFERENCE,
    width: float = ONE_COLUMN,
) -> Figure:
    """Mean outcome over the ensemble against mean US cost per strategy; whiskers span the
    5th to 95th percentile of per-draw means (spread across parameter uncertainty)."""
    colors = strategy_colors(ranking["strategy"])
    with paper_style():
        fig = new_figure(width)
        ax = fig.subplots()
        for _, row in ranking.iterrows():
            color = colors[row["strategy"]]
            # the mean may lie outside its 5-95% range when draws are few and skewed
            ax.vlines(
                row["mean_cost"], row["spread_lower"], row["spread_upper"], color=color, lw=0.8, alpha=0.7
            )
            ax.scatter(row["mean_cost"], row["mean"], s=20, color=color, edgecolor="black", lw=0.5, zorder=3)
            ax.annotate(
                strategy_label(row["strategy"], reference), (row["mean_cost"], row["mean"]), xytext=(3, 2),
                textcoords="offset points", fontsize=6,
            )  # fmt: skip
        ax.set_xlabel("mean US cost over the horizon (budget units)")
        ax.set_ylabel(f"mean {outcome}\n(5–95% over draws)")
    return fig
