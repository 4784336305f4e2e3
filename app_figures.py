"""The figures of the browser app (app.py): each drawn once per model, then updated in place.

Every view compares the chosen strategy with ``status_quo`` on the same worlds. The
figures read what the model records (bloc and per-state metrics, the world's ties and
alignment, the US agent's cumulative cost) and compute only the bands across worlds.
"""

from __future__ import annotations

import io
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import matplotlib as mpl
import networkx as nx
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

# The project code the figures use, all here so that moving a module touches only these lines.
from sim.common.calendar import month_label
from sim.common.vocabulary import LAYERS
from sim.model import BlocModel
from sim.model.metrics import aggregate_graph, symmetric_strength
from sim.publish.statistics import REFERENCE, proportion_interval
from sim.publish.style import SEQUENTIAL_CMAP, STYLE_PATH, pretty

if TYPE_CHECKING:
    from app import Explorer

WORLD_BAND = (5.0, 95.0)  # percentiles: the central 90% of worlds
WIDTH, HEIGHT, DPI = 5.6, 3.3, 100  # one view is half a laptop screen wide
ALL_LAYERS = "all layers"


# ----------------------------------------------------------------- reading the worlds


def bloc_series(model: BlocModel, name: str) -> np.ndarray:
    """A recorded bloc metric, months x worlds."""
    return np.stack([month[name] for month in model.recorder.bloc])


def state_series(model: BlocModel, name: str) -> np.ndarray:
    """A recorded per-state metric, months x worlds x states."""
    return np.stack([month[name] for month in model.recorder.per_state])


