"""Hindcast 2021-2024: the modelled bloc against what was observed (docs/validation.md).

The hindcast starts from the bloc in January 2021 (``sim/data/hindcast_2021/``), applies
the dated events of 2021-2024 (``configs/scenario/hindcast_2021.yaml``) and runs to
January 2025. :func:`hindcast_report` turns its records into

- ``hindcast.pdf/.png``: tie strengths, trust in Russia and cohesion over 2021-2024, the mean over
  replicate worlds with the band in which 95% of them lie, the events marked, and the
  values observed in 2024 as open diamonds;
- ``hindcast_validation.md/.tex`` (and ``.parquet``): modelled against observed quantities,
  each with its source, the criterion it is judged by and whether the model reproduces it.

Timing: the record of step k is the state at the start of month k, that is at the end of
month k-1; an event dated in month M acts at the start of M and shows first in the record
of M+1. "End of 2024" is therefore the record dated 2025-01.

The criteria are fixed here, before looking at any particular run, and the verdicts
follow from them mechanically: a pattern the model misses is reported as missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.experiment.configuration import load_scenario
from sim.experiment.storage import write_parquet
from sim.model.calibration import data_directory, load_calibration
from sim.model.metrics import measure
from sim.model.parameters import ModelParameters, month_label, parse_month
from sim.model.world import World
from sim.publish import plotting, tables

if TYPE_CHECKING:
    from sim.analysis.reports import Dataset

END_DATE = "2025-01"  # record at the start of January 2025 = the state at the end of 2024
LEVEL_TOLERANCE = 0.10  # tie units: observed shares are themselves uncertain by about 0.05
GROWTH_TOLERANCE = 0.15  # percentage points of relative growth
COHESION_TOLERANCE = 0.20  # relative difference to the 2025 calibration's cohesion
NEAR_ZERO = 0.05
MUTUAL_DEFENCE = 0.75  # a treaty tie below this is a partnership, not an alliance
TREATY_IN_FORCE = 0.95
REFERENCE_DATA = "baseline_2025"  # the project's independent estimate of the bloc in January 2025

YES, NO, INPUT = "yes", "no", "input"


@dataclass(frozen=True)
class Check:
    """One modelled-versus-observed comparison and its verdict."""

    quantity: str
    modelled: str
    estimate: float
    lower: float
    upper: float
    observed: str
    source: str
    criterion: str
    reproduced: str


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
    Line("energy", "RUS", "CHN", "energy RUS→CHN", plotting.OKABE_ITO["blue"]),
    Line("energy", "IRN", "CHN", "energy IRN→CHN", plotting.OKABE_ITO["vermillion"]),
)
SECURITY_LINES = (
    Line("military", "PRK", "RUS", "military PRK→RUS", plotting.OKABE_ITO["green"]),
    Line("military", "IRN", "RUS", "military IRN→RUS", plotting.OKABE_ITO["orange"]),
    Line("treaty", "RUS", "PRK", "treaty RUS–PRK", plotting.OKABE_ITO["purple"]),
    Line("treaty", "CHN", "RUS", "treaty CHN–RUS", plotting.OKABE_ITO["sky"], "--", observed=False),
)

TRUST_LINES = (
    ("trust_IRN_RUS", "Iran's trust in Russia", plotting.OKABE_ITO["orange"]),
    ("trust_PRK_RUS", "North Korea's trust in Russia", plotting.OKABE_ITO["green"]),
)

# ----------------------------------------------------------------- data access


def _one_configuration(frame: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """The hindcast pools replicates of one configuration; refuse a mixture."""
    keys = [c for c in ("scenario", "strategy", *dataset.varying) if c in frame.columns]
    groups = frame[keys].drop_duplicates() if keys else pd.DataFrame()
    if len(groups) > 1:
        raise ValueError(
            "the hindcast report compares one configuration with history; these records hold "
            f"{len(groups)}: {groups.to_dict('records')}"
        )
    return frame


def _ties(dataset: Dataset) -> pd.DataFrame:
    if dataset.ties is None:
        raise ValueError("the hindcast report needs tie records: run with record_ties=true ties_every=1")
    return _one_configuration(dataset.ties, dataset)


def tie_paths(ties: pd.DataFrame, layer: str, source: str, target: str) -> pd.DataFrame:
    """One directed tie per replicate (rows) and step (columns)."""
    rows = ties[(ties["layer"] == layer) & (ties["source"] == source) & (ties["target"] == target)]
    if rows.empty:
        raise ValueError(f"no {layer} tie {source}->{target} in the records")
    return rows.pivot(index="replicate", columns="step", values="weight").sort_index(axis=1)


def metric_paths(timeseries: pd.DataFrame, column: str) -> pd.DataFrame:
    """One time-series column per replicate (rows) and step (columns)."""
    return timeseries.pivot(index="replicate", columns="step", values=column).sort_index(axis=1)


def step_dates(frame: pd.DataFrame) -> pd.Series:
    """'YYYY-MM' label of every recorded step."""
    return frame.drop_duplicates("step").set_index("step")["date"].sort_index()


def _step_of(dates: pd.Series, date: str) -> int:
    """The step recorded at ``date``, or the last step if the run ends earlier."""
    hits = dates.index[dates == date]
    return int(hits[0]) if len(hits) else int(dates.index.max())


def spread(values: np.ndarray | pd.Series) -> tuple[float, float, float]:
    """Mean and the central 95% range of replicate worlds."""
    x = np.asarray(values, dtype=float)
    lower, upper = np.quantile(x, [0.025, 0.975])
    return float(x.mean()), float(lower), float(upper)


def reference_ties() -> pd.DataFrame:
    """The 2025 calibration's ties with their basis (figure, derived or judgement)."""
    return pd.read_csv(data_directory(REFERENCE_DATA) / "ties.csv")


