"""The distribution of a metric at the horizon, per strategy: box, replicate points and mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.common.vocabulary import metric_label
from sim.publish import statistics as st
from sim.publish.style import (
    ONE_COLUMN,
    at_horizon,
    axis_label,
    few_ticks,
    new_figure,
    panel_title,
    paper_style,
    scenario_panels,
    strategy_colors,
    strategy_label,
)

WHISKERS = (2.5, 97.5)  # percentiles: the whiskers span the central 95% of worlds


def _key(max_points: int, largest: int) -> list[Patch | Line2D]:
    """What each mark of the figure means (the box plot has no self-evident grammar)."""
    dots = f"dots: {max_points} random worlds per strategy" if largest > max_points else "dots: every world"
    return [
        Patch(facecolor="#BBBBBB", edgecolor="#555555", lw=0.5, label="box: middle 50% of worlds"),
        Line2D([], [], color="black", lw=1, label="bar: median"),
        Line2D([], [], color="#555555", lw=0.7, label="whiskers: central 95%"),
        Line2D([], [], marker="D", ls="", ms=4, mfc="white", mec="black", mew=0.6, label="diamond: mean"),
        Line2D([], [], marker="o", ls="", ms=2.5, color="#777777", label=dots),
    ]


def plot_final_distribution(
    summary: pd.DataFrame,
    metric: str = "cohesion",
    *,
    scenario: str | None = None,
    reference: str = st.REFERENCE,
    max_points: int = 200,
    seed: int = 0,
    horizon: int | None = None,
    width: float = ONE_COLUMN,
) -> Figure:
    """Distribution of ``metric`` at the horizon per strategy: box plus replicate points.

    Strategies are sorted by mean (lowest on top, i.e. the strongest wedge on cohesion).
    At most ``max_points`` worlds per strategy are drawn as dots (a random subsample,
    said so in the key) and rasterised so the PDF stays small; the box, whiskers, median
    and mean use every world. The key explains each mark.
    """
    colors = strategy_colors(summary["strategy"])
    panels = scenario_panels(summary, scenario)
    rng = np.random.default_rng(seed)
    n_strategies = summary["strategy"].nunique()
    largest = int(summary.groupby([c for c in ("scenario", "strategy") if c in summary]).size().max())
    with paper_style():
        fig = new_figure(width, max(2.6, 1.5 + 0.26 * n_strategies))
        axes = fig.subplots(1, len(panels), sharex=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            means = part.groupby("strategy")[metric].mean().sort_values(ascending=False)
            order = list(means.index)
            data = [part.loc[part["strategy"] == s, metric].dropna().to_numpy(float) for s in order]
            positions = np.arange(len(order))
            box = ax.boxplot(
                data,
                positions=positions,
                orientation="horizontal",
                widths=0.55,
                whis=WHISKERS,
                showfliers=False,
                patch_artist=True,
                medianprops={"color": "black", "lw": 1},
                whiskerprops={"color": "#555555", "lw": 0.7},
                capprops={"color": "#555555", "lw": 0.7},
            )
            for patch, s in zip(box["boxes"], order, strict=True):
                patch.set(facecolor=colors[s], alpha=0.35, edgecolor=colors[s])
            for pos, values, s in zip(positions, data, order, strict=True):
                shown = values if values.size <= max_points else rng.choice(values, max_points, replace=False)
                jitter = rng.uniform(-0.18, 0.18, shown.size)
                ax.scatter(
                    shown, pos + jitter, s=3, color=colors[s], alpha=0.5, lw=0, rasterized=shown.size > 50
                )
                ax.scatter(
                    [values.mean()],
                    [pos],
                    marker="D",
                    s=14,
                    color="white",
                    edgecolor="black",
                    lw=0.6,
                    zorder=3,
                )
            ax.set_yticks(positions, [strategy_label(s, reference) for s in order])
            ax.set_xlabel(axis_label(metric_label(metric, where=at_horizon(horizon)), width * 0.6))
            few_ticks(ax, "x")
            ax.grid(axis="y", visible=False)
            panel_title(ax, name, len(panels) > 1)
        fig.legend(handles=_key(max_points, largest), loc="outside lower center", ncols=2, fontsize=7)
    return fig
