"""The bloc's ties: per-dyad heat maps and the network at the start and the horizon."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.publish.style import (
    ONE_COLUMN,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    new_figure,
    one_strategy,
    paper_style,
    pretty,
)

NO_SELF_TIE = "#E8E8E8"
EDGE_KEY_WEIGHTS = (0.1, 0.3, 0.6)


def _edge_width(weight: float) -> float:
    return 0.3 + 5 * weight


def _text_color(rgb: tuple[float, ...]) -> str:
    """Black on light fills, white on dark ones (relative luminance, WCAG)."""
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(rgb)]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "black" if luminance > 0.22 else "white"


def _what(ties: pd.DataFrame, strategy: str | None) -> str:
    """The figure's title: which strategy, and over how many worlds."""
    name = strategy if strategy is not None else (ties["strategy"].iloc[0] if "strategy" in ties else None)
    worlds = ties["replicate"].nunique()
    return (
        f"{pretty(name)}: mean over {worlds:,} worlds" if name is not None else f"mean over {worlds:,} worlds"
    )


def _dyad_matrix(ties: pd.DataFrame, members: list[str], n_replicates: int) -> np.ndarray:
    """Mean directed tie weight (source row, target column); ties absent from the table count
    as zero, so each cell is a sum over replicates (and layers) divided by their number."""
    layers = max(1, ties["layer"].nunique())
    total = ties.groupby(["source", "target"])["weight"].sum() / (n_replicates * layers)
    matrix = total.unstack().reindex(index=members, columns=members).to_numpy(float)
    matrix = np.nan_to_num(matrix, nan=0.0)
    np.fill_diagonal(matrix, np.nan)
    return matrix


def _endpoints(ties: pd.DataFrame, steps: tuple[int, int] | None) -> tuple[int, int]:
    """First and last step in the table unless chosen explicitly."""
    if steps is not None:
        return steps
    return int(ties["step"].min()), int(ties["step"].max())


def _step_label(ties: pd.DataFrame, step: int, what: str) -> str:
    """'2025-01 (start)' when dates are present, else 'month 0 (start)'."""
    rows = ties.loc[ties["step"] == step]
    if "date" in ties.columns and len(rows):
        return f"{rows['date'].iloc[0]} ({what})"
    return f"month {step} ({what})"


def plot_tie_heatmaps(
    ties: pd.DataFrame,
    *,
    strategy: str | None = None,
    per_layer: bool = False,
    steps: tuple[int, int] | None = None,
    annotate: bool = True,
    width: float | None = None,
) -> Figure:
    """Per-dyad mean tie weight at the start and the horizon (mean over replicates).

    Rows are sources, columns targets (ties can be directed). Layers are averaged (named in
    the colour bar), or with ``per_layer=True`` drawn as columns (start on the top row,
    horizon below). The diagonal is grey: a member has no tie to itself. The title names
    the strategy and the number of worlds.
    """
    ties = one_strategy(ties, strategy)
    layer_names = sorted(ties["layer"].unique())
    members = sorted(set(ties["source"]) | set(ties["target"]))
    n_rep = max(1, ties["replicate"].nunique())
    first, last = _endpoints(ties, steps)
    layers = sorted(ties["layer"].unique()) if per_layer else [None]
    with paper_style():
        if per_layer:
            width = width or TWO_COLUMN
            fig = new_figure(width, 0.9 + 2 * width / (len(layers) + 0.6))
            axes = fig.subplots(2, len(layers), squeeze=False)
        else:
            width = width or ONE_COLUMN
            fig = new_figure(width, min(width * 0.72, 3.6))
            axes = fig.subplots(1, 2, squeeze=False).T
        image = None
        for col, layer in enumerate(layers):
            subset = ties if layer is None else ties[ties["layer"] == layer]
            for row, (step, what) in enumerate(((first, "start"), (last, "horizon"))):
                ax = axes[row, col]
                matrix = _dyad_matrix(subset[subset["step"] == step], members, n_rep)
                cmap = mpl.colormaps[SEQUENTIAL_CMAP].with_extremes(bad=NO_SELF_TIE)
                image = ax.imshow(matrix, cmap=cmap, vmin=0, vmax=1)
                ax.set_xticks(
                    range(len(members)), members, rotation=90 if len(members) > 4 else 0, fontsize=7
                )
                ax.set_yticks(range(len(members)), members, fontsize=7)
                if col == 0 and (row == 0 or per_layer):
                    ax.set_ylabel("from")
                if row == axes.shape[0] - 1 or not per_layer:
                    ax.set_xlabel("to")
                ax.grid(False)
                ax.tick_params(length=0)
                for spine in ax.spines.values():
                    spine.set_visible(False)
                title = _step_label(ties, step, what)
                ax.set_title(title if layer is None else f"{pretty(layer)}\n{title}", fontsize=8)
                if annotate and len(members) <= 8:
                    for (i, j), value in np.ndenumerate(matrix):
                        if np.isfinite(value):
                            ax.text(
                                j,
                                i,
                                f"{value:.2f}",
                                ha="center",
                                va="center",
                                fontsize=6,
                                color="white" if value < 0.55 else "black",
                            )
        averaged = "" if per_layer else f", mean of {len(layer_names)} layers"
        fig.colorbar(image, ax=axes, label=f"tie weight (0–1){averaged}", shrink=0.8)
        fig.suptitle(_what(ties, strategy), fontsize=8)
        no_self = Patch(facecolor=NO_SELF_TIE, edgecolor="#999999", lw=0.5, label="grey: no tie to itself")
        layers_note = ", ".join(layer_names) if not per_layer else "one panel per layer"
        fig.legend(
            handles=[no_self, Patch(alpha=0, label=f"layers: {layers_note}")],
            loc="outside lower center",
            ncols=1,
            fontsize=7,
            handlelength=1.0,
        )
    return fig


