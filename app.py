"""Explore the bloc in a browser: a US strategy against the status quo on the same worlds.

Start with ``make app`` (or ``solara run app.py``). Set the controls in the sidebar,
press Reset to build the worlds with them, then Step or play month by month. One
:class:`Explorer` advances R replicate worlds under the chosen strategy and, alongside,
the same R worlds (same shocks and decision noise) under ``status_quo``, so every view
compares the two. The views read what the model records and compute only the bands.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl
import networkx as nx
import numpy as np
import solara
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from mesa.visualization import Slider, SolaraViz

# The project code the page uses, all here so that moving a module touches only these lines.
from sim.configuration import available, available_strategies, load_scenario, load_strategy
from sim.errors import ConfigError
from sim.metrics import aggregate_graph, symmetric_strength
from sim.model import BlocModel
from sim.parameters import LAYERS, ModelParameters, RunConfig, StrategyConfig, month_label
from sim.plotting import SEQUENTIAL_CMAP, STYLE_PATH, pretty, strategy_colors
from sim.statistics import REFERENCE, proportion_interval

SCENARIO = "baseline_2025"
STRATEGY = "sequenced"
HORIZON = 48
SEED = 20250101
WORLD_BAND = (5.0, 95.0)  # percentiles: the central 90% of worlds
WIDTH, HEIGHT = 5.6, 3.3  # inches at 100 dpi: one view is half a laptop screen wide
ALL_LAYERS = "all layers"
LEVER_GROUPS = {
    "deal": ("deal", "ceasefire"),
    "pressure": ("sanctions", "secondary_sanctions", "tariffs", "export_controls"),
    "alliance": ("alliances",),
}
layer_choice = solara.reactive(ALL_LAYERS)  # one per browser session, kept across Reset


# ----------------------------------------------------------------- the model behind the page


def adjusted_strategy(name: str, intensity: dict[str, float], delay: dict[str, int]) -> StrategyConfig:
    """The named strategy with each lever group's intensities scaled (capped at 1) and its
    months moved later; scale 1 and delay 0 leave the strategy file as it is."""
    strategy = load_strategy(name)
    levers = []
    for lever in strategy.levers:
        group = next(g for g, kinds in LEVER_GROUPS.items() if lever.kind in kinds)
        levers.append(
            dataclasses.replace(
                lever,
                intensity=min(1.0, lever.intensity * intensity[group]),
                start=lever.start + delay[group],
                end=None if lever.end is None else lever.end + delay[group],
            )
        )
    return dataclasses.replace(strategy, levers=levers)


def parse_seed(text: object) -> int:
    """The seed field is free text: refuse anything but a whole number >= 0."""
    try:
        seed = int(str(text).strip())
    except ValueError:
        seed = -1
    if seed < 0:
        raise ConfigError("seed", f"'{text}' is not a whole number", ">= 0")
    return seed


class Explorer(BlocModel):
    """The chosen strategy (this model) and ``status_quo`` (``self.reference``) on the
    same R worlds, stepped together; the keyword arguments are the page's controls."""

    def __init__(
        self,
        scenario: str = SCENARIO,
        strategy: str = STRATEGY,
        deal_intensity: float = 1.0,
        deal_delay: int = 0,
        pressure_intensity: float = 1.0,
        pressure_delay: int = 0,
        alliance_intensity: float = 1.0,
        alliance_delay: int = 0,
        budget: float = load_scenario(SCENARIO).us.budget,
        credibility: float = load_scenario(SCENARIO).us.credibility,
        deal_value: float = ModelParameters().deal_value,
        rationality: float = ModelParameters().rationality,
        worlds: int = 200,
        seed: int | str = SEED,
    ) -> None:
        world = load_scenario(scenario)
        us = dataclasses.replace(world.us, budget=budget, credibility=credibility)
        intensity = {"deal": deal_intensity, "pressure": pressure_intensity, "alliance": alliance_intensity}
        delay = {"deal": deal_delay, "pressure": pressure_delay, "alliance": alliance_delay}
        config = RunConfig(
            scenario=dataclasses.replace(world, us=us),
            strategy=adjusted_strategy(strategy, intensity, delay),
            model=dataclasses.replace(ModelParameters(), deal_value=deal_value, rationality=rationality),
            replicates=int(worlds),
            horizon=HORIZON,
            seed=parse_seed(seed),
        )
        super().__init__(config)
        self.strategy_name = strategy
        self.colors = strategy_colors([strategy, REFERENCE])
        self.reference = BlocModel(dataclasses.replace(config, strategy=load_strategy(REFERENCE)))
        self.cost = [self.us.cumulative_cost.copy()]

    def step(self) -> None:
        """One month in both sets of worlds."""
        super().step()
        self.reference.step()
        self.cost.append(self.us.cumulative_cost.copy())


