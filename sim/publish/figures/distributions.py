"""The distribution of a metric at the horizon, per strategy: box, replicate points and mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.publish import statistics as st
from sim.publish.style import (
    ONE_COLUMN,
    new_figure,
    panel_title,
    paper_style,
    pretty,
    scenario_panels,
    strategy_colors,
)


def plot_final_distribution(
    summary: pd.DataFrame,
    metric: str = "cohesion",
    *,
    scenario: str | None = None,
    reference: str = st.REFERENCE,
    max_points: int = 200,
    seed: int = 0,
    width: float = ONE_COLUMN,
) -> Figure:
    """Distribution of ``metric`` at the horizon per strategy: box plus replicate points.

    Strategies are sorted by mean (lowest first, i.e. strongest wedge on cohesion at the
    top). Points are subsampled to ``max_points`` per strategy and rasterised so the PDF
    stays small; a white diamond marks the mean.
    """
    colors = strategy_colors(summary["strategy"], reference)
    panels = scenario_panels(summary, scenario)
    rng = np.random.default_rng(seed)
    n_strategies = summary["strategy"].nunique()
    with paper_style():
        fig = new_figure(width, max(2.0, 0.8 + 0.28 * n_strategies))
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
                showfliers=False,
                patch_artist=True,
                medianprops={"color": "black", "lw": 1},
                whiskerprops={"color": "#555555", "lw": 0.7},
                capprops={"color": "#555555", "lw": 0.7},
            )
            for patch, s in zip(box["boxes"], order, strict=True):
                patch.set(facecolor=colors[s], alpha=0.35, edgecolor=colors[s])
            for pos, values, s in zip(positions, data, order, strict=True):
                shown = values if values.size <= max_points else rng.choice(values, max_points)
                jitter = rng.uniform(-0.18, 0.18, shown.size)
                ax.scatter(
                    shown,
                    pos + jitter,
                    s=3,
                    color=colors[s],
                    alpha=0.5,
                    lw=0,
                    rasterized=shown.size > 50,
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
            ax.set_yticks(positions, [pretty(s) for s in order])
            ax.set_xlabel(f"{pretty(metric)} at horizon")
            ax.grid(axis="y", visible=False)
            panel_title(ax, name, len(panels) > 1)
    return fig
