"""Reports of a calibration and of a forecast: figures and tables from their run directory.

Calibration (``experiment=calibrate``): the posterior-predictive check of every pattern
(figure and table), identifiability (which constants the patterns constrain; table and
pairwise posterior of the most constrained) and the tolerance schedule. Forecast
(``experiment=forecast_2025``): the monthly forecast and its score against what happened
and against persistence of the start. As every other report's figures, each is drawn at
every width of ``experiment.widths`` (``<name>`` one column, ``<name>-wide`` two) with a
caption file beside it saying what it shows and which run made it (directory,
configuration hash, commit); ``experiments/analyze.py`` redraws them with other widths.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.analysis.presentation import Presentation, draw, run_presentation
from sim.analysis.settings import with_overrides
from sim.experiment.configuration import rehydrate
from sim.experiment.forecast import describe
from sim.experiment.patterns import Pattern
from sim.experiment.storage import RunDirectory
from sim.publish import tables
from sim.publish.figures.calibration import (
    plot_forecast,
    plot_pairwise,
    plot_pattern_check,
    standardised_spread,
)

PAIRWISE = 5  # constants in the pairwise plot: the most constrained


def _presentation(run: RunDirectory, overrides: Sequence[str]) -> Presentation:
    """Widths from the run's configuration (or the analysis' overrides); its source for the captions."""
    manifest = run.manifest() or {}
    config = with_overrides(rehydrate(manifest.get("config", {})), overrides)
    return run_presentation(run.path, manifest, config)


def _number(x: float) -> str:
    return tables.format_number(x, digits=3)


def calibration_report(root: Path, out: Path, overrides: Sequence[str] = ()) -> list[Path]:
    run = RunDirectory(root)
    look = _presentation(run, overrides)
    patterns = run.read("patterns")
    spread = standardised_spread(run.read("predictive"), patterns)
    labels = [f"{p.id}: {describe(Pattern(**p._asdict()))}" for p in patterns.itertuples(index=False)]
    written = draw(
        look,
        lambda w: plot_pattern_check(
            spread, labels, title="Posterior-predictive check (calibration patterns)", width=w
        ),
        out / "pattern_check",
        "Posterior-predictive check of the calibration: for every 2017-2024 pattern, the median"
        " and 90% interval of the simulated statistic over posterior draws and worlds, minus the"
        " observed value, in units of the pattern's tolerance; the shaded band (within ±1) is met.",
    )
    written += list(tables.write_table(_check_table(patterns, spread), out / "pattern_check"))
    identifiable = run.read("identifiability")
    written += list(tables.write_table(_identifiability_table(identifiable), out / "identifiability"))
    names = identifiable["parameter"].head(PAIRWISE).tolist()
    draws = run.read("posterior_draws")
    written += draw(
        look,
        lambda w: plot_pairwise(draws, identifiable, names, width=w),
        out / "pairwise",
        f"Posterior draws of the {len(names)} constants the patterns constrain most, pair by pair;"
        " histograms on the diagonal; each axis spans the prior (log axis for a log-uniform one).",
    )
    written += list(tables.write_table(_generations_table(run.read("generations")), out / "tolerance"))
    return written


def _check_table(patterns: pd.DataFrame, spread: pd.DataFrame) -> tables.Table:
    columns = (
        tables.Column("Pattern", "Pattern", "l"),
        tables.Column("Observed ± tolerance", r"Observed $\pm$ tolerance"),
        tables.Column("Predicted median [90%], tolerance units", r"Predicted median [90\%], tolerance units"),
        tables.Column("Within tolerance", "Within tolerance", "l"),
        tables.Column("Basis", "Basis", "l"),
        tables.Column("Source", "Source", "l"),
    )
    rows = []
    for pattern, s in zip(patterns.itertuples(index=False), spread.itertuples(index=False), strict=True):
        rows.append(
            (
                f"{pattern.id}: {describe(Pattern(**pattern._asdict()))}",
                f"{_number(pattern.observed)} ± {_number(pattern.tolerance)}",
                tables.format_interval(s.median, s.low, s.high),
                "yes" if abs(s.median) <= 1 else "no",
                pattern.basis,
                pattern.source,
            )
        )
    return tables.Table(columns, tuple(rows))


def _identifiability_table(frame: pd.DataFrame) -> tables.Table:
    columns = (
        tables.Column("Constant", "Constant", "l"),
        tables.Column("Prior", "Prior", "l"),
        tables.Column("Posterior median [90%]", r"Posterior median [90\%]"),
        tables.Column("Contraction", "Contraction"),
        tables.Column("Constrained by the patterns", "Constrained", "l"),
    )
    rows = tuple(
        (
            row.parameter,
            f"{_prior_name(row.scale)} [{_number(row.prior_low)}, {_number(row.prior_high)}]",
            tables.format_interval(row.posterior_median, row.posterior_q05, row.posterior_q95),
            f"{row.contraction:.2f}",
            "yes" if row.constrained else "no (stays near its prior)",
        )
        for row in frame.itertuples(index=False)
    )
    return tables.Table(columns, rows)


def _prior_name(scale: str) -> str:
    return "log-uniform" if scale == "log" else "uniform"


def _generations_table(frame: pd.DataFrame) -> tables.Table:
    columns = tuple(
        tables.Column(name, name)
        for name in ("Generation", "Tolerance", "Simulated", "Kept", "Acceptance", "Effective size")
    )
    rows = tuple(
        (
            str(int(g.generation)),
            _number(g.epsilon),
            str(int(g.simulations)),
            str(int(g.accepted)),
            f"{g.acceptance:.2f}",
            f"{g.effective_size:.0f}",
        )
        for g in frame.itertuples(index=False)
    )
    return tables.Table(columns, rows)


def forecast_report(root: Path, out: Path, overrides: Sequence[str] = ()) -> list[Path]:
    run = RunDirectory(root)
    look = _presentation(run, overrides)
    scores = run.read("scores")
    series = run.read("forecast_timeseries")
    draws = series["draw"].nunique()
    written = draw(
        look,
        lambda w: plot_forecast(series, width=w),
        out / "forecast",
        f"Forecast of 2025 from {draws} posterior draws, month by month: alignment of each member,"
        " members aligned and tie density per layer; lines are medians over draws and worlds,"
        " bands their central 90%, dotted lines the start (persistence of the end of 2024).",
    )
    patterns = scores.rename(columns={"pattern": "id"})
    spread = standardised_spread(run.read("forecast_patterns"), patterns)
    null = ((scores["persistence"] - scores["observed"]) / scores["tolerance"]).tolist()
    labels = [f"{row.pattern}: {row.what}" for row in scores.itertuples()]
    written += draw(
        look,
        lambda w: plot_pattern_check(
            spread, labels, null, title="Forecast of 2025 against what happened", width=w
        ),
        out / "forecast_check",
        "The 2025 forecast against what happened: for every 2025 pattern, the forecast's median"
        " and 90% interval minus the observed value in units of the pattern's tolerance (the"
        " shaded band, within ±1, is a hit); open squares mark persistence of the end of 2024."
        " Nothing was tuned on 2025.",
    )
    written += list(tables.write_table(_score_table(scores), out / "forecast_scores"))
    written += list(tables.write_table(_monthly_table(series), out / "forecast_monthly"))
    return written


def _monthly_table(series: pd.DataFrame) -> tables.Table:
    """Month by month: members aligned, P(intact), median alignment per member and density per layer."""
    members = [c for c in series.columns if c.startswith("alignment_")]
    layers = [c for c in series.columns if c.startswith("density_")]
    by_month = series.groupby("date")
    columns = (
        tables.Column("Month", "Month", "l"),
        tables.Column("Members aligned", "Members aligned"),
        tables.Column("P(intact)", "P(intact)"),
        *(tables.Column(c.replace("_", " "), c.replace("_", " ")) for c in [*members, *layers]),
    )
    rows = []
    for date, month in by_month:
        medians = month[[*members, *layers]].median()
        cells = [f"{month['aligned'].mean():.2f}", f"{month['intact'].mean():.2f}"]
        rows.append((str(date), *cells, *(f"{medians[c]:.3f}" for c in [*members, *layers])))
    return tables.Table(columns, tuple(rows))


def _score_table(scores: pd.DataFrame) -> tables.Table:
    columns = (
        tables.Column("Pattern", "Pattern", "l"),
        tables.Column("Observed ± tolerance", r"Observed $\pm$ tolerance"),
        tables.Column("Forecast median [90%]", r"Forecast median [90\%]"),
        tables.Column("Hit", "Hit", "l"),
        tables.Column("Persistence", "Persistence"),
        tables.Column("Persistence hit", "Persistence hit", "l"),
        tables.Column("Source", "Source", "l"),
    )
    rows = tuple(
        (
            f"{row.pattern}: {row.what}",
            f"{_number(row.observed)} ± {_number(row.tolerance)}",
            tables.format_interval(row.forecast_median, row.forecast_q05, row.forecast_q95),
            "yes" if row.hit else "no",
            _number(row.persistence),
            "yes" if row.persistence_hit else "no",
            row.source,
        )
        for row in scores.itertuples(index=False)
    )
    hits = int(scores["hit"].sum()), int(scores["persistence_hit"].sum())
    total = ("Hits", "", "", f"{hits[0]} of {len(scores)}", "", f"{hits[1]} of {len(scores)}", "")
    errors = f"{scores['error'].mean():.2f}", f"{scores['persistence_error'].mean():.2f}"
    error = ("Mean |median − observed| / tolerance", "", "", errors[0], "", errors[1], "")
    return tables.Table(columns, (*rows, total, error))