MODEL_PARAMS = {
    "scenario": {"type": "Select", "value": SCENARIO, "values": available("scenario"), "label": "Scenario"},
    "strategy": {"type": "Select", "value": STRATEGY, "values": available_strategies(), "label": "Strategy"},
    "deal_intensity": Slider("Deal and ceasefire intensity (x file)", 1.0, 0.0, 2.0, 0.1),
    "deal_delay": Slider("Deal and ceasefire start delay (months)", 0, 0, 36, 1),
    "pressure_intensity": Slider("Sanctions and trade intensity (x file)", 1.0, 0.0, 2.0, 0.1),
    "pressure_delay": Slider("Sanctions and trade start delay (months)", 0, 0, 36, 1),
    "alliance_intensity": Slider("Alliance intensity (x file)", 1.0, 0.0, 2.0, 0.1),
    "alliance_delay": Slider("Alliance start delay (months)", 0, 0, 36, 1),
    "budget": Slider("US budget per month", load_scenario(SCENARIO).us.budget, 0.0, 5.0, 0.1),
    "credibility": Slider("US credibility", load_scenario(SCENARIO).us.credibility, 0.0, 1.0, 0.05),
    "deal_value": Slider("Deal value g", ModelParameters().deal_value, 0.0, 3.0, 0.1),
    "rationality": Slider("Rationality beta", ModelParameters().rationality, 0.1, 10.0, 0.1),
    "worlds": Slider("Worlds R", 200, 10, 2000, 10),
    "seed": {"type": "InputText", "value": str(SEED), "label": "Seed"},
}


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


def intact_share(model: BlocModel) -> tuple[np.ndarray, ...]:
    """P(intact) per month with its 95% Wilson interval."""
    intact = bloc_series(model, "intact")
    rows = [proportion_interval(int(k), intact.shape[1]) for k in intact.sum(axis=1)]
    return tuple(np.array(column) for column in zip(*rows, strict=True))


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
    """The project's figure style as checked values. Under Solara each session has its own
    rcParams, which keep what they are given unchecked, so the style file's text
    ('3.5, 2.4') must become values ([3.5, 2.4]) before it is applied."""
    raw = mpl.rc_params_from_file(STYLE_PATH, use_default_template=False)
    return {key: mpl.RcParams.validate[key](raw[key]) for key in raw}


# titles at a fixed height: placing them around the tick labels costs a fifth of each step
STYLE = {**validated_style(), "axes.titley": 1.0}


@contextmanager
def new_figure(
    rows: int,
    cols: int,
    height: float = HEIGHT,
    margins: tuple[float, ...] = (0.6, 0.1, 0.45, 0.25),
    **kwargs,
) -> Iterator[tuple[Figure, np.ndarray]]:
    """A figure in the project style, sized for one view of the page, with its axes.

    Margins (left, right, bottom, top) are set in inches, not by the automatic layout,
    which would double the time every step takes to draw.
    """
    left, right, bottom, top = margins
    with mpl.style.context(STYLE):
        fig = Figure(figsize=(WIDTH, height), layout="none")
        fig.subplots_adjust(
            left=left / WIDTH, right=1 - right / WIDTH, bottom=bottom / height, top=1 - top / height
        )
        yield (
            fig,
            fig.subplots(rows, cols, squeeze=False, gridspec_kw={"wspace": 0.12, "hspace": 0.3}, **kwargs),
        )


def band(ax: Axes, series: tuple[np.ndarray, ...], color: str, label: str) -> None:
    mean, low, high = series
    months = np.arange(len(mean))
    ax.plot(months, mean, color=color, label=label)
    ax.fill_between(months, low, high, color=color, alpha=0.2, lw=0)