def _undirected_weights(ties: pd.DataFrame, n_replicates: int) -> dict[tuple[str, str], float]:
    """Dyad strength for drawing: per layer the stronger direction, then the mean over
    layers and replicates (absent ties count as zero)."""
    if ties.empty:
        return {}
    source, target = ties["source"].to_numpy(str), ties["target"].to_numpy(str)
    a, b = np.where(source < target, source, target), np.where(source < target, target, source)
    frame = ties.assign(a=a, b=b)
    frame = frame[frame["a"] != frame["b"]]
    strongest = frame.groupby(["replicate", "layer", "a", "b"])["weight"].max()
    layers = max(1, ties["layer"].nunique())
    mean = strongest.groupby(level=["a", "b"]).sum() / (n_replicates * layers)
    return {(str(i), str(j)): float(w) for (i, j), w in mean.items()}


def plot_network(
    ties: pd.DataFrame,
    *,
    strategy: str | None = None,
    steps: tuple[int, int] | None = None,
    aligned_start: Mapping[str, float] | None = None,
    aligned_end: Mapping[str, float] | None = None,
    min_weight: float = 0.01,
    width: float = ONE_COLUMN,
) -> Figure:
    """The bloc as a network at the start and the horizon, same layout in both panels.

    Edge width is the mean tie weight (layers and replicates averaged, stronger direction
    per layer), with a key of widths. Nodes are coloured by the share of replicates in which
    the member is still aligned when ``aligned_start``/``aligned_end`` (member -> share) are
    given; labels are white on dark nodes, black on light ones.
    """
    ties = one_strategy(ties, strategy)
    members = sorted(set(ties["source"]) | set(ties["target"]))
    n_rep = max(1, ties["replicate"].nunique())
    first, last = _endpoints(ties, steps)
    layout = nx.circular_layout(members)
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    norm = Normalize(0, 1)
    with paper_style():
        fig = new_figure(width, width * 0.78)
        axes = fig.subplots(1, 2, squeeze=False)[0]
        for ax, step, what, shares in (
            (axes[0], first, "start", aligned_start),
            (axes[1], last, "horizon", aligned_end),
        ):
            graph = nx.Graph()
            graph.add_nodes_from(members)
            weights = _undirected_weights(ties[ties["step"] == step], n_rep)
            graph.add_weighted_edges_from((i, j, w) for (i, j), w in weights.items() if w >= min_weight)
            edge_w = [graph.edges[e]["weight"] for e in graph.edges]
            nx.draw_networkx_edges(
                graph,
                layout,
                ax=ax,
                width=[_edge_width(w) for w in edge_w],
                edge_color="#555555",
                alpha=0.8,
            )
            if shares is None:
                colors = ["#BBD7EA"] * len(members)
            else:
                colors = [cmap(norm(shares.get(m, np.nan))) for m in members]
            nx.draw_networkx_nodes(
                graph,
                layout,
                ax=ax,
                node_color=colors,
                node_size=380,
                edgecolors="#333333",
                linewidths=0.6,
            )
            for member, color in zip(members, colors, strict=True):
                x, y = layout[member]
                ax.text(x, y, member, ha="center", va="center", fontsize=7, color=_text_color(color))
            ax.set_title(_step_label(ties, step, what), fontsize=8)
            ax.set_axis_off()
            ax.margins(0.18)
            ax.set_aspect("equal")
        if aligned_start is not None or aligned_end is not None:
            mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
            fig.colorbar(mappable, ax=axes, label="share of worlds\nin which aligned", shrink=0.7)
        fig.suptitle(_what(ties, strategy), fontsize=8)
        widths = [
            Line2D([], [], color="#555555", lw=_edge_width(w), label=f"{w:g}") for w in EDGE_KEY_WEIGHTS
        ]
        fig.legend(
            handles=widths,
            loc="outside lower center",
            ncols=len(widths),
            title="line width: mean tie weight over the layers",
            title_fontsize=7,
            fontsize=7,
        )
    return fig
