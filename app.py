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

import numpy as np
import solara
from mesa.visualization import Slider, SolaraViz

from app_figures import ALL_LAYERS, bloc_series, both, now, spread, tie_strength, view

# The project code the page uses, all here so that moving a module touches only these lines
# (and the same block in app_figures.py).
from sim.common.errors import ConfigError
from sim.common.vocabulary import LAYERS
from sim.experiment.configuration import available, available_strategies, load_scenario, load_strategy
from sim.model import BlocModel
from sim.model.parameters import ModelParameters, RunConfig, StrategyConfig
from sim.publish.statistics import REFERENCE
from sim.publish.style import pretty, strategy_colors

SCENARIO = "baseline_2025"
STRATEGY = "sequenced"
HORIZON = 48
SEED = 20250101
LEVER_GROUPS = {
    "deal": ("deal", "ceasefire"),
    "pressure": ("sanctions", "secondary_sanctions", "tariffs", "export_controls"),
    "alliance": ("alliances",),
}
layer_choice = solara.reactive(ALL_LAYERS)  # one per open page, kept across Reset


# ----------------------------------------------------------------- the model behind the page


def adjusted_strategy(name: str, intensity: dict[str, float], shift: dict[str, int]) -> StrategyConfig:
    """The named strategy with each lever group's intensities scaled (capped at 1) and its
    months shifted (a start no earlier than month 0, an end after the start); scale 1 and
    shift 0 leave the strategy file as it is."""
    strategy = load_strategy(name)
    levers = []
    for lever in strategy.levers:
        group = next(g for g, kinds in LEVER_GROUPS.items() if lever.kind in kinds)
        start = max(0, lever.start + shift[group])
        end = None if lever.end is None else max(start + 1, lever.end + shift[group])
        scaled = min(1.0, lever.intensity * intensity[group])
        levers.append(dataclasses.replace(lever, intensity=scaled, start=start, end=end))
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


def checked_seed(text: object) -> tuple[int, str | None]:
    """The seed, or the default seed and the reason the field was refused."""
    try:
        return parse_seed(text), None
    except ConfigError as error:
        return SEED, f"{error}; correct it and press Reset"


class Explorer(BlocModel):
    """The chosen strategy (this model) and ``status_quo`` (``self.reference``) on the
    same R worlds, stepped together; the keyword arguments are the page's controls."""

    def __init__(
        self,
        scenario: str = SCENARIO,
        strategy: str = STRATEGY,
        deal_intensity: float = 1.0,
        deal_shift: int = 0,
        pressure_intensity: float = 1.0,
        pressure_shift: int = 0,
        alliance_intensity: float = 1.0,
        alliance_shift: int = 0,
        budget: float = load_scenario(SCENARIO).us.budget,
        credibility: float = load_scenario(SCENARIO).us.credibility,
        deal_value: float = ModelParameters().deal_value,
        rationality: float = ModelParameters().rationality,
        worlds: int = 200,
        seed: int | str = SEED,
    ) -> None:
        seed, self.refused = checked_seed(seed)
        world = load_scenario(scenario)
        us = dataclasses.replace(world.us, budget=budget, credibility=credibility)
        intensity = {"deal": deal_intensity, "pressure": pressure_intensity, "alliance": alliance_intensity}
        shift = {"deal": deal_shift, "pressure": pressure_shift, "alliance": alliance_shift}
        config = RunConfig(
            scenario=dataclasses.replace(world, us=us),
            strategy=adjusted_strategy(strategy, intensity, shift),
            model=dataclasses.replace(ModelParameters(), deal_value=deal_value, rationality=rationality),
            replicates=int(worlds),
            horizon=HORIZON,
            seed=seed,
        )
        super().__init__(config)
        self.strategy_name = strategy
        self.colors = strategy_colors([strategy, REFERENCE])
        self.reference = BlocModel(dataclasses.replace(config, strategy=load_strategy(REFERENCE)))
        self.cost = [self.us.cumulative_cost.copy()]
        self.running = self.refused is None  # a refused control builds worlds that never run

    def step(self) -> None:
        """One month in both sets of worlds."""
        if self.refused:
            return
        super().step()
        self.reference.step()
        self.cost.append(self.us.cumulative_cost.copy())


