"""Paper figures in the project's style, drawn from result tables only.

Each figure function takes tidy frames (run summary, time series, ties, or sensitivity
indices), computes what it shows through ``sim.publish.statistics`` and returns a matplotlib
``Figure``; none runs the model or opens a window. Figures are built on
``matplotlib.figure.Figure`` directly (no pyplot state, safe under any backend, nothing
to close) inside the project style, sized for one- or two-column journals, and carry
uncertainty (bands or intervals across replicates). ``save_figure`` writes PDF and PNG
atomically so a crashed rebuild never leaves a half-written figure in a paper folder.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.style
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from sim.experiment.storage import atomic_write_bytes
from sim.publish import statistics as st

STYLE_PATH = Path(__file__).with_name("style") / "paper.mplstyle"
ONE_COLUMN = 3.5  # inches: single-column width of most journals
TWO_COLUMN = 7.2  # inches: full text width
GOLDEN = 0.618
DPI = 300
OKABE_ITO = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
_REFERENCE_COLOR = OKABE_ITO["black"]
_STRATEGY_PALETTE = [c for k, c in OKABE_ITO.items() if k not in {"black"}] + ["#999999"]
SEQUENTIAL_CMAP = "cividis"  # perceptually uniform and colour-vision-deficiency safe


# ----------------------------------------------------------------- style and output


@contextmanager
def paper_style() -> Iterator[None]:
    """Apply the project style only while a figure is built or saved (no global side effect)."""
    with mpl.style.context(STYLE_PATH):
        yield


def use_paper_style() -> None:
    """Make the project style the session default (for notebooks and ad-hoc plots)."""
    mpl.style.use(STYLE_PATH)


def _atomic_savefig(fig: Figure, target: Path, fmt: str, dpi: int) -> None:
    """Render in memory, then write through a temporary file and a rename (readers never
    see a partial file)."""
    buffer = io.BytesIO()
    metadata = {"CreationDate": None} if fmt == "pdf" else None  # reproducible PDFs
    fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    atomic_write_bytes(target, buffer.getvalue())


def save_figure(
    fig: Figure,
    path_without_suffix: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("pdf", "png"),
    dpi: int = DPI,
) -> tuple[Path, ...]:
    """Write ``fig`` as vector PDF and 300-dpi PNG next to each other; return the paths.

    The suffix is appended (not substituted), so names containing dots such as
    ``sobol_us.credibility`` survive. Parent folders are created.
    """
    base = Path(path_without_suffix)
    base.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    with paper_style():
        for fmt in formats:
            target = base.with_name(f"{base.name}.{fmt}")
            _atomic_savefig(fig, target, fmt, dpi)
            paths.append(target)
    return tuple(paths)


def _figure(width: float, height: float | None = None) -> Figure:
    """New styled figure (call inside ``paper_style``); default height keeps a golden ratio."""
    return Figure(figsize=(width, height if height is not None else width * GOLDEN))


# ----------------------------------------------------------------- strategies


def pretty(name: object) -> str:
    """Human label from a config name: ``pyongyang_deal`` -> ``pyongyang deal``."""
    return str(name).replace("_", " ")


def strategy_order(strategies: Iterable[str], reference: str = st.REFERENCE) -> list[str]:
    """Reference first, then alphabetical: the same order in every figure and table."""
    names = sorted(set(strategies))
    return ([reference] if reference in names else []) + [s for s in names if s != reference]


def strategy_colors(strategies: Iterable[str], reference: str = st.REFERENCE) -> dict[str, str]:
    """Fixed colour per strategy: black for the reference, Okabe-Ito for the rest.

    Colours depend only on the set of strategy names, so all figures of one sweep agree.
    """
    order = [s for s in strategy_order(strategies, reference) if s != reference]
    colors = {s: _STRATEGY_PALETTE[i % len(_STRATEGY_PALETTE)] for i, s in enumerate(order)}
    if reference in set(strategies):
        colors[reference] = _REFERENCE_COLOR
    return colors


def _scenarios(frame: pd.DataFrame, scenario: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    """Panels to draw: the chosen scenario, or one per scenario present."""
    if "scenario" not in frame.columns:
        return [(None, frame)]
    if scenario is not None:
        chosen = frame[frame["scenario"] == scenario]
        if chosen.empty:
            raise ValueError(f"scenario {scenario!r} not found")
        return [(scenario, chosen)]
    return [(name, part) for name, part in frame.groupby("scenario", sort=True)]


def _one_strategy(frame: pd.DataFrame, strategy: str | None) -> pd.DataFrame:
    """Rows of one strategy; the caller must choose when several are present."""
    if "strategy" not in frame.columns:
        return frame
    present = sorted(frame["strategy"].unique())
    if strategy is None:
        if len(present) > 1:
            raise ValueError(f"several strategies present, pass strategy= one of {present}")
        return frame
    if strategy not in present:
        raise ValueError(f"strategy {strategy!r} not in {present}")
    return frame[frame["strategy"] == strategy]


def _panel_title(ax: Axes, scenario: str | None, many: bool) -> None:
    """Name the scenario only when a figure has several scenario panels."""
    if many and scenario is not None:
        ax.set_title(pretty(scenario))


def _as_dates(values: pd.Series) -> pd.Series:
    """'YYYY-MM' strings to timestamps (first of the month) for a real date axis."""
    return pd.to_datetime(values.astype(str), format="%Y-%m")


def _date_axis(ax: Axes) -> None:
    """Compact date ticks that do not collide at 3.5 in."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


