"""Figures over time and over a swept parameter: one line and band per strategy."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.common.vocabulary import metric_label
from sim.publish import statistics as st
from sim.publish.style import (
    GOLDEN,
    ONE_COLUMN,
    at_horizon,
    axis_label,
    band_key,
    date_axis,
    draw_strategy_lines,
    few_ticks,
    key_height,
    label_of,
    legend_in_line_order,
    new_figure,
    panel_title,
    paper_style,
    scenario_panels,
    strategy_colors,
)

NEAR_ONE = 0.99  # survival curves above this overlap at the top of the axis

BAND_TEXT = {
    "ci": "shading: {level:.0%} interval of the mean",
    "percentile": "shading: central {level:.0%} of worlds",
}


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

    ``band="ci"`` shades the interval of the mean (narrow with many worlds);
    ``"percentile"`` the central range of individual worlds (see
    ``statistics.timeseries_band``). One panel per scenario; the key lists the strategies
    in the order their lines end, top to bottom.
    """
    bands = st.timeseries_band(
        timeseries,
        metric,
        band=band,
        confidence_level=confidence_level,
        by=[c for c in ("scenario", "strategy") if c in timeseries.columns],
    )
    colors = strategy_colors(bands["strategy"])
    panels = scenario_panels(bands, scenario)
    entries = bands["strategy"].nunique() + 1
    with paper_style():
        fig = new_figure(width, max(2.3, width * GOLDEN) + key_height(entries, width))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            draw_strategy_lines(ax, part, "date" if "date" in part.columns else "step", colors, reference)
            if "date" in part.columns:
                date_axis(ax)
            else:
                ax.set_xlabel("month")
            panel_title(ax, name, len(panels) > 1)
        axes[0].set_ylabel(axis_label(metric_label(metric), fig.get_figheight() * 0.8))
        key = band_key(BAND_TEXT[band].format(level=confidence_level))
        legend_in_line_order(fig, axes[0], extra=[key])
    return fig


def plot_survival(
    summary: pd.DataFrame,
    *,
    scenario: str | None = None,
    reference: str = st.REFERENCE,
    confidence_level: float = 0.95,
    horizon: int | None = None,
    width: float = ONE_COLUMN,
) -> Figure:
    """Kaplan-Meier probability that no member has defected yet, by strategy, with bands.

    Runs without a defection are censored at the horizon (see ``statistics.kaplan_meier``).
    The x axis ends at the horizon; strategies whose curve never falls below 0.99 lie on
    top of each other at 1 and are marked so in the key.
    """
    by = [c for c in ("scenario", "strategy") if c in summary.columns]
    km = st.kaplan_meier(summary, by, confidence_level=confidence_level)
    colors = strategy_colors(km["strategy"])
    panels = scenario_panels(km, scenario)
    end = float(horizon if horizon is not None else summary["time_to_defection"].max())
    lowest = km.groupby("strategy")["survival"].min()
    notes = dict.fromkeys(lowest.index[lowest >= NEAR_ONE], " *")
    entries = km["strategy"].nunique() + 1 + bool(notes)
    with paper_style():
        fig = new_figure(width, max(2.3, width * GOLDEN) + key_height(entries, width))
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        for ax, (name, part) in zip(axes, panels, strict=True):
            draw_strategy_lines(ax, part, "time", colors, reference, mean="survival", steps=True, notes=notes)
            ax.set_xlabel("months from the start")
            ax.set_xlim(0, end)
            ax.set_ylim(0, 1.06)
            ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
            few_ticks(ax, "x")
            panel_title(ax, name, len(panels) > 1)
        axes[0].set_ylabel("P(no member defected yet)")
        keys = [band_key(f"shading: {confidence_level:.0%} interval")]
        if notes:
            keys.append(Patch(alpha=0, label=f"* never below {NEAR_ONE:g} (lines overlap)"))
        legend_in_line_order(fig, axes[0], extra=keys)
    return fig


def plot_response(
    summary: pd.DataFrame,
    parameter: str,
    metric: str = "cohesion",
    *,
    reference: str = st.REFERENCE,
    confidence_level: float = 0.95,
    horizon: int | None = None,
    labels: Mapping[str, str] | None = None,
    width: float = ONE_COLUMN,
) -> Figure:
    """Final ``metric`` and P(intact at the horizon) against one swept parameter (e.g. the
    US budget), one line per strategy with intervals: how much each wedge buys per unit.

    Each strategy has its own marker and the reference is dashed, so strategies that
    coincide with it (no budget, no effect) stay visible.
    """
    response = st.parameter_response(summary, parameter, metric, confidence_level=confidence_level)
    colors = strategy_colors(response["strategy"])
    entries = response["strategy"].nunique() + 1
    with paper_style():
        fig = new_figure(width, max(3.6, width * 0.75) + key_height(entries, width))
        top, bottom = fig.subplots(2, 1, sharex=True)
        marks = {"markers": True, "ms": 3, "lw": 1.0, "alpha": 0.9}
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
        top.set_ylabel(axis_label(metric_label(metric, where=at_horizon(horizon)), fig.get_figheight() * 0.4))
        bottom.set_ylabel(f"P(bloc intact {at_horizon(horizon)})")
        bottom.set_ylim(-0.02, 1.04)
        bottom.set_xlabel(axis_label(label_of(parameter, labels), width * 0.8))
        few_ticks(bottom, "x")
        if np.isfinite(response["mean"]).any():
            few_ticks(top, "y", 4)
        legend_in_line_order(fig, top, extra=[band_key(f"shading: {confidence_level:.0%} interval")])
    return fig
