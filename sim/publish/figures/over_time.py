"""Figures over time and over a swept parameter: one line and band per strategy."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.publish import statistics as st
from sim.publish.style import (
    GOLDEN,
    ONE_COLUMN,
    date_axis,
    draw_strategy_lines,
    legend_below,
    new_figure,
    panel_title,
    paper_style,
    pretty,
    scenario_panels,
    strategy_colors,
)


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
    panels = scenario_panels(bands, scenario)
    with paper_style():
        fig = new_figure(width, max(2.4, width * GOLDEN))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            draw_strategy_lines(ax, part, "date" if "date" in part.columns else "step", colors, reference)
            if "date" in part.columns:
                date_axis(ax)
            else:
                ax.set_xlabel("month")
            panel_title(ax, name, len(panels) > 1)
        axes[0].set_ylabel(pretty(metric))
        legend_below(fig, axes[0])
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
    panels = scenario_panels(km, scenario)
    with paper_style():
        fig = new_figure(width, max(2.4, width * GOLDEN))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            draw_strategy_lines(ax, part, "time", colors, reference, mean="survival", steps=True)
            ax.set_xlabel("months")
            ax.set_ylim(-0.02, 1.02)
            panel_title(ax, name, len(panels) > 1)
        axes[0].set_ylabel("P(no defection yet)")
        legend_below(fig, axes[0])
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
        fig = new_figure(width, width * 1.1)
        top, bottom = fig.subplots(2, 1, sharex=True)
        marks = {"marker": "o", "ms": 3}
        draw_strategy_lines(
            top, response, parameter, colors, reference, lower="mean_lower", upper="mean_upper", **marks
        )
        draw_strategy_lines(
            bottom,
            response,
            parameter,
            colors,
            reference,
            mean="p_intact",
            lower="p_lower",
            upper="p_upper",
            label=False,
            **marks,
        )
        top.set_ylabel(f"{pretty(metric)} at horizon")
        bottom.set_ylabel("P(intact)")
        bottom.set_ylim(-0.02, 1.02)
        bottom.set_xlabel(parameter)
        legend_below(fig, top)
    return fig