# ----------------------------------------------------------------- figures


def plot_cohesion_over_time(
    timeseries: pd.DataFrame,
    metric: str = "cohesion",
    *,
    scenario: str | None = None,
    band: str = "ci",
    confidence_level: float = 0.95,
    reference: str = st.REFERENCE,
    width: float = ONE_COLUMN,
) -> Figure:
    """Mean ``metric`` per month by strategy with a pointwise band across replicates.

    ``band="ci"`` shades the bootstrap interval of the mean; ``"percentile"`` the central
    range of individual worlds (see ``statistics.timeseries_band``). One panel per scenario.
    """
    bands = st.timeseries_band(
        timeseries,
        metric,
        band=band,
        confidence_level=confidence_level,
        by=[c for c in ("scenario", "strategy") if c in timeseries.columns],
    )
    colors = strategy_colors(bands["strategy"], reference)
    panels = _scenarios(bands, scenario)
    with paper_style():
        fig = _figure(width, max(2.4, width * GOLDEN))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            for strategy in strategy_order(part["strategy"], reference):
                line = part[part["strategy"] == strategy]
                x = _as_dates(line["date"]) if "date" in line.columns else line["step"]
                color = colors[strategy]
                ax.plot(x, line["mean"], color=color, label=pretty(strategy))
                ax.fill_between(x, line["lower"], line["upper"], color=color, alpha=0.2, lw=0)
            if "date" in part.columns:
                _date_axis(ax)
            else:
                ax.set_xlabel("month")
            _panel_title(ax, name, len(panels) > 1)
        axes[0].set_ylabel(pretty(metric))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)))
    return fig


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
    panels = _scenarios(summary, scenario)
    rng = np.random.default_rng(seed)
    n_strategies = summary["strategy"].nunique()
    with paper_style():
        fig = _figure(width, max(2.0, 0.8 + 0.28 * n_strategies))
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
            _panel_title(ax, name, len(panels) > 1)
    return fig


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
    ties = _one_strategy(ties, strategy)
    members = sorted(set(ties["source"]) | set(ties["target"]))
    n_rep = max(1, ties["replicate"].nunique())
    first, last = _endpoints(ties, steps)
    layers = sorted(ties["layer"].unique()) if per_layer else [None]
    with paper_style():
        if per_layer:
            fig = _figure(TWO_COLUMN, 0.45 + 2 * TWO_COLUMN / (len(layers) + 0.6))
            axes = fig.subplots(2, len(layers), squeeze=False)
        else:
            fig = _figure(ONE_COLUMN, ONE_COLUMN * 0.58)
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
    ties = _one_strategy(ties, strategy)
    members = sorted(set(ties["source"]) | set(ties["target"]))
    n_rep = max(1, ties["replicate"].nunique())
    first, last = _endpoints(ties, steps)
    layout = nx.circular_layout(members)
    cmap = mpl.colormaps[SEQUENTIAL_CMAP]
    norm = Normalize(0, 1)
    with paper_style():
        fig = _figure(width, width * 0.55)
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
        fig = _figure(width, 0.35 + nrows * 0.85 * width / ncols)
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
        fig = _figure(width, max(1.6, 0.7 + 0.3 * len(data)))
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
        fig = _figure(width, width * 0.8)
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