def _reference_weight(reference: pd.DataFrame, layer: str, source: str, target: str) -> float:
    row = reference[
        (reference["layer"] == layer) & (reference["source"] == source) & (reference["target"] == target)
    ]
    return float(row["weight"].iloc[0]) if len(row) else 0.0


def reference_cohesion(model: ModelParameters, states: Sequence[str]) -> float:
    """Cohesion of the 2025 calibration at its start, measured as the model measures it."""
    scenario = load_scenario(REFERENCE_DATA)
    scenario.states = list(states)
    calibration = load_calibration(scenario, model)
    world = World.from_calibration(calibration, 1, scenario.us.alliance_strength)
    return float(measure(world, model)["cohesion"][0])


def _model_parameters(dataset: Dataset) -> ModelParameters:
    return ModelParameters(**dataset.config["model"])


# ----------------------------------------------------------------- checks


def _interval(values: np.ndarray | pd.Series, scale: float = 1.0, signed: bool = False) -> tuple:
    estimate, lower, upper = spread(np.asarray(values, dtype=float) * scale)
    text = tables.format_interval(estimate, lower, upper)
    if signed and estimate > 0:
        text = "+" + text
    return text, estimate, lower, upper


def _level(quantity: str, values, observed: float, source: str) -> Check:
    text, estimate, lower, upper = _interval(values)
    verdict = YES if abs(estimate - observed) <= LEVEL_TOLERANCE else NO
    return Check(
        quantity,
        text,
        estimate,
        lower,
        upper,
        tables.format_number(observed, 2),
        source,
        f"mean within ±{LEVEL_TOLERANCE:.2f}",
        verdict,
    )


def _rise(quantity: str, change, observed: str, source: str) -> Check:
    text, estimate, lower, upper = _interval(change, signed=True)
    return Check(
        quantity,
        text,
        estimate,
        lower,
        upper,
        observed,
        source,
        "rise in 95% of worlds",
        YES if lower > 0 else NO,
    )


