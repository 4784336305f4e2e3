"""The Pareto front of optimised portfolios against US cost, with the named strategies on it."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.publish.style import OKABE_ITO, ONE_COLUMN, new_figure, paper_style, pretty


def plot_pareto(
    trials: pd.DataFrame,
    named: pd.DataFrame,
    *,
    objective: str,
    highlight: str = "adaptive",
    width: float = ONE_COLUMN,
) -> Figure:
    """Every finished trial (grey), the Pareto front (a step line through its portfolios) and
    the named strategies evaluated on the same draws (labelled squares; ``highlight`` filled).

    ``trials`` has ``cost``, ``value`` and ``front`` (bool); ``named`` has ``strategy``,
    ``cost`` and ``value``.
    """
    with paper_style():
        fig = new_figure(width, width * 0.8)
        ax = fig.subplots()
        rest = trials[~trials["front"]]
        ax.scatter(rest["cost"], rest["value"], s=6, color="#AAAAAA", lw=0, label="portfolios tried")
        front = trials[trials["front"]].sort_values("cost")
        ax.step(front["cost"], front["value"], where="post", color=OKABE_ITO["vermillion"], lw=1)
        ax.scatter(
            front["cost"], front["value"], s=14, color=OKABE_ITO["vermillion"], label="Pareto front", zorder=3
        )
        for _, row in named.iterrows():
            filled = row["strategy"] == highlight
            ax.scatter(
                row["cost"], row["value"], marker="s", s=18, zorder=4, lw=0.7,
                color=OKABE_ITO["blue"] if filled else "white", edgecolor=OKABE_ITO["blue"],
            )  # fmt: skip
            ax.annotate(
                pretty(row["strategy"]), (row["cost"], row["value"]), xytext=(3, 2),
                textcoords="offset points", fontsize=6, color=OKABE_ITO["blue"],
            )  # fmt: skip
        ax.scatter(
            [], [], marker="s", s=18, color="white", edgecolor=OKABE_ITO["blue"], label="named strategies"
        )
        ax.set_xlabel("mean US cost over the horizon (budget units)")
        ax.set_ylabel(objective)
        ax.legend(loc="best", frameon=False, fontsize=6)
    return fig
