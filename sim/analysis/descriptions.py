"""The first sentences of each figure's caption: what it shows and how to read its marks.

The facts of the run (strategies, worlds, horizon, source) follow them
(:mod:`sim.analysis.presentation`).
"""

from __future__ import annotations

from sim.analysis.labels import parameter_note
from sim.common.vocabulary import LAYERS, metric_label

BANDS = {
    "ci": "shading: pointwise 95% interval of the mean over worlds (Student t); with many worlds it can "
    "be narrower than the line",
    "percentile": "shading: central 95% of worlds at each month (where individual worlds lie)",
}


def over_time(metric: str, band: str) -> str:
    return (
        f"Mean {metric_label(metric)} per month under each strategy; {BANDS[band]}. "
        "The key lists the strategies in the order their lines end, top to bottom."
    )


def final_distribution(metric: str, horizon: int) -> str:
    return (
        f"Distribution of {metric_label(metric, where=f'at month {horizon}')} over the replicate worlds "
        "of each strategy, lowest mean on top: box, middle 50% of worlds; bar, median; whiskers, "
        "central 95%; diamond, mean; dots, up to 200 worlds per strategy drawn at random (the box, "
        "whiskers, median and mean use every world)."
    )


def survival(horizon: int) -> str:
    return (
        "Kaplan-Meier probability that no member has defected yet (a member defects when its "
        "alignment first falls below model.aligned_threshold); worlds without a defection are "
        f"censored at month {horizon}; shading: 95% log-log interval. Curves that never fall below "
        "0.99 lie on top of each other at 1; the key marks them with *."
    )


def ties(horizon: int) -> str:
    return (
        f"Mean directed tie weight (0–1) between members at the start and at month {horizon}, "
        f"averaged over the five layers ({', '.join(LAYERS)}) and the replicate worlds; rows "
        "send the tie, columns receive it; the grey diagonal is empty (no member has a tie to itself)."
    )


def network(horizon: int) -> str:
    return (
        f"The bloc as a network at the start and at month {horizon}: line width is the mean tie "
        "weight over the five layers and the worlds (stronger direction of each layer; key below); "
        "node colour is the share of worlds in which the member is aligned (colour bar)."
    )


def phase_diagram(x: str, y: str, horizon: int) -> str:
    return (
        f"Share of worlds in which the bloc is intact at month {horizon} (every member aligned, tie "
        "graph connected) over a grid of two parameters, one panel per strategy; the white line marks "
        f"P = 0.5, where the bloc is as likely split as intact. x: {parameter_note(x)}. "
        f"y: {parameter_note(y)}."
    )


def frontier(parameter: str, metric: str, horizon: int) -> str:
    return (
        f"Top: mean {metric_label(metric, where=f'at month {horizon}')}; bottom: share of worlds in "
        f"which the bloc is intact at month {horizon}; against {parameter_note(parameter)}. "
        "Each strategy has its own marker; shading: 95% intervals (Student t, Wilson). The reference "
        "is dashed: where a strategy has no effect (at a budget of 0 nothing acts) it lies on it."
    )


def _indices(method: str, strategy: str, outcome: str, horizon: int, parameters: list[str]) -> str:
    where = f"at month {horizon}"
    return (
        f"{method} of the mean {metric_label(outcome, where=where)} per design point under "
        f"{strategy.replace('_', ' ')}. Parameters: " + "; ".join(parameter_note(p) for p in parameters) + "."
    )


def sobol(strategy: str, outcome: str, horizon: int, parameters: list[str]) -> str:
    method = (
        "Sobol indices, first order (S1, the parameter alone) and total (ST, with all its "
        "interactions), with 95% bootstrap intervals,"
    )
    return _indices(method, strategy, outcome, horizon, parameters)


def morris(strategy: str, outcome: str, horizon: int, parameters: list[str]) -> str:
    method = (
        "Morris screening: mu*, the mean absolute elementary effect (change of the outcome over a "
        "parameter's full range) with its 95% interval, and sigma, the spread of the effects (sigma "
        "beyond mu*: non-linear or interacting),"
    )
    return _indices(method, strategy, outcome, horizon, parameters)


def hindcast() -> str:
    return (
        "Hindcast 2021-2024: tie strengths, trust in Russia and cohesion, mean over replicate worlds "
        "with the band in which 95% of them lie; dotted lines mark the dated events; open diamonds "
        "are the values observed in 2024 (docs/validation.md)."
    )


def ranking(outcome: str, reference: str, horizon: int) -> str:
    return (
        f"Strategies ranked by mean {metric_label(outcome, where=f'at month {horizon}')}, lowest "
        f"first, each against {reference.replace('_', ' ')} on the same worlds."
    )


def sensitivity_table(strategy: str, outcome: str, horizon: int) -> str:
    return (
        f"Sensitivity indices of the mean {metric_label(outcome, where=f'at month {horizon}')} under "
        f"{strategy.replace('_', ' ')}, most influential parameter first; intervals are 95%."
    )


def robust_comparison(quantile: float) -> str:
    return (
        "Strategies over the plausible parameter draws, least mean regret at the top: (a) regret "
        "per draw (dots, one per draw; bar, interquartile range; tick, median; open diamond, mean "
        f"with its 95% bootstrap interval; cross, the {round(100 * quantile)}th percentile); "
        "(b) share of draws in which the strategy is best and (c) probability of the goal, each "
        "with its 95% bootstrap interval."
    )


def cost_effect(outcome: str) -> str:
    return (
        f"Mean {metric_label(outcome)} over the plausible draws against mean US cost (budget units "
        "spent over the horizon) per strategy; whiskers span the 5th to 95th percentile of the "
        "per-draw means (spread across parameter uncertainty)."
    )


def discovery(strategy: str, finding: str) -> str:
    return (
        f"Scenario discovery for {strategy.replace('_', ' ')}: (a) coverage against density of every "
        "box PRIM peeled, coloured by the number of restricted parameters, the chosen box circled; "
        "(b) the chosen box's limits as a share of each restricted parameter's range, with "
        f"quasi-p-values; (c) extra-trees feature scores. {finding}"
    )