def _growth(quantity: str, start, end, observed: float, source: str) -> Check:
    text, estimate, lower, upper = _interval(
        np.asarray(end) / np.asarray(start) - 1.0, scale=100.0, signed=True
    )
    verdict = YES if abs(estimate - 100.0 * observed) <= 100.0 * GROWTH_TOLERANCE else NO
    return Check(
        quantity,
        f"{text} %",
        estimate,
        lower,
        upper,
        f"+{100.0 * observed:.0f} %",
        source,
        f"mean within ±{100 * GROWTH_TOLERANCE:.0f} pp",
        verdict,
    )


def validation_checks(dataset: Dataset) -> list[Check]:
    """Every modelled-versus-observed comparison of the hindcast, in reading order."""
    ties = _ties(dataset)
    timeseries = _one_configuration(dataset.timeseries, dataset)
    dates = step_dates(ties)
    start, end = int(dates.index.min()), _step_of(dates, END_DATE)
    end_label = f"end of {month_label(parse_month('date', dates[end]), -1)}"
    reference = reference_ties()

    def path(layer: str, source: str, target: str) -> pd.DataFrame:
        return tie_paths(ties, layer, source, target)

    def observed_tie(layer: str, source: str, target: str) -> float:
        return _reference_weight(reference, layer, source, target)

    checks: list[Check] = []
    for source, target, cite in (
        ("RUS", "CHN", "Novak via Reuters 2023-12: China 45-50% of Russian oil exports"),
        ("IRN", "CHN", "Kpler via Reuters 2025; UANI: 91% of Iranian crude exports"),
    ):
        energy = path("energy", source, target)
        was, now = energy[start].mean(), observed_tie("energy", source, target)
        checks.append(
            _rise(
                f"Energy {source}→{target}: change 2021-01 to {end_label}",
                energy[end] - energy[start],
                f"+{now - was:.2f} ({was:.2f} → {now:.2f})",
                f"{cite}; 2021 share: hindcast_2021 data",
            )
        )
        checks.append(_level(f"Energy {source}→{target}, {end_label}", energy[end], now, cite))
    russia = path("energy", "CHN", "RUS")
    checks.append(
        _growth(
            "China's crude imports from Russia: growth 2021-2024 (energy CHN→RUS)",
            russia[start],
            russia[end],
            108.5 / 79.64 - 1.0,
            "China customs: 79.64 Mt (2021), 108.5 Mt (2024)",
        )
    )
    iran = path("energy", "CHN", "IRN")
    iran_2021 = iran[start].mean()
    checks.append(
        _growth(
            "China's crude imports from Iran: growth 2021-2024 (energy CHN→IRN)",
            iran[start],
            iran[end],
            observed_tie("energy", "CHN", "IRN") / iran_2021 - 1.0,
            f"Kpler via Reuters: 14% of China's crude imports in 2024; 2021: {iran_2021:.3f} (judgement)",
        )
    )
    shells = path("military", "PRK", "RUS")
    year_2021 = [step for step, date in dates.items() if date.startswith("2021")]
    text, estimate, lower, upper = _interval(shells[year_2021].max(axis=1))
    checks.append(
        Check(
            "Military PRK→RUS: highest in 2021",
            text,
            estimate,
            lower,
            upper,
            "0 (none known)",
            "no reported transfers before 2022",
            f"95% of worlds below {NEAR_ZERO:.2f}",
            YES if upper < NEAR_ZERO else NO,
        )
    )
    before = _step_of(dates, "2023-09")
    checks.append(
        _level(
            "Military PRK→RUS, end of 2023-08 (before reported shipments)",
            shells[before],
            0.0,
            "shipments observed from 2023-09 (events_2021_2025.csv); earlier US reports unconfirmed",
        )
    )
    for layer, source, target, cite in (
        ("military", "PRK", "RUS", "2025 calibration from 5 M shells, 11,000 troops"),
        ("military", "IRN", "RUS", "2025 calibration from over 3,700 drones"),
        ("military", "RUS", "PRK", "2025 calibration (judgement): transfers in return"),
        ("economic", "CHN", "RUS", "Kendall-Taylor & Fontaine 2024: over half of Russia's chips"),
    ):
        checks.append(
            _level(
                f"{layer.capitalize()} {source}→{target}, {end_label}",
                path(layer, source, target)[end],
                observed_tie(layer, source, target),
                cite,
            )
        )
    checks.append(_treaty_date(path("treaty", "RUS", "PRK"), dates))
    partnership = path("treaty", "CHN", "RUS")
    text, estimate, lower, upper = _interval(partnership.max(axis=1))
    checks.append(
        Check(
            "Treaty CHN–RUS: highest over 2021-2024",
            text,
            estimate,
            lower,
            upper,
            "no defence clause",
            "'no limits' statement 2022-02-04; 2001 treaty",
            f"95% of worlds below {MUTUAL_DEFENCE:.2f}",
            YES if upper < MUTUAL_DEFENCE else NO,
        )
    )
    checks.append(
        _level(
            f"Treaty CHN–RUS, {end_label}",
            partnership[end],
            observed_tie("treaty", "CHN", "RUS"),
            "partnership without defence clause (2025 calibration)",
        )
    )
    trust = metric_paths(timeseries, "trust_IRN_RUS")
    text, estimate, lower, upper = _interval(trust[end] - trust[end - 1], signed=True)
    checks.append(
        Check(
            f"Iran's trust in Russia: change over {month_label(parse_month('date', dates[end]), -1)}",
            text,
            estimate,
            lower,
            upper,
            "falls (to 0.4)",
            "Assad falls 2024-12-08; 2025 calibration (judgement)",
            "fall in 95% of worlds",
            INPUT,
        )
    )
    checks.append(_cohesion_check(dataset, timeseries, end, end_label))
    checks.append(_tie_error_check(ties, reference, start, end, end_label))
    return checks