def spread(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over worlds (axis 1) and the central 90% of worlds."""
    low, high = np.percentile(values, WORLD_BAND, axis=1)
    return values.mean(axis=1), low, high


def intact_share(model: BlocModel, known: list[tuple[float, float, float]]) -> tuple[np.ndarray, ...]:
    """P(intact) per month with its 95% Wilson interval; ``known`` keeps the months done."""
    intact = bloc_series(model, "intact").sum(axis=1)
    known += [proportion_interval(int(k), model.replicates) for k in intact[len(known) :]]
    return tuple(np.array(column) for column in zip(*known, strict=True))


def tie_strength(model: BlocModel, layer: str) -> np.ndarray:
    """Undirected tie strength between members now, mean over worlds, (n, n)."""
    if layer == ALL_LAYERS:
        return aggregate_graph(model.world.ties, model.params).mean(axis=0)
    return symmetric_strength(model.world.ties)[:, LAYERS.index(layer)].mean(axis=0)


def both(model: Explorer) -> tuple[tuple[str, BlocModel], tuple[str, BlocModel]]:
    return (model.strategy_name, model), (REFERENCE, model.reference)


def now(model: Explorer) -> str:
    return f"{month_label(model.start, model.month)}, month {model.month} of {model.horizon}"


# ----------------------------------------------------------------- figures


def validated_style() -> dict[str, object]:
    """The project's figure style as checked values. Under Solara each open page has its
    own rcParams, which keep what they are given unchecked, so the style file's text
    ('3.5, 2.4') must become values ([3.5, 2.4]) before it is applied."""
    raw = mpl.rc_params_from_file(STYLE_PATH, use_default_template=False)
    return {key: mpl.RcParams.validate[key](raw[key]) for key in raw}


# titles at a fixed height: placing them around the tick labels costs a fifth of each draw
STYLE = {**validated_style(), "axes.titley": 1.0}


@contextmanager
def page_style() -> Iterator[None]:
    """The project style while a figure is built. Not ``mpl.style.context``: its restore
    bypasses Solara's per-page rcParams, so the style would stay with the page and,
    with ``savefig.bbox: tight``, make every image of the page cost two draws."""
    saved = {key: mpl.rcParams[key] for key in STYLE}
    try:
        for key, value in STYLE.items():
            mpl.rcParams[key] = value
        yield
    finally:
        for key, value in saved.items():
            mpl.rcParams[key] = value


class Band:
    """A mean line over months with a shaded band, redrawn in place."""

    def __init__(self, ax: Axes, color: str, label: str) -> None:
        (self.line,) = ax.plot([], [], color=color, label=label)
        self.fill = ax.fill_between([0], [0], [0], color=color, alpha=0.2, lw=0)
        self.artists = (self.fill, self.line)

    def update(self, series: tuple[np.ndarray, ...]) -> None:
        mean, low, high = series
        months = np.arange(len(mean))
        self.line.set_data(months, mean)
        self.fill.set_data(months, low, high)


class View:
    """One figure of the page, built, laid out and drawn once; every month only the
    artists that move (``self.moving``) are drawn again on the still background (axes,
    ticks, labels, legends), which is most of the drawing."""

    height = HEIGHT

    def __init__(self, model: Explorer) -> None:
        self.moving: list[Artist] = []
        with page_style():
            self.fig = Figure(figsize=(WIDTH, self.height), dpi=DPI)
            self.build(model)
            for artist in self.moving:  # after the legends, which copy their handles
                artist.set_animated(True)
            self.canvas = FigureCanvasAgg(self.fig)
            self.canvas.draw()  # the constrained layout and everything that stays, once
        self.fig.set_layout_engine("none")
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def build(self, model: Explorer) -> None:
        raise NotImplementedError

    def png(self) -> bytes:
        """The moving artists drawn on the background, as a PNG image."""
        self.canvas.restore_region(self.background)
        for artist in self.moving:
            self.fig.draw_artist(artist)
        pixels = PIL.Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba())
        image = io.BytesIO()
        pixels.save(image, format="png", compress_level=1)  # fast; the page is served locally
        return image.getvalue()


class BlocView(View):
    """Members aligned and P(intact) over time: the strategy and the status quo side by side."""

    def build(self, model: Explorer) -> None:
        axes = self.fig.subplots(2, 2, sharex=True, sharey="row")
        self.bands = {
            name: [Band(axes[row, col], model.colors[name], pretty(name)) for row in (0, 1)]
            for col, (name, _) in enumerate(both(model))
        }
        self.moving += [artist for bands in self.bands.values() for band in bands for artist in band.artists]
        self.intact = {name: [] for name, _ in both(model)}  # Wilson intervals of past months
        for col, (name, _) in enumerate(both(model)):
            axes[0, col].set_title(pretty(name) + (" (same worlds)" if name == REFERENCE else ""))
            axes[1, col].set_xlabel(f"months from {month_label(model.start, 0)}")
        axes[0, 0].set(
            ylabel="members aligned", ylim=(-0.1, len(model.states) + 0.1), xlim=(0, model.horizon)
        )
        axes[1, 0].set(ylabel="P(intact)", ylim=(-0.02, 1.02))

    def draw(self, model: Explorer) -> bytes:
        for name, run in both(model):
            aligned, intact = self.bands[name]
            aligned.update(spread(bloc_series(run, "aligned")))
            intact.update(intact_share(run, self.intact[name]))
        return self.png()


class AlignmentView(View):
    """Each member's alignment under both strategies, with the threshold for 'aligned'."""

    def build(self, model: Explorer) -> None:
        n = len(model.states)
        cols = 2 if n <= 4 else 3
        axes = self.fig.subplots(-(-n // cols), cols, sharex=True, sharey=True, squeeze=False).flat
        self.bands = {
            name: [Band(ax, model.colors[name], pretty(name)) for ax in axes[:n]] for name, _ in both(model)
        }
        self.moving += [artist for bands in self.bands.values() for band in bands for artist in band.artists]
        for ax, code in zip(axes, model.states, strict=False):
            ax.axhline(model.params.aligned_threshold, color="#777777", lw=0.6, ls="--")
            ax.set(title=code, ylim=(0, 1), xlim=(0, model.horizon))
        for ax in axes[n:]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        self.fig.legend(handles, labels, loc="outside lower center", ncols=2)

    def draw(self, model: Explorer) -> bytes:
        for name, run in both(model):
            alignment = state_series(run, "alignment")
            for index, band in enumerate(self.bands[name]):
                band.update(spread(alignment[:, :, index]))
        return self.png()


class NetworkView(View):
    """The tie network now, under the strategy and the status quo: edge width = tie
    strength, node colour = mean alignment, the same layout every month."""

    height = 2.6
    norm = Normalize(0, 1)

    def build(self, model: Explorer) -> None:
        codes = model.states
        graph = nx.complete_graph(codes)
        layout = nx.circular_layout(codes)
        self.edges = list(graph.edges)
        self.drawn = {}
        for ax, (name, _) in zip(self.fig.subplots(1, 2), both(model), strict=True):
            edges = nx.draw_networkx_edges(
                graph, layout, ax=ax, edgelist=self.edges, edge_color="#555555", alpha=0.8
            )
            nodes = nx.draw_networkx_nodes(
                graph, layout, nodelist=codes, ax=ax, node_size=500, edgecolors="#333333"
            )
            labels = [ax.text(*layout[code], code, ha="center", va="center", fontsize=7) for code in codes]
            self.drawn[name] = (edges, nodes, labels)
            self.moving += [edges, nodes, *labels]
            ax.set_title(pretty(name))
            ax.set_axis_off()
            ax.margins(0.2)
            ax.set_aspect("equal")
        mappable = mpl.cm.ScalarMappable(norm=self.norm, cmap=SEQUENTIAL_CMAP)
        self.fig.colorbar(mappable, ax=self.fig.axes, label="mean alignment", shrink=0.8)

    def draw(self, model: Explorer, layer: str) -> bytes:
        index = {code: i for i, code in enumerate(model.states)}
        for name, run in both(model):
            edges, nodes, labels = self.drawn[name]
            strength = tie_strength(run, layer)
            edges.set_linewidths([0.3 + 12 * strength[index[a], index[b]] for a, b in self.edges])
            alignment = run.world.alignment.mean(axis=0)
            nodes.set_facecolor(mpl.colormaps[SEQUENTIAL_CMAP](self.norm(alignment)))
            for label, value in zip(labels, alignment, strict=True):
                label.set_color("white" if value < 0.5 else "black")  # readable at both ends of cividis
        return self.png()


class CostView(View):
    """What the strategy has cost the US so far, against what the budget allows."""

    height = 2.2

    def build(self, model: Explorer) -> None:
        ax = self.fig.subplots()
        self.band = Band(ax, model.colors[model.strategy_name], pretty(model.strategy_name))
        self.moving += self.band.artists
        limit = model.config.scenario.us.budget * model.horizon
        ax.plot([0, model.horizon], [0, limit], color="#777777", lw=0.6, ls="--", label="budget limit")
        ax.set(
            xlim=(0, model.horizon),
            ylim=(0, max(limit, 1.0)),
            ylabel="US cost so far",
            xlabel=f"months from {month_label(model.start, 0)}",
        )
        ax.legend(loc="upper left")

    def draw(self, model: Explorer) -> bytes:
        self.band.update(spread(np.stack(model.cost)))
        return self.png()


VIEWS = {"bloc": BlocView, "states": AlignmentView, "network": NetworkView, "cost": CostView}
_views: weakref.WeakKeyDictionary[Explorer, dict[str, View]] = weakref.WeakKeyDictionary()


def view(model: Explorer, name: str) -> View:
    """The model's figure for one view, built on first use (a Reset makes a new model)."""
    views = _views.setdefault(model, {})
    if name not in views:
        views[name] = VIEWS[name](model)
    return views[name]