def bloc_figure(model: Explorer) -> Figure:
    """Members aligned and P(intact) over time: the strategy and the status quo side by side."""
    with new_figure(2, 2, sharex=True, sharey="row") as (fig, axes):
        for col, (name, run) in enumerate(both(model)):
            band(axes[0, col], spread(bloc_series(run, "aligned")), model.colors[name], pretty(name))
            band(axes[1, col], intact_share(run), model.colors[name], pretty(name))
            axes[0, col].set_title(pretty(name) + (" (same worlds)" if name == REFERENCE else ""))
            axes[1, col].set_xlabel(f"months from {month_label(model.start, 0)}")
        axes[0, 0].set(ylabel="members aligned", ylim=(-0.1, len(model.states) + 0.1), xlim=(0, HORIZON))
        axes[1, 0].set(ylabel="P(intact)", ylim=(-0.02, 1.02))
    return fig


def alignment_figure(model: Explorer) -> Figure:
    """Each member's alignment under both strategies, with the threshold for 'aligned'."""
    n = len(model.states)
    cols = 2 if n <= 4 else 3
    rows = -(-n // cols)
    with new_figure(rows, cols, margins=(0.5, 0.1, 0.55, 0.25), sharex=True, sharey=True) as (fig, axes):
        for name, run in both(model):
            alignment = state_series(run, "alignment")
            for index, ax in enumerate(axes.flat[:n]):
                band(ax, spread(alignment[:, :, index]), model.colors[name], pretty(name))
        for ax, code in zip(axes.flat, model.states, strict=False):
            ax.axhline(model.params.aligned_threshold, color="#777777", lw=0.6, ls="--")
            ax.set(title=code, ylim=(0, 1), xlim=(0, HORIZON))
        for ax in axes.flat[n:]:
            ax.set_visible(False)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncols=2)
    return fig


def draw_network(ax: Axes, model: BlocModel, strength: np.ndarray, norm: Normalize) -> None:
    """Edge width = tie strength, node colour = mean alignment; the same layout every month."""
    graph = nx.Graph()
    codes = model.states
    graph.add_weighted_edges_from(
        (codes[i], codes[j], strength[i, j]) for i in range(len(codes)) for j in range(i + 1, len(codes))
    )
    layout = nx.circular_layout(codes)
    widths = [0.3 + 12 * graph.edges[edge]["weight"] for edge in graph.edges]
    nx.draw_networkx_edges(graph, layout, ax=ax, width=widths, edge_color="#555555", alpha=0.8)
    alignment = model.world.alignment.mean(axis=0)
    colors = mpl.colormaps[SEQUENTIAL_CMAP](norm(alignment))
    nx.draw_networkx_nodes(
        graph, layout, nodelist=codes, ax=ax, node_color=colors, node_size=500, edgecolors="#333333"
    )
    for code, value in zip(codes, alignment, strict=True):
        color = "white" if value < 0.5 else "black"  # readable on both ends of cividis
        ax.text(*layout[code], code, ha="center", va="center", fontsize=7, color=color)
    ax.set_axis_off()
    ax.margins(0.2)
    ax.set_aspect("equal")


def network_figure(model: Explorer, layer: str) -> Figure:
    """The tie network now under the strategy and under the status quo."""
    norm = Normalize(0, 1)
    with new_figure(1, 2, height=2.6, margins=(0.05, 0.1, 0.05, 0.25)) as (fig, axes):
        for ax, (name, run) in zip(axes[0], both(model), strict=True):
            draw_network(ax, run, tie_strength(run, layer), norm)
            ax.set_title(pretty(name))
        mappable = mpl.cm.ScalarMappable(norm=norm, cmap=SEQUENTIAL_CMAP)
        fig.colorbar(mappable, ax=axes[0], label="mean alignment", shrink=0.8, fraction=0.05)
    return fig


def cost_figure(model: Explorer) -> Figure:
    """What the strategy has cost the US so far, against what the budget allows."""
    budget = model.config.scenario.us.budget
    with new_figure(1, 1, height=2.2) as (fig, axes):
        ax = axes[0, 0]
        band(ax, spread(np.stack(model.cost)), model.colors[model.strategy_name], pretty(model.strategy_name))
        ax.plot([0, HORIZON], [0, budget * HORIZON], color="#777777", lw=0.6, ls="--", label="budget limit")
        ax.set(
            xlim=(0, HORIZON), xlabel=f"months from {month_label(model.start, 0)}", ylabel="US cost so far"
        )
        ax.legend(loc="upper left")
    return fig


