"""The bloc's ties: per-dyad heat maps and the network at the start and the horizon."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib as mpl
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.publish.style import (
    ONE_COLUMN,
    SEQUENTIAL_CMAP,
    TWO_COLUMN,
    new_figure,
    one_strategy,
    paper_style,
    pretty,
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
) -> Figure:
    """Per-dyad mean tie weight at the start and the horizon (mean over replicates).

    Rows are sources, columns targets (ties can be directed). Layers are averaged, or with
    ``per_layer=True`` drawn as columns (start on the top row, horizon below).
    """
    ties = one_strategy(ties, strategy)
    members = sorted(set(ties["source"]) | set(ties["target"]))
    n_rep = max(1, ties["replicate"].nunique())
    first, last = _endpoints(ties, steps)
    layers = sorted(ties["layer"].unique()) if per_layer else [None]
    with paper_style():
        if per_layer:
            fig = new_figure(TWO_COLUMN, 0.45 + 2 * TWO_COLUMN / (len(layers) + 0.6))
            axes = fig.subplots(2, len(layers), squeeze=False)
        else:
            fig = new_figure(ONE_COLUMN, ONE_COLUMN * 0.58)
            axes = fig.subplots(1, 2, squeeze=False).T
        image = None
        for col, layer in enumerate(layers):
            subset = ties if layer is None else ties[ties["layer"] == layer]
            for row, (step, what) in enumerate(((first, "start"), (last, "horizon"))):
                ax = axes[row, col]
                matrix = _dyad_matrix(subset[subset["step"] == step], members, n_rep)
                image = ax.imshow(matrix, cmap=SEQUENTIAL_CMAP, vmin=0, vmax=1)
                ax.set_xticks(range(len(members)), members, rotation=90 if len(members) > 6 else 0)
                ax.set_yticks(range(len(members)), members)
                if col == 0:
                    ax.set_ylabel("source")
                if row == axes.shape[0] - 1 or not per_layer:
                    ax.set_xlabel("target")
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
        fig.colorbar(image, ax=axes, label="mean tie weight", shrink=0.8)
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
    per layer). Nodes are coloured by the share of replicates in which the member is still
    aligned when ``aligned_start``/``aligned_end`` (member -> share) are given.
    """
    ties = one_strategy(ties, strategy)
    members = sorted(set(ties["source"]) | set(ties["target"]))
    n_rep = max(1, ties["replicate"].nunique())
    first, last = _endpoints(ties, steps)
    layout = nx.circular_layout(members)
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    norm = Normalize(0, 1)
    with paper_style():
        fig = new_figure(width, width * 0.55)
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
                width=[0.3 + 5 * w for w in edge_w],
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
            nx.draw_networkx_labels(graph, layout, ax=ax, font_size=7, font_family="sans-serif")
            ax.set_title(_step_label(ties, step, what), fontsize=8)
            ax.set_axis_off()
            ax.margins(0.18)
            ax.set_aspect("equal")
        if aligned_start is not None or aligned_end is not None:
            mappable = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
            fig.colorbar(mappable, ax=axes, label="share aligned", shrink=0.7)
    return fig