MODEL_PARAMS = {
    "scenario": {"type": "Select", "value": SCENARIO, "values": available("scenario"), "label": "Scenario"},
    "strategy": {"type": "Select", "value": STRATEGY, "values": available_strategies(), "label": "Strategy"},
    "deal_intensity": Slider("Deal and ceasefire intensity (x file)", 1.0, 0.0, 2.0, 0.1),
    "deal_shift": Slider("Deal and ceasefire start shift (months)", 0, -24, 36, 1),
    "pressure_intensity": Slider("Sanctions and trade intensity (x file)", 1.0, 0.0, 2.0, 0.1),
    "pressure_shift": Slider("Sanctions and trade start shift (months)", 0, -24, 36, 1),
    "alliance_intensity": Slider("Alliance intensity (x file)", 1.0, 0.0, 2.0, 0.1),
    "alliance_shift": Slider("Alliance start shift (months)", 0, -24, 36, 1),
    "budget": Slider("US budget per month", load_scenario(SCENARIO).us.budget, 0.0, 5.0, 0.1),
    "credibility": Slider("US credibility", load_scenario(SCENARIO).us.credibility, 0.0, 1.0, 0.05),
    "deal_value": Slider("Deal value g", ModelParameters().deal_value, 0.0, 3.0, 0.1),
    "rationality": Slider("Rationality beta", ModelParameters().rationality, 0.1, 10.0, 0.1),
    "worlds": Slider("Worlds R", 200, 10, 2000, 10),
    "seed": {"type": "InputText", "value": str(SEED), "label": "Seed"},
}


# ----------------------------------------------------------------- the page's views


def caption(text: str) -> solara.Element:
    return solara.Text(text, style="font-size: 13px; line-height: 1.3")


def show(png: bytes) -> solara.Element:
    return solara.Image(png, format="png")


def BlocOverTime(model: Explorer) -> solara.Element:
    if model.refused:
        return solara.Error(model.refused)
    aligned = [bloc_series(run, "aligned")[-1].mean() for _, run in both(model)]
    intact = [bloc_series(run, "intact")[-1].mean() for _, run in both(model)]
    text = (
        f"{pretty(model.strategy_name)}, {now(model)}: members aligned {aligned[0]:.2f} "
        f"(status quo {aligned[1]:.2f}), P(intact) {intact[0]:.2f} (status quo {intact[1]:.2f})"
    )
    return solara.Column([caption(text), show(view(model, "bloc").draw(model))], gap="0px")


def StateAlignment(model: Explorer) -> solara.Element | None:
    if model.refused:
        return None
    means = {name: run.world.alignment.mean(axis=0) for name, run in both(model)}
    parts = [
        f"{code} {means[model.strategy_name][i]:.2f} ({means[REFERENCE][i]:.2f})"
        for i, code in enumerate(model.states)
    ]
    text = f"Mean alignment, {now(model)} (status quo in brackets): " + ", ".join(parts)
    return solara.Column([caption(text), show(view(model, "states").draw(model))], gap="0px")


def TieNetwork(model: Explorer) -> solara.Element | None:
    if model.refused:
        return None
    layer = layer_choice.value
    strength, codes = tie_strength(model, layer), model.states
    dyads = ", ".join(
        f"{codes[i]}-{codes[j]} {strength[i, j]:.3f}"
        for i in range(len(codes))
        for j in range(i + 1, len(codes))
    )
    selector = solara.Select(label="Layer", value=layer_choice, values=[ALL_LAYERS, *LAYERS], dense=True)
    text = f"Tie strength ({layer}), {pretty(model.strategy_name)}, {now(model)}: {dyads}"
    return solara.Column(
        [selector, caption(text), show(view(model, "network").draw(model, layer))], gap="0px"
    )


def USCost(model: Explorer) -> solara.Element | None:
    if model.refused:
        return None
    mean, low, high = (float(values[-1]) for values in spread(np.stack(model.cost)))
    budget = model.config.scenario.us.budget
    text = (
        f"US cost so far, {now(model)}: {mean:.2f} (central 90% of worlds {low:.2f}-{high:.2f}); "
        f"budget {budget:.2f} a month."
    )
    views = [
        caption(text),
        show(view(model, "cost").draw(model)),
        lever_table(model),
        caption(settings(model)),
    ]
    return solara.Column(views, gap="0px")


def lever_table(model: Explorer) -> solara.Element:
    """The levers in force as the model compiled them (after the page's scales and shifts)."""
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
