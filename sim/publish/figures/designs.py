"""Figures over a design: the phase diagram over two parameters, Sobol and Morris indices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.patheffects as path_effects
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.publish import statistics as st
from sim.publish.style import (
    OKABE_ITO,
    ONE_COLUMN,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    axis_label,
    few_ticks,
    label_of,
    new_figure,
    paper_style,
    strategy_label,
    strategy_order,
    two_lines,
)

CONTOUR = {"colors": "white", "linewidths": 0.9}
CONTOUR_EDGE = [path_effects.withStroke(linewidth=1.8, foreground="black")]


def _grid_axis(values: pd.Series, bins: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Cell index per row and cell edges: the exact values of a grid design (up to 25),
    else ``bins`` equal-width bins."""
    unique = np.sort(values.dropna().unique().astype(float))
    if bins is None and unique.size <= 25:
        if unique.size == 1:
            edges = np.array([unique[0] - 0.5, unique[0] + 0.5])
        else:
            mids = (unique[1:] + unique[:-1]) / 2
            edges = np.concatenate(
                [[unique[0] - (mids[0] - unique[0])], mids, [unique[-1] + (unique[-1] - mids[-1])]]
            )
        return np.searchsorted(unique, values.to_numpy(float)), edges
    edges = np.linspace(unique[0], unique[-1], (bins or 8) + 1)
    index = np.clip(np.searchsorted(edges, values.to_numpy(float), side="right") - 1, 0, len(edges) - 2)
    return index, edges


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
    horizon: int | None = None,
    labels: Mapping[str, str] | None = None,
    width: float | None = None,
) -> Figure:
    """P(intact at the horizon) (mean of ``value``) over a 2-D grid of two design parameters.

    Grid designs use their exact values as cells; scattered designs (Sobol, Latin
    hypercube) are binned into ``bins`` equal-width cells per axis. One panel per
    strategy; a white line, keyed below the panels, marks where the bloc is as likely
    split as intact (P = 0.5). Axis labels come from ``labels`` (config path -> label).
    """
    data = summary if scenario is None else summary[summary["scenario"] == scenario]
    if "scenario" in data.columns and data["scenario"].nunique() > 1:
        raise ValueError("several scenarios present, pass scenario=")
    names = strategy_order(data["strategy"], reference) if strategies is None else list(strategies)
    ix, x_edges = _grid_axis(data[x], bins)
    iy, y_edges = _grid_axis(data[y], bins)
    cells = data.assign(_ix=ix, _iy=iy, _v=data[value].astype(float))
    width = width or (ONE_COLUMN if len(names) <= 1 else TWO_COLUMN)
    ncols = min(len(names), max(1, int(width // 1.7)))
    nrows = -(-len(names) // ncols)
    when = f"at month {horizon}" if horizon is not None else "at the horizon"
    with paper_style():
        fig = new_figure(width, 0.9 + nrows * 0.8 * min(width / ncols, 3.0))
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)
        mesh, contoured = None, False
        for k, ax in enumerate(axes.flat):
            if k >= len(names):
                ax.set_visible(False)
                continue
            part = cells[cells["strategy"] == names[k]]
            grid = np.full((len(y_edges) - 1, len(x_edges) - 1), np.nan)
            for (j, i), v in part.groupby(["_iy", "_ix"])["_v"].mean().items():
                grid[j, i] = v
            mesh = ax.pcolormesh(
                x_edges, y_edges, np.ma.masked_invalid(grid), cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1
            )
            finite = grid[np.isfinite(grid)]
            if min(grid.shape) >= 3 and finite.size and finite.min() < 0.5 < finite.max():
                xc, yc = (x_edges[1:] + x_edges[:-1]) / 2, (y_edges[1:] + y_edges[:-1]) / 2
                lines = ax.contour(xc, yc, np.ma.masked_invalid(grid), levels=[0.5], **CONTOUR)
                lines.set(path_effects=CONTOUR_EDGE)
                contoured = True
            ax.grid(False)
            few_ticks(ax, "x", 4 if ncols > 1 else 5)
            few_ticks(ax, "y", 5)
            ax.set_title(strategy_label(names[k]), fontsize=8)
            if k % ncols == 0:
                ax.set_ylabel(axis_label(label_of(y, labels), fig.get_figheight() / nrows * 0.8))
            if k // ncols == nrows - 1 or k + ncols >= len(names):
                ax.set_xlabel(axis_label(label_of(x, labels), width / ncols * 0.8))
        fig.colorbar(mesh, ax=axes, label=f"P(bloc intact {when})", shrink=0.8)
        if contoured:
            key = Line2D([], [], path_effects=CONTOUR_EDGE, label="P = 0.5", **{"color": "white", "lw": 0.9})
            fig.legend(handles=[key], loc="outside lower center", fontsize=7)
    return fig


def plot_sobol(
    indices: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    width: float = ONE_COLUMN,
) -> Figure:
    """First-order (S1) and total (ST) Sobol indices per parameter with CI error bars.

    Parameters are sorted by ST, most influential on top; a gap between ST and S1 is the
    share of variance due to interactions. ``title`` names the strategy and the outcome.
    """
    data = indices.sort_values("ST", ascending=True).reset_index(drop=True)
    pos = np.arange(len(data))
    with paper_style():
        fig = new_figure(width, max(2.2, 1.2 + 0.36 * len(data)))
        ax = fig.add_subplot()
        h = 0.38
        bars = {"error_kw": {"lw": 0.7, "ecolor": "#333333"}}
        ax.barh(pos + h / 2, data["ST"], h, xerr=data["ST_conf"], color=OKABE_ITO["vermillion"],
                label="total (ST)", **bars)  # fmt: skip
        ax.barh(pos - h / 2, data["S1"], h, xerr=data["S1_conf"], color=OKABE_ITO["blue"],
                label="first order (S1)", **bars)  # fmt: skip
        ax.set_yticks(pos, [two_lines(label_of(name, labels)) for name in data["parameter"]], fontsize=6.5)
        ax.axvline(0, color="#333333", lw=0.6)
        ax.set_xlabel("Sobol index (share of variance)")
        few_ticks(ax, "x", 5)
        ax.grid(axis="y", visible=False)
        whisker = Line2D([], [], color="#333333", lw=0.7, marker="|", ms=5, label="95% interval")
        handles = [*ax.get_legend_handles_labels()[0][::-1], whisker]
        fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7)
        if title:
            fig.suptitle(title, fontsize=8)
    return fig


def plot_morris(
    indices: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    outcome: str = "the outcome",
    width: float = ONE_COLUMN,
) -> Figure:
    """Morris screening, one row per parameter, most influential on top: mu* (mean
    absolute elementary effect, with its interval) and sigma (their spread).

    Rows, unlike labelled points in a mu*-sigma plane, never collide however many
    parameters share similar values. A sigma beyond mu* flags non-linear effects or
    interactions. Effects are changes of ``outcome`` over the full range of a parameter.
    """
    data = indices.sort_values("mu_star", ascending=True).reset_index(drop=True)
    pos = np.arange(len(data))
    with paper_style():
        fig = new_figure(width, max(2.2, 1.3 + 0.34 * len(data)))
        ax = fig.add_subplot()
        ax.errorbar(data["mu_star"], pos, xerr=data["mu_star_conf"], fmt="o", color=OKABE_ITO["blue"],
                    ms=4, lw=0.8, label=r"$\mu^*$: mean |effect| (95% interval)")  # fmt: skip
        ax.plot(data["sigma"], pos, "D", ms=3.5, mfc="white", mec=OKABE_ITO["vermillion"], mew=1.0,
                label=r"$\sigma$: spread of effects")  # fmt: skip
        ax.set_yticks(pos, [two_lines(label_of(name, labels)) for name in data["parameter"]], fontsize=6.5)
        ax.set_xlim(left=0)
        ax.set_xlabel(axis_label(f"elementary effect on {outcome} (per full parameter range)", width * 0.55))
        few_ticks(ax, "x", 5)
        ax.grid(axis="y", visible=False)
        handles, names = ax.get_legend_handles_labels()
        fig.legend(handles[::-1], names[::-1], loc="outside lower center", ncols=1, fontsize=7)
        if title:
            fig.suptitle(title, fontsize=8)
    return fig
