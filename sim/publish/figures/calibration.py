"""Figures of a calibration and of a forecast, drawn from their result tables.

- :func:`plot_pattern_check`: every pattern's predictive spread against what was observed,
  on the scale of its tolerance (a posterior-predictive check, or a scored forecast with
  the persistence null beside it);
- :func:`plot_pairwise`: the posterior of the most constrained constants, pair by pair,
  each axis spanning its prior;
- :func:`plot_forecast`: monthly alignment, members aligned and tie density by layer, with
  90% bands over posterior draws and worlds, and persistence of the start.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.publish import style

BAND = (0.05, 0.95)
LABEL_CHARS = 32  # a pattern's label per line at one column
TITLE_CHARS = 48  # a title per line at one column
PANEL_CHARS_PER_INCH = 20  # 6 pt text
XLABEL = "(predicted − observed) / tolerance"


def standardised_spread(predictive: pd.DataFrame, patterns: pd.DataFrame) -> pd.DataFrame:
    """Per pattern: median and 90% interval of (predicted - observed) / tolerance.

    ``predictive`` holds per-world values (draw, replicate, pattern, value). A share
    (``aligned_share``) is a statistic over worlds, so it is taken per posterior draw.
    """
    rows = []
    for pattern in patterns.itertuples():
        values = predictive.loc[predictive["pattern"] == pattern.id]
        if pattern.statistic == "aligned_share":
            values = values.groupby("draw")["value"].mean()
        else:
            values = values["value"]
        scaled = (values.to_numpy(dtype=float) - pattern.observed) / pattern.tolerance
        low, median, high = np.quantile(scaled, [BAND[0], 0.5, BAND[1]])
        rows.append({"pattern": pattern.id, "median": median, "low": low, "high": high})
    return pd.DataFrame(rows)


def plot_pattern_check(
    spread: pd.DataFrame,
    labels: Sequence[str],
    null: Sequence[float] | None = None,
    *,
    title: str = "",
    width: float = style.TWO_COLUMN,
) -> Figure:
    """Forest plot: per pattern the predictive median and 90% interval in tolerance units;
    the shaded band is 'within tolerance'; open squares mark the persistence null.

    At one column the pattern labels take two lines and the key goes under the panel."""
    n = len(spread)
    narrow = width <= style.NARROW
    entries = 3 if null is not None else 2
    row = 0.3 if narrow else 0.24
    with style.paper_style():
        fig = style.new_figure(width, 0.9 + row * n + (style.key_height(entries, width) if narrow else 0))
        ax = fig.subplots()
        y = np.arange(n)[::-1]
        ax.axvspan(-1, 1, color="#dddddd", lw=0, zorder=0, label="within tolerance")
        ax.axvline(0, color="#555555", lw=0.6, zorder=1)
        ax.hlines(y, spread["low"], spread["high"], color=style.OKABE_ITO["blue"], lw=1.6, zorder=2)
        ax.plot(
            spread["median"],
            y,
            "o",
            color=style.OKABE_ITO["blue"],
            ms=4,
            zorder=3,
            label="model: median, 90%",
        )
        if null is not None:
            ax.plot(
                null,
                y,
                "s",
                mfc="white",
                mec=style.OKABE_ITO["vermillion"],
                ms=4,
                zorder=3,
                label="persistence",
            )
        ax.set_yticks(y)
        ax.set_yticklabels([_two_lines(t) if narrow else t for t in labels], fontsize=6.5)
        ax.set_xlabel(XLABEL.replace(" / ", "\n/ ") if narrow else XLABEL)
        limit = max(3.0, float(np.nanmax(np.abs(spread[["low", "high"]].to_numpy()))) * 1.05)
        ax.set_xlim(-min(limit, 12), min(limit, 12))
        if narrow:
            style.few_ticks(ax, "x", 4)
            fig.legend(loc="outside lower center", ncols=entries if entries <= 2 else 2, fontsize=6.5)
            if title:
                fig.suptitle(textwrap.fill(title, TITLE_CHARS), fontsize=8)
        else:
            ax.legend(loc="lower right", fontsize=6.5)
            if title:
                ax.set_title(title, fontsize=8)
    return fig


def _two_lines(label: str) -> str:
    """A pattern's label on two lines: what it measures, then when (``T21-05: military
    PRK→RUS,`` / ``max 2021-02 to 2022-01``); wrapped in words when that is still too long."""
    head, comma, tail = label.partition(", ")
    if comma and max(len(head) + 1, len(tail)) <= LABEL_CHARS:
        return f"{head},\n{tail}"
    return textwrap.fill(label, LABEL_CHARS)


def plot_pairwise(
    draws: pd.DataFrame, bounds: pd.DataFrame, names: Sequence[str], *, width: float = style.TWO_COLUMN
) -> Figure:
    """Lower triangle: posterior draws pair by pair; diagonal: histograms; axes span the
    priors (on a log axis where the prior is log-uniform).

    At one column the constants' names are wrapped in words to the width of a panel."""
    k = len(names)
    priors = bounds.set_index("parameter")
    narrow = width <= style.NARROW
    with style.paper_style():
        fig = style.new_figure(width, width)
        axes = fig.subplots(k, k, squeeze=False)
        for row in range(k):
            for col in range(k):
                ax = axes[row][col]
                if col > row:
                    ax.set_axis_off()
                    continue
                _prior_axis(ax, priors.loc[names[col]], "x")
                x = draws[names[col]].to_numpy()
                if row == col:
                    ax.hist(x, bins=_bins(priors.loc[names[col]]), color=style.OKABE_ITO["blue"], alpha=0.7)
                    ax.set_yticks([])
                else:
                    y = draws[names[row]].to_numpy()
                    ax.plot(x, y, ".", ms=1.5, alpha=0.5, color=style.OKABE_ITO["blue"])
                    _prior_axis(ax, priors.loc[names[row]], "y")
                ax.tick_params(labelsize=5)
                if narrow:
                    _few_prior_ticks(ax, priors.loc[names[col]], "x")
                    if row != col:
                        _few_prior_ticks(ax, priors.loc[names[row]], "y")
                if row == k - 1:
                    ax.set_xlabel(_constant(names[col], width / k if narrow else None), fontsize=6)
                else:
                    ax.set_xticklabels([])
                if col == 0 and row != col:
                    ax.set_ylabel(_constant(names[row], width / k if narrow else None), fontsize=6)
                elif row != col:
                    ax.set_yticklabels([])
    return fig