# ----------------------------------------------------------------- the page's views


def caption(text: str) -> solara.Element:
    return solara.Text(text, style="font-size: 13px; line-height: 1.3")


def show(fig: Figure) -> solara.Element:
    return solara.FigureMatplotlib(fig, format="png", dpi=100)


def BlocOverTime(model: Explorer) -> solara.Element:
    aligned = [bloc_series(run, "aligned")[-1].mean() for _, run in both(model)]
    intact = [bloc_series(run, "intact")[-1].mean() for _, run in both(model)]
    text = (
        f"{pretty(model.strategy_name)}, {now(model)}: members aligned {aligned[0]:.2f} "
        f"(status quo {aligned[1]:.2f}), P(intact) {intact[0]:.2f} (status quo {intact[1]:.2f})"
    )
    return solara.Column([caption(text), show(bloc_figure(model))], gap="0px")


def StateAlignment(model: Explorer) -> solara.Element:
    means = {name: run.world.alignment.mean(axis=0) for name, run in both(model)}
    parts = [
        f"{code} {means[model.strategy_name][i]:.2f} ({means[REFERENCE][i]:.2f})"
        for i, code in enumerate(model.states)
    ]
    text = f"Mean alignment, {now(model)} (status quo in brackets): " + ", ".join(parts)
    return solara.Column([caption(text), show(alignment_figure(model))], gap="0px")


def TieNetwork(model: Explorer) -> solara.Element:
    layer = layer_choice.value
    strength, codes = tie_strength(model, layer), model.states
    dyads = ", ".join(
        f"{codes[i]}-{codes[j]} {strength[i, j]:.3f}"
        for i in range(len(codes))
        for j in range(i + 1, len(codes))
    )
    selector = solara.Select(label="Layer", value=layer_choice, values=[ALL_LAYERS, *LAYERS], dense=True)
    text = f"Tie strength ({layer}), {pretty(model.strategy_name)}, {now(model)}: {dyads}"
    return solara.Column([selector, caption(text), show(network_figure(model, layer))], gap="0px")


def USCost(model: Explorer) -> solara.Element:
    mean, low, high = (float(values[-1]) for values in spread(np.stack(model.cost)))
    budget = model.config.scenario.us.budget
    text = (
        f"US cost so far, {now(model)}: {mean:.2f} (central 90% of worlds {low:.2f}-{high:.2f}); "
        f"budget {budget:.2f} a month."
    )
    views = [caption(text), show(cost_figure(model)), lever_table(model), caption(settings(model))]
    return solara.Column(views, gap="0px")


def lever_table(model: Explorer) -> solara.Element:
    """The levers in force as the model compiled them (after the page's scales and delays)."""
    if not model.us.levers:
        return caption("No levers: the US adds nothing to the sanctions in place.")
    header = ("lever", "target", "intensity", "months", "condition", "cost a month")
    rows = [
        (
            lever.kind,
            "-" if lever.target is None else model.states[lever.target],
            f"{lever.intensity:.2f}",
            f"{lever.start}-" if lever.end is None else f"{lever.start}-{lever.end - 1}",
            "" if lever.condition is None else lever.condition.text,
            f"{lever.cost:.2f}",
        )
        for lever in model.us.levers
    ]
    lines = ["".join(f"<th>{name}</th>" for name in header)]
    lines += ["".join(f"<td>{html.escape(value)}</td>" for value in row) for row in rows]
    body = "".join(f"<tr>{line}</tr>" for line in lines)
    return solara.HTML(tag="table", unsafe_innerHTML=body, style="font-size: 12px; text-align: left")


def settings(model: Explorer) -> str:
    """The values behind the page (the sliders show no numbers), to quote with a screenshot."""
    us, params = model.config.scenario.us, model.params
    return (
        f"Scenario {model.config.scenario.name}, {model.replicates} worlds, seed {model.config.seed}; "
        f"US budget {us.budget:.2f}, credibility {us.credibility:.2f}; "
        f"deal value g {params.deal_value:.2f}, rationality beta {params.rationality:.2f}."
    )


page = SolaraViz(
    Explorer(),
    components=[BlocOverTime, StateAlignment, TieNetwork, USCost],
    model_params=MODEL_PARAMS,
    name="Bloc wedge explorer",
    play_interval=50,
)
page  # noqa: B018
