"""Figures over a design: the phase diagram over two parameters, Sobol and Morris indices."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.publish import statistics as st
from sim.publish.style import (
    OKABE_ITO,
    ONE_COLUMN,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    new_figure,
    paper_style,
    pretty,
    strategy_order,
)


def _grid_axis(values: pd.Series, bins: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Cell index per row, cell edges and tick positions (the grid values, or None when
    binned): exact values for a grid design, else ``bins`` equal-width bins."""
    unique = np.sort(values.dropna().unique().astype(float))
    if bins is None and unique.size <= 25:
        if unique.size == 1:
            edges = np.array([unique[0] - 0.5, unique[0] + 0.5])
        else:
            mids = (unique[1:] + unique[:-1]) / 2
            edges = np.concatenate(
                [[unique[0] - (mids[0] - unique[0])], mids, [unique[-1] + (unique[-1] - mids[-1])]]
            )
        index = np.searchsorted(unique, values.to_numpy(float))
        return index, edges, unique if unique.size <= 10 else None
    edges = np.linspace(unique[0], unique[-1], (bins or 8) + 1)
    index = np.clip(np.searchsorted(edges, values.to_numpy(float), side="right") - 1, 0, len(edges) - 2)
    return index, edges, None


def plot_phase_diagram(
    summary: pd.DataFrame,
    x: str,
    y: str,
    *,
    value: str = "intact",
    strategies: Sequence[str] | None = None,
    scenario: str | None = None,
    bins: int | None = None,
    reference: str = st.REFERENCE,
    width: float | None = None,
) -> Figure:
    """P(intact) (mean of ``value``) over a 2-D grid of two design parameters.

    Grid designs use their exact values as cells; scattered designs (Sobol, Latin
    hypercube) are binned into ``bins`` equal-width cells per axis. One panel per
    strategy; the 0.5 contour marks where the bloc is as likely split as intact.
    """
    data = summary if scenario is None else summary[summary["scenario"] == scenario]
    if "scenario" in data.columns and data["scenario"].nunique() > 1:
        raise ValueError("several scenarios present, pass scenario=")
    names = strategy_order(data["strategy"], reference) if strategies is None else list(strategies)
    ix, x_edges, x_ticks = _grid_axis(data[x], bins)
    iy, y_edges, y_ticks = _grid_axis(data[y], bins)
    cells = data.assign(_ix=ix, _iy=iy, _v=data[value].astype(float))
    width = width or (ONE_COLUMN if len(names) <= 1 else TWO_COLUMN)
    ncols = min(len(names), 4)
    nrows = -(-len(names) // ncols)
    with paper_style():
        fig = new_figure(width, 0.35 + nrows * 0.85 * width / ncols)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        mesh = None
        for k, ax in enumerate(axes.flat):
            if k >= len(names):
                ax.set_visible(False)
                continue
            part = cells[cells["strategy"] == names[k]]
            grid = np.full((len(y_edges) - 1, len(x_edges) - 1), np.nan)
            means = part.groupby(["_iy", "_ix"])["_v"].mean()
            for (j, i), v in means.items():
                grid[j, i] = v
            mesh = ax.pcolormesh(
                x_edges, y_edges, np.ma.masked_invalid(grid), cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1
            )
            finite = grid[np.isfinite(grid)]
            if min(grid.shape) >= 3 and finite.size and finite.min() < 0.5 < finite.max():
                xc, yc = (x_edges[1:] + x_edges[:-1]) / 2, (y_edges[1:] + y_edges[:-1]) / 2
                ax.contour(xc, yc, np.ma.masked_invalid(grid), levels=[0.5], colors="white", linewidths=0.8)
            ax.grid(False)
            if x_ticks is not None:
                ax.set_xticks(x_ticks)
            if y_ticks is not None:
                ax.set_yticks(y_ticks)
            ax.set_title(pretty(names[k]), fontsize=8)
            if k % ncols == 0:
                ax.set_ylabel(y)
            if k // ncols == nrows - 1 or k + ncols >= len(names):
                ax.set_xlabel(x)
        fig.colorbar(mesh, ax=axes, label=f"P({pretty(value)})", shrink=0.8)
    return fig


def plot_sobol(indices: pd.DataFrame, *, width: float = ONE_COLUMN) -> Figure:
    """First-order (S1) and total (ST) Sobol indices per parameter with CI error bars.

    Parameters are sorted by ST, most influential on top; a gap between ST and S1 is the
    share of variance due to interactions.
    """
    data = indices.sort_values("ST", ascending=True).reset_index(drop=True)
    pos = np.arange(len(data))
    with paper_style():
        fig = new_figure(width, max(1.6, 0.7 + 0.3 * len(data)))
        ax = fig.add_subplot()
        h = 0.38
        ax.barh(
            pos + h / 2,
            data["ST"],
            h,
            xerr=data["ST_conf"],
            color=OKABE_ITO["vermillion"],
            label="total (ST)",
            error_kw={"lw": 0.7},
        )
        ax.barh(
            pos - h / 2,
            data["S1"],
            h,
            xerr=data["S1_conf"],
            color=OKABE_ITO["blue"],
            label="first order (S1)",
            error_kw={"lw": 0.7},
        )
        ax.set_yticks(pos, data["parameter"])
        ax.axvline(0, color="#333333", lw=0.6)
        ax.set_xlabel("Sobol index")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right")
    return fig


def plot_morris(indices: pd.DataFrame, *, width: float = ONE_COLUMN) -> Figure:
    """Morris screening: mu* (influence, with CI) against sigma (non-linearity/interaction).

    Points above the dotted line sigma = mu* act mainly through interactions or
    non-linear effects.
    """
    with paper_style():
        fig = new_figure(width, width * 0.8)
        ax = fig.add_subplot()
        ax.errorbar(
            indices["mu_star"],
            indices["sigma"],
            xerr=indices["mu_star_conf"],
            fmt="o",
            color=OKABE_ITO["blue"],
            ms=4,
            lw=0.7,
        )
        for _, row in indices.iterrows():
            ax.annotate(
                str(row["parameter"]),
                (row["mu_star"], row["sigma"]),
                fontsize=7,
                xytext=(3, 3),
                textcoords="offset points",
            )
        top = (
            float(np.nanmax(np.r_[indices["mu_star"] + indices["mu_star_conf"], indices["sigma"], 1e-12]))
            * 1.1
        )
        ax.plot([0, top], [0, top], ls=":", color="#777777", lw=0.8, label=r"$\sigma = \mu^*$")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(r"$\mu^*$ (mean |elementary effect|)")
        ax.set_ylabel(r"$\sigma$")
        ax.legend(loc="upper left")
    return fig
