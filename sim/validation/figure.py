"""The hindcast figure: ties, trust and cohesion 2021-2024 with the events marked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.common.calendar import parse_month
from sim.experiment.dataset import Dataset
from sim.publish import style
from sim.validation import observed as obs
from sim.validation.checks import END_DATE
from sim.validation.records import metric_paths, one_configuration, step_dates, step_of, tie_paths, ties_of


@dataclass(frozen=True)
class Line:
    """One modelled series in the figure, with the value observed in 2024 if known."""

    layer: str
    source: str
    target: str
    label: str
    color: str
    style: str = "-"
    observed: bool = True


ENERGY_LINES = (
    Line("energy", "RUS", "CHN", "energy RUS→CHN", style.OKABE_ITO["blue"]),
    Line("energy", "IRN", "CHN", "energy IRN→CHN", style.OKABE_ITO["vermillion"]),
)
SECURITY_LINES = (
    Line("military", "PRK", "RUS", "military PRK→RUS", style.OKABE_ITO["green"]),
    Line("military", "IRN", "RUS", "military IRN→RUS", style.OKABE_ITO["orange"]),
    Line("treaty", "RUS", "PRK", "treaty RUS–PRK", style.OKABE_ITO["purple"]),
    Line("treaty", "CHN", "RUS", "treaty CHN–RUS", style.OKABE_ITO["sky"], "--", observed=False),
)

TRUST_LINES = (
    ("trust_IRN_RUS", "Iran's trust in Russia", style.OKABE_ITO["orange"]),
    ("trust_PRK_RUS", "North Korea's trust in Russia", style.OKABE_ITO["green"]),
)


def event_marks(events: Sequence[tuple[str, str]]) -> list[tuple[pd.Timestamp, list[str]]]:
    """(mid-month date, distinct short labels) of the scheduled (date, label) events, in date order."""
    marks: dict[pd.Timestamp, list[str]] = {}
    for date, label in events:
        year, month = parse_month("event", date)
        when = pd.Timestamp(year=year, month=month, day=15)
        if label not in marks.setdefault(when, []):
            marks[when].append(label)
    return sorted(marks.items())


def _record_dates(dates: pd.Series) -> pd.Series:
    """Records at the first of their month: the state at the end of the month before."""
    return pd.to_datetime(dates.astype(str), format="%Y-%m")


def _band(ax, x, paths: pd.DataFrame, color: str, label: str, style: str = "-") -> None:
    values = paths.to_numpy(dtype=float)
    lower, upper = np.quantile(values, [0.025, 0.975], axis=0)
    ax.fill_between(x, lower, upper, color=color, alpha=0.22, lw=0)
    ax.plot(x, values.mean(axis=0), color=color, ls=style, label=label)


def hindcast_figure(
    dataset: Dataset, events: Sequence[tuple[str, str]] = (), *, width: float = style.TWO_COLUMN
) -> Figure:
    """Tie strengths, trust and cohesion 2021-2024 with the events marked and 2024 observations."""
    ties = ties_of(dataset)
    timeseries = one_configuration(dataset.timeseries, dataset)
    dates = step_dates(ties)
    x = _record_dates(dates)
    end = step_of(dates, END_DATE)
    reference = obs.reference_ties()
    marks = event_marks(events)
    observed_at = _record_dates(pd.Series([dates[end]])).iloc[0]
    with style.paper_style():
        fig = style.new_figure(width, width * 1.0)
        strip, energy, security, trust, cohesion = fig.subplots(
            5, 1, sharex=True, gridspec_kw={"height_ratios": [1.5, 2.0, 2.0, 1.3, 1.3]}
        )
        strip.set_axis_off()
        strip.set_ylim(0, 1)
        for when, labels in marks:
            strip.text(when, 0.0, "\n".join(labels), rotation=90, ha="center", va="bottom", fontsize=5.5)
            for ax in (energy, security, trust, cohesion):
                ax.axvline(when, color="#888888", lw=0.5, ls=":", zorder=0)
        panels: tuple[tuple[object, tuple[Line, ...], str], ...] = (
            (energy, ENERGY_LINES, "energy tie\n(export share)"),
            (security, SECURITY_LINES, "military and\ntreaty ties"),
        )
        for ax, lines, ylabel in panels:
            for line in lines:
                paths = tie_paths(ties, line.layer, line.source, line.target)
                _band(ax, x.loc[paths.columns], paths, line.color, line.label, line.style)
                if line.observed:
                    value = obs.reference_weight(reference, line.layer, line.source, line.target)
                    ax.plot([observed_at], [value], "D", ms=4, mfc="white", mec=line.color, mew=1.0, zorder=4)
            ax.set_ylim(-0.02, 1.05)
            ax.set_ylabel(ylabel)
        energy.plot([], [], "D", ms=4, mfc="white", mec="#333333", label="observed 2024")
        energy.legend(loc="lower left", ncols=3, fontsize=7)
        security.legend(loc="upper left", ncols=2, fontsize=7)
        for column, label, color in TRUST_LINES:
            paths = metric_paths(timeseries, column)
            _band(trust, x.loc[paths.columns], paths, color, label)
        trust.set_ylim(0.3, 0.8)
        trust.set_ylabel("trust")
        trust.legend(loc="lower left", ncols=2, fontsize=7)
        paths = metric_paths(timeseries, "cohesion")
        _band(cohesion, x.loc[paths.columns], paths, style.OKABE_ITO["black"], "cohesion (hindcast)")
        cohesion.plot(
            [observed_at],
            [obs.observed("cohesion_2025_calibration")],
            "D",
            ms=4,
            mfc="white",
            mec="#333333",
            label="2025 calibration",
        )
        cohesion.set_ylabel("cohesion")
        cohesion.legend(loc="upper left", fontsize=7)
        style.date_axis(cohesion)
    return fig