def _constant(name: str, panel: float | None) -> str:
    """A constant's axis label: its name, wrapped in words to a panel of ``panel`` inches."""
    short = name.removeprefix("model.")
    if panel is None:
        return short
    return textwrap.fill(short.replace("_", " "), max(int(panel * PANEL_CHARS_PER_INCH), 6))


def _few_prior_ticks(ax, prior: pd.Series, which: str) -> None:
    """Two or three ticks on a narrow panel (log axes: one per decade at most)."""
    axis = ax.xaxis if which == "x" else ax.yaxis
    if prior["scale"] == "log":
        axis.set_major_locator(mticker.LogLocator(numticks=3))
        axis.set_minor_locator(mticker.NullLocator())
    else:
        style.few_ticks(ax, which, 2)


def _prior_axis(ax, prior: pd.Series, which: str) -> None:
    if prior["scale"] == "log":
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    (ax.set_xlim if which == "x" else ax.set_ylim)(prior["prior_low"], prior["prior_high"])


def _bins(prior: pd.Series) -> np.ndarray:
    if prior["scale"] == "log":
        return np.geomspace(prior["prior_low"], prior["prior_high"], 21)
    return np.linspace(prior["prior_low"], prior["prior_high"], 21)


def _band(ax, x, frame: pd.DataFrame, column: str, color: str, label: str) -> None:
    by_step = frame.groupby("step")[column]
    low, high = by_step.quantile(BAND[0]), by_step.quantile(BAND[1])
    ax.fill_between(x, low.to_numpy(), high.to_numpy(), color=color, alpha=0.22, lw=0)
    ax.plot(x, by_step.median().to_numpy(), color=color, label=label)
    ax.axhline(
        float(frame.loc[frame["step"] == frame["step"].min(), column].mean()), color=color, ls=":", lw=0.8
    )


def plot_forecast(timeseries: pd.DataFrame, *, width: float = style.TWO_COLUMN) -> Figure:
    """Monthly forecast: alignment per member, members aligned, tie density per layer.

    Lines are medians over posterior draws and worlds, bands their central 90%, dotted
    lines the start (persistence of the end of 2024). At one column each panel's key goes
    right of it, one entry per line, and the figure is taller."""
    dates = timeseries.drop_duplicates("step").set_index("step")["date"].sort_index()
    x = style.as_dates(dates).to_numpy()
    colors = list(style.OKABE_ITO.values())
    narrow = width <= style.NARROW
    with style.paper_style():
        fig = style.new_figure(width, width * (1.25 if narrow else 0.75))
        alignment, aligned, density = fig.subplots(3, 1, sharex=True)
        members = [c for c in timeseries.columns if c.startswith("alignment_")]
        for k, column in enumerate(members):
            _band(alignment, x, timeseries, column, colors[k], column.removeprefix("alignment_"))
        alignment.set_ylabel("alignment")
        _key(alignment, narrow, "lower left", len(members))
        by_step = timeseries.groupby("step")
        aligned.plot(x, by_step["aligned"].mean().to_numpy(), color=colors[0], label="members aligned (mean)")
        aligned.plot(
            x, 4 * by_step["intact"].mean().to_numpy(), color=colors[1], ls="--", label="4 × P(intact)"
        )
        aligned.set_ylim(0, 4.2)
        aligned.set_ylabel("members")
        _key(aligned, narrow, "lower left", 1, labels=["aligned (mean)", "4 × P(intact)"])
        layers = [c for c in timeseries.columns if c.startswith("density_")]
        for k, column in enumerate(layers):
            _band(density, x, timeseries, column, colors[k], column.removeprefix("density_"))
        density.set_ylabel("tie density")
        _key(density, narrow, "upper left", len(layers))
        style.date_axis(density)
    return fig


def _key(ax, narrow: bool, loc: str, ncols: int, labels: Sequence[str] | None = None) -> None:
    """A panel's key: inside it in one row (two columns), right of it one entry per line (one)."""
    handles, names = ax.get_legend_handles_labels()
    if narrow:
        ax.legend(handles, labels or names, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=6.5)
    else:
        ax.legend(handles, names, ncols=ncols, fontsize=6.5, loc=loc)