def _treaty_date(treaty: pd.DataFrame, dates: pd.Series) -> Check:
    """Month in which the Russia-North Korea treaty tie reaches the mutual-defence level."""
    reached = treaty.ge(TREATY_IN_FORCE)
    first = reached.idxmax(axis=1).where(reached.any(axis=1))
    months = first.dropna().astype(int) - 1  # the record of step k shows month k-1
    start = parse_month("date", dates.iloc[0])
    label = month_label(start, int(months.median())) if len(months) else "never"
    share = len(months) / len(treaty)
    return Check(
        "Treaty RUS–PRK: month it reaches mutual defence",
        f"{label} ({share:.0%} of worlds)",
        float(months.median()) if len(months) else np.nan,
        float(months.min()) if len(months) else np.nan,
        float(months.max()) if len(months) else np.nan,
        "2024-06",
        "treaty signed 2024-06-19, Art. 4 (KCNA text)",
        "scheduled event",
        INPUT,
    )


def _cohesion_check(dataset: Dataset, timeseries: pd.DataFrame, end: int, end_label: str) -> Check:
    states = [c.removeprefix("alignment_") for c in timeseries.columns if c.startswith("alignment_")]
    observed = reference_cohesion(_model_parameters(dataset), states)
    text, estimate, lower, upper = _interval(metric_paths(timeseries, "cohesion")[end])
    verdict = YES if abs(estimate / observed - 1.0) <= COHESION_TOLERANCE else NO
    return Check(
        f"Cohesion, {end_label}",
        text,
        estimate,
        lower,
        upper,
        tables.format_number(observed),
        "2025 calibration (sim/data/baseline_2025), measured alike",
        f"mean within ±{100 * COHESION_TOLERANCE:.0f}%",
        verdict,
    )


