"""Figure of a scenario discovery: PRIM's peeling trajectory, the chosen box and feature scores."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.publish.discovery import short
from sim.publish.style import OKABE_ITO, SEQUENTIAL_CMAP, TWO_COLUMN, new_figure, paper_style


def plot_discovery(
    trajectory: pd.DataFrame,
    chosen: int,
    limits: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    title: str = "",
    top: int = 8,
    width: float = TWO_COLUMN,
) -> Figure:
    """(a) coverage against density of every box PRIM peeled, coloured by the number of
    restricted parameters, the chosen box circled; (b) the chosen box's limits as a share of
    each restricted parameter's range, with quasi-p-values; (c) extra-trees feature scores."""
    with paper_style():
        fig = new_figure(width, 2.5)
        ax_peel, ax_box, ax_score = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1.3, 1]})
        points = ax_peel.scatter(
            trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap=SEQUENTIAL_CMAP, s=10
        )
        ax_peel.scatter(
            [trajectory.loc[chosen, "coverage"]], [trajectory.loc[chosen, "density"]],
            s=70, facecolor="none", edgecolor=OKABE_ITO["vermillion"], lw=1.2, zorder=3,
        )  # fmt: skip
        fig.colorbar(points, ax=ax_peel, label="restricted parameters", shrink=0.8)
        ax_peel.set_xlabel("coverage")
        ax_peel.set_ylabel("density")
        ax_peel.set_title("(a) peeling trajectory")
        _box_panel(ax_box, limits)
        ranked = scores.head(top).iloc[::-1]
        ax_score.barh(np.arange(len(ranked)), ranked["score"], color=OKABE_ITO["blue"], alpha=0.8)
        ax_score.set_yticks(np.arange(len(ranked)), [_tick(p) for p in ranked["parameter"]])
        ax_score.tick_params(axis="y", labelsize=6)
        ax_score.set_xlabel("feature score\n(extra trees)")
        ax_score.set_title("(c) feature scores")
        ax_score.grid(axis="y", visible=False)
        if title:
            fig.suptitle(title)
    return fig


def _tick(parameter: str) -> str:
    """A parameter's short name on at most two lines, so three panels fit the text width."""
    return textwrap.fill(short(parameter), 24, max_lines=2, placeholder="…")


def _box_panel(ax, limits: pd.DataFrame) -> None:
    span = (limits["full_high"] - limits["full_low"]).replace(0, np.nan)
    low = (limits["low"] - limits["full_low"]) / span
    high = (limits["high"] - limits["full_low"]) / span
    positions = np.arange(len(limits))
    ax.barh(positions, [1] * len(limits), color="#EEEEEE", edgecolor="#BBBBBB", lw=0.5)
    ax.barh(positions, high - low, left=low, color=OKABE_ITO["vermillion"], alpha=0.7)
    for pos, (_, row) in zip(positions, limits.iterrows(), strict=True):
        qp = [q for q in (row["qp_low"], row["qp_high"]) if np.isfinite(q)]
        text = f"{row['low']:.3g}–{row['high']:.3g}" + (f"  qp {max(qp):.2g}" if qp else "")
        ax.text(1.02, pos, text, va="center", fontsize=6)
    ax.set_yticks(positions, [_tick(p) for p in limits["parameter"]])
    ax.tick_params(axis="y", labelsize=6)
    ax.set_xlim(0, 1.6)
    ax.set_xticks([0, 0.5, 1])
    ax.set_xlabel("share of the parameter's range")
    ax.set_title("(b) chosen box")
    ax.grid(axis="y", visible=False)
