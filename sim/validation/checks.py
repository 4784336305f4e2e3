"""Modelled-versus-observed checks of the 2021-2024 hindcast, each with its verdict.

The criteria come from ``sim/validation/data/hindcast_criteria.csv``, fixed before looking
at any particular run; the verdicts follow from them mechanically: a pattern the model
misses is reported as missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sim.common.calendar import month_label, parse_month
from sim.experiment.dataset import Dataset
from sim.publish import tables
from sim.validation import observed as obs
from sim.validation.records import (
    metric_paths,
    one_configuration,
    spread,
    step_dates,
    step_of,
    tie_paths,
    ties_of,
)

END_DATE = "2025-01"  # record at the start of January 2025 = the state at the end of 2024
YES, NO = "yes", "no"


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


def _interval(values: np.ndarray | pd.Series, scale: float = 1.0, signed: bool = False) -> tuple:
    estimate, lower, upper = spread(np.asarray(values, dtype=float) * scale)
    text = tables.format_interval(estimate, lower, upper)
    if signed and estimate > 0:
        text = "+" + text
    return text, estimate, lower, upper


def _level(quantity: str, values, observed: float, source: str) -> Check:
    text, estimate, lower, upper = _interval(values)
    verdict = YES if abs(estimate - observed) <= obs.criterion("level_tolerance") else NO
    return Check(
        quantity,
        text,
        estimate,
        lower,
        upper,
        tables.format_number(observed, 2),
        source,
        f"mean within ±{obs.criterion('level_tolerance'):.2f}",
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
    verdict = YES if abs(estimate - 100.0 * observed) <= 100.0 * obs.criterion("growth_tolerance") else NO
    return Check(
        quantity,
        f"{text} %",
        estimate,
        lower,
        upper,
        f"+{100.0 * observed:.0f} %",
        source,
        f"mean within ±{100 * obs.criterion('growth_tolerance'):.0f} pp",
        verdict,
    )


def validation_checks(dataset: Dataset) -> list[Check]:
    """Every modelled-versus-observed comparison of the hindcast, in reading order."""
    ties = ties_of(dataset)
    timeseries = one_configuration(dataset.timeseries, dataset)
    dates = step_dates(ties)
    start, end = int(dates.index.min()), step_of(dates, END_DATE)
    end_label = f"end of {month_label(parse_month('date', dates[end]), -1)}"
    reference = obs.reference_ties()

    def path(layer: str, source: str, target: str) -> pd.DataFrame:
        return tie_paths(ties, layer, source, target)

    def observed_tie(layer: str, source: str, target: str) -> float:
        return obs.reference_weight(reference, layer, source, target)

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
            obs.observed("china_crude_imports_from_russia_2024")
            / obs.observed("china_crude_imports_from_russia_2021")
            - 1.0,
            obs.source("china_crude_imports_from_russia_2024"),
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
            f"95% of worlds below {obs.criterion('near_zero'):.2f}",
            YES if upper < obs.criterion("near_zero") else NO,
        )
    )
    before = step_of(dates, "2023-09")
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
            f"95% of worlds below {obs.criterion('mutual_defence'):.2f}",
            YES if upper < obs.criterion("mutual_defence") else NO,
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
            "Assad falls 2024-12-08 (an abandonment input); 2025 calibration (judgement)",
            "fall in 95% of worlds",
            YES if upper < 0 else NO,
        )
    )
    checks.append(_cohesion_check(dataset, timeseries, end, end_label))
    checks.append(_tie_error_check(ties, reference, start, end, end_label))
    return checks


def _treaty_date(treaty: pd.DataFrame, dates: pd.Series) -> Check:
    """Month in which the Russia-North Korea treaty tie reaches the mutual-defence level."""
    reached = treaty.ge(obs.criterion("treaty_in_force"))
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
        obs.observed_text("russia_north_korea_treaty_signed"),
        obs.source("russia_north_korea_treaty_signed") + "; the signing is an input, the tie an output",
        "reached in the month signed in 95% of worlds",
        YES if share >= 0.95 and label == obs.observed_text("russia_north_korea_treaty_signed") else NO,
    )


def _cohesion_check(dataset: Dataset, timeseries: pd.DataFrame, end: int, end_label: str) -> Check:
    observed = obs.observed("cohesion_2025_calibration")
    text, estimate, lower, upper = _interval(metric_paths(timeseries, "cohesion")[end])
    verdict = YES if abs(estimate / observed - 1.0) <= obs.criterion("cohesion_tolerance") else NO
    return Check(
        f"Cohesion, {end_label}",
        text,
        estimate,
        lower,
        upper,
        tables.format_number(observed),
        obs.source("cohesion_2025_calibration"),
        f"mean within ±{100 * obs.criterion('cohesion_tolerance'):.0f}%",
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