def _tie_error_check(
    ties: pd.DataFrame, reference: pd.DataFrame, start: int, end: int, end_label: str
) -> Check:
    """Mean absolute error over the ties the 2025 calibration takes from figures, against
    the error of assuming no change since 2021 (persistence). Treaty ties are left out:
    scheduled events set them, so they would flatter the model."""
    measured = reference[reference["basis"].isin(["figure", "derived"]) & (reference["layer"] != "treaty")]
    errors, persistence = [], []
    for row in measured.itertuples():
        series = tie_paths(ties, row.layer, row.source, row.target)
        errors.append(np.abs(series[end].to_numpy() - row.weight))
        persistence.append(abs(series[start].mean() - row.weight))
    text, estimate, lower, upper = _interval(np.mean(errors, axis=0))
    naive = float(np.mean(persistence))
    return Check(
        f"Mean absolute error of the {len(measured)} non-treaty ties measured in 2024, {end_label}",
        text,
        estimate,
        lower,
        upper,
        f"0 (no change since 2021: {naive:.3f})",
        "2025 calibration: non-treaty ties from figures (basis figure or derived)",
        "below the no-change error in 95% of worlds",
        YES if upper < naive else NO,
    )


def checks_frame(checks: Sequence[Check]) -> pd.DataFrame:
    return pd.DataFrame([asdict(check) for check in checks])


def validation_table(checks: Sequence[Check]) -> tables.Table:
    """Modelled (mean [central 95% of worlds]) against observed, with source and verdict."""
    columns = (
        tables.Column("Quantity", "Quantity", "l"),
        tables.Column("Modelled [95% of worlds]", r"Modelled [95\% of worlds]"),
        tables.Column("Observed", "Observed"),
        tables.Column("Source", "Source", "l"),
        tables.Column("Criterion", "Criterion", "l"),
        tables.Column("Reproduced", "Reproduced", "l"),
    )
    rows = tuple((c.quantity, c.modelled, c.observed, c.source, c.criterion, c.reproduced) for c in checks)
    return tables.Table(columns, rows)


# ----------------------------------------------------------------- figure


def event_marks(dataset: Dataset) -> list[tuple[pd.Timestamp, list[str]]]:
    """(mid-month date, distinct short labels) of the scheduled events, in date order."""
    marks: dict[pd.Timestamp, list[str]] = {}
    for event in dataset.config["scenario"]["events"]:
        year, month = parse_month("event", event["date"])
        when = pd.Timestamp(year=year, month=month, day=15)
        label = event.get("note") or event["kind"]
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


def hindcast_figure(dataset: Dataset, *, width: float = plotting.TWO_COLUMN) -> Figure:
    """Tie strengths, trust and cohesion 2021-2024 with the events marked and 2024 observations."""
    ties = _ties(dataset)
    timeseries = _one_configuration(dataset.timeseries, dataset)
    dates = step_dates(ties)
    x = _record_dates(dates)
    end = _step_of(dates, END_DATE)
    reference = reference_ties()
    marks = event_marks(dataset)
    observed_at = _record_dates(pd.Series([dates[end]])).iloc[0]
    with plotting.paper_style():
        fig = plotting._figure(width, width * 1.0)
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
                    value = _reference_weight(reference, line.layer, line.source, line.target)
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
        _band(cohesion, x.loc[paths.columns], paths, plotting.OKABE_ITO["black"], "cohesion (hindcast)")
        states = [c.removeprefix("alignment_") for c in timeseries.columns if c.startswith("alignment_")]
        cohesion.plot(
            [observed_at],
            [reference_cohesion(_model_parameters(dataset), states)],
            "D",
            ms=4,
            mfc="white",
            mec="#333333",
            label="2025 calibration",
        )
        cohesion.set_ylabel("cohesion")
        cohesion.legend(loc="upper left", fontsize=7)
        plotting._date_axis(cohesion)
    return fig


# ----------------------------------------------------------------- report


def hindcast_report(dataset: Dataset, out: Path) -> list[Path]:
    """Write the hindcast figure and the modelled-versus-observed table; return their paths."""
    out = Path(out)
    checks = validation_checks(dataset)
    written = list(plotting.save_figure(hindcast_figure(dataset), out / "hindcast"))
    write_parquet(checks_frame(checks), out / "hindcast_validation.parquet")
    written += list(
        tables.write_table(
            validation_table(checks),
            out / "hindcast_validation",
            caption="Hindcast 2021-2024: modelled against observed. Modelled: mean over replicate "
            "worlds and the range of the central 95% of them.",
            label="tab:hindcast",
        )
    )
    return written