def plot_survival(
    summary: pd.DataFrame,
    *,
    scenario: str | None = None,
    reference: str = st.REFERENCE,
    confidence_level: float = 0.95,
    width: float = ONE_COLUMN,
) -> Figure:
    """Kaplan-Meier probability that no member has defected yet, by strategy, with bands.

    Runs without a defection are censored at the horizon (see ``statistics.kaplan_meier``).
    """
    by = [c for c in ("scenario", "strategy") if c in summary.columns]
    km = st.kaplan_meier(summary, by, confidence_level=confidence_level)
    colors = strategy_colors(km["strategy"], reference)
    panels = _scenarios(km, scenario)
    with paper_style():
        fig = _figure(width, max(2.4, width * GOLDEN))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            for strategy in strategy_order(part["strategy"], reference):
                curve = part[part["strategy"] == strategy]
                color = colors[strategy]
                ax.step(
                    curve["time"],
                    curve["survival"],
                    where="post",
                    color=color,
                    label=pretty(strategy),
                )
                ax.fill_between(
                    curve["time"],
                    curve["lower"],
                    curve["upper"],
                    step="post",
                    color=color,
                    alpha=0.18,
                    lw=0,
                )
            ax.set_xlabel("months")
            ax.set_ylim(-0.02, 1.02)
            _panel_title(ax, name, len(panels) > 1)
        axes[0].set_ylabel("P(no defection yet)")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)))
    return fig


def plot_response(
    summary: pd.DataFrame,
    parameter: str,
    metric: str = "cohesion",
    *,
    reference: str = st.REFERENCE,
    confidence_level: float = 0.95,
    width: float = ONE_COLUMN,
) -> Figure:
    """Final ``metric`` and P(intact) against one swept parameter (e.g. the US budget),
    one line per strategy with 95% intervals: how much each wedge buys per unit."""
    response = st.parameter_response(summary, parameter, metric, confidence_level=confidence_level)
    colors = strategy_colors(response["strategy"], reference)
    with paper_style():
        fig = _figure(width, width * 1.1)
        top, bottom = fig.subplots(2, 1, sharex=True)
        for strategy in strategy_order(response["strategy"], reference):
            line = response[response["strategy"] == strategy]
            color = colors[strategy]
            top.plot(line[parameter], line["mean"], marker="o", ms=3, color=color, label=pretty(strategy))
            top.fill_between(
                line[parameter], line["mean_lower"], line["mean_upper"], color=color, alpha=0.2, lw=0
            )
            bottom.plot(line[parameter], line["p_intact"], marker="o", ms=3, color=color)
            bottom.fill_between(
                line[parameter], line["p_lower"], line["p_upper"], color=color, alpha=0.2, lw=0
            )
        top.set_ylabel(f"{pretty(metric)} at horizon")
        bottom.set_ylabel("P(intact)")
        bottom.set_ylim(-0.02, 1.02)
        bottom.set_xlabel(parameter)
        handles, labels = top.get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)))
    return fig
