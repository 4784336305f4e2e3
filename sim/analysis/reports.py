"""From a run or sweep directory to the figures and tables of the experiment that made it.

Analysis never re-runs the model: :func:`analyze` gathers the jobs into one dataset
(:mod:`sim.experiment.dataset`), splits it by any setting the sweep varied outside its
design (:mod:`sim.analysis.facets`; strategies are never compared across such settings)
and hands each part to the report its experiment calls for. Figures are drawn into a
staging folder that replaces ``figures/`` only when the whole analysis succeeds
(:mod:`sim.analysis.figure_folder`); each figure gets a caption file and every configured
width (:mod:`sim.analysis.presentation`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd

from sim.analysis import descriptions as say
from sim.analysis.facets import facet_path, facets, facets_note
from sim.analysis.figure_folder import final_path, replacing_figures
from sim.analysis.inference import calibration_report, forecast_report
from sim.analysis.portfolio_report import portfolio_report
from sim.analysis.presentation import Presentation, draw, presentation, write_table
from sim.analysis.robust_report import robustness_report
from sim.analysis.settings import with_overrides
from sim.experiment.configuration import Analysis, Config, DesignKind, rehydrate
from sim.experiment.dataset import Dataset, IncompleteSweepError, gather
from sim.experiment.designs import sensitivity_design
from sim.experiment.sensitivity_design import SensitivityDesign
from sim.experiment.storage import RunDirectory, atomic_write_bytes, write_json, write_parquet
from sim.experiment.study import study_path
from sim.publish import figures, tables
from sim.publish import sensitivity as sa
from sim.publish import statistics as st
from sim.validation.figure import hindcast_figure
from sim.validation.hindcast import hindcast_tables

log = logging.getLogger("sim")
logging.getLogger("fontTools").setLevel(logging.WARNING)
Report = Callable[[Dataset, Config, Path, Presentation], list[Path]]


def analyze(
    root: Path, progress: bool = True, overrides: Sequence[str] = (), allow_mixed_versions: bool = False
) -> list[Path]:
    """Gather ``root`` and write the figures and tables its experiment calls for.

    ``overrides`` (``experiment.band=percentile`` ...) change how the results are
    presented, not what they are (:mod:`sim.analysis.settings`). A portfolio search
    (its Optuna study in ``root``) is reported from the study.
    """
    root = Path(root)
    with replacing_figures(root) as out:
        inference = _inference_report(root)
        if study_path(root).is_file():
            written = portfolio_report(root, out)
        elif inference is not None:
            written = inference(root, out, overrides)
        else:
            written = _report_dataset(root, out, progress, overrides, allow_mixed_versions)
        relative = [str(final_path(p, root).relative_to(root)) for p in written]
        write_json({"figures_and_tables": relative}, out / "index.json")
    log.info("wrote %d figures and tables to %s", len(written), root / "figures")
    return [final_path(p, root) for p in written]


def _report_dataset(
    root: Path, out: Path, progress: bool, overrides: Sequence[str], allow_mixed_versions: bool
) -> list[Path]:
    """The experiment's report of every facet of the gathered dataset (README.md when faceted)."""
    dataset = gather(root, progress=progress, allow_mixed_versions=allow_mixed_versions)
    config = with_overrides(rehydrate(dataset.config), overrides)
    report = REPORTS[_analysis(dataset, config)]
    parts = facets(dataset)
    written: list[Path] = []
    for facet in parts:
        look = presentation(facet.dataset, config, facet if facet.settings else None, root)
        written += report(facet.dataset, config, facet_path(out, facet), look)
    if parts[0].settings:
        note = out / "README.md"
        atomic_write_bytes(note, facets_note(parts, look.labels).encode("utf-8"))
        written.append(note)
    return written


def _analysis(dataset: Dataset, config: Config) -> str:
    analysis = dataset.analysis
    if analysis == Analysis.sensitivity and config.design.kind not in (DesignKind.sobol, DesignKind.morris):
        log.warning(
            "sensitivity indices need a sobol or morris design, not '%s'; drawing the strategy report",
            config.design.kind,
        )
        return Analysis.single
    return analysis


def _inference_report(root: Path) -> Callable[[Path, Path, Sequence[str]], list[Path]] | None:
    """A calibration's or a forecast's report (their tables are not replicate summaries)."""
    analysis = (RunDirectory(root).manifest() or {}).get("analysis")
    if analysis == Analysis.calibrate:
        return calibration_report
    if analysis == Analysis.forecast:
        return forecast_report
    return None


def _strategy_report(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    """The outcome over time with bands, its final distribution, survival, ranking table."""
    outcome, reference, horizon = look.outcome, _reference(dataset, config), look.horizon
    summary = dataset.summary
    written = draw(
        look,
        lambda w: figures.plot_final_distribution(
            summary, outcome, reference=reference, horizon=horizon, width=w
        ),
        out / f"final_{outcome}",
        say.final_distribution(outcome, horizon),
    )
    if "timeseries" in dataset.tables and outcome in dataset.columns("timeseries"):
        series = dataset.read("timeseries", columns=[*dataset.identifiers("timeseries"), outcome])
        written += draw(
            look,
            lambda w: figures.plot_cohesion_over_time(
                series, outcome, reference=reference, band=look.band, width=w
            ),
            out / f"{outcome}_over_time",
            say.over_time(outcome, look.band),
        )
    written += draw(
        look,
        lambda w: figures.plot_survival(summary, reference=reference, horizon=horizon, width=w),
        out / "survival",
        say.survival(horizon),
    )
    if "ties" in dataset.tables and "timeseries" in dataset.tables:
        written += _tie_figures(dataset, config, out, look)
    ranking = st.strategy_ranking(summary, outcome, reference=reference, design=dataset.design_parameters)
    write_parquet(ranking, out / "ranking.parquet")
    table = tables.ranking_table(ranking, outcome, reference=reference, horizon=horizon)
    notes = tables.ranking_notes(reference)
    return written + write_table(
        look, table, out / "ranking", say.ranking(outcome, reference, horizon), notes
    )


def _tie_figures(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    """Per strategy: tie heat maps and the network at the start and the horizon."""
    written: list[Path] = []
    for strategy in sorted(dataset.strategies("ties")):
        ties = dataset.read("ties", strategy=strategy)
        written += draw(
            look,
            lambda w, s=strategy, t=ties: figures.plot_tie_heatmaps(t, strategy=s, width=w),
            out / f"ties_{strategy}",
            say.ties(look.horizon),
        )
        aligned = _aligned_shares(dataset, strategy, config.model.aligned_threshold)
        written += draw(
            look,
            lambda w, s=strategy, t=ties, a=aligned: figures.plot_network(t, strategy=s, width=w, **a),
            out / f"network_{strategy}",
            say.network(look.horizon),
        )
    return written


def _reference(dataset: Dataset, config: Config) -> str:
    """The configured reference strategy; a single-strategy run is its own reference."""
    strategies = list(dataset.summary["strategy"].unique())
    if config.experiment.reference in strategies:
        return config.experiment.reference
    if len(strategies) == 1:
        return strategies[0]
    raise IncompleteSweepError(
        f"experiment.reference: '{config.experiment.reference}' was not run (allowed: {sorted(strategies)})"
    )


def _aligned_shares(dataset: Dataset, strategy: str, threshold: float) -> dict[str, dict[str, float]]:
    """Share of replicates in which each member is aligned at the start and the horizon."""
    alignment = [c for c in dataset.columns("timeseries") if c.startswith("alignment_")]
    series = dataset.read("timeseries", columns=["step", *alignment], strategy=strategy)
    ends = {"aligned_start": series["step"].min(), "aligned_end": series["step"].max()}
    columns = [c for c in series.columns if c.startswith("alignment_")]
    return {
        name: {
            c.removeprefix("alignment_"): float((series.loc[series["step"] == step, c] >= threshold).mean())
            for c in columns
        }
        for name, step in ends.items()
    }


def _phase_report(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    """Heat map of P(intact) over the design's two parameters, one panel per strategy."""
    names = [p.name for p in config.design.parameters]
    if len(names) != 2:
        raise IncompleteSweepError(f"a phase diagram needs exactly two design parameters, got {names}")
    reference = _reference(dataset, config)
    table = dataset.summary.groupby(["strategy", *names])["intact"].mean().rename("p_intact").reset_index()
    write_parquet(table, out / "phase_diagram.parquet")
    return draw(
        look,
        lambda w: figures.plot_phase_diagram(
            dataset.summary, *names, reference=reference, horizon=look.horizon, labels=look.labels, width=w
        ),
        out / "phase_diagram",
        say.phase_diagram(*names, look.horizon),
    )


def _frontier_report(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    """The final outcome and P(intact) against the one swept parameter, per strategy."""
    names = [p.name for p in config.design.parameters]
    if len(names) != 1:
        raise IncompleteSweepError(f"a frontier needs exactly one design parameter, got {names}")
    outcome, parameter = look.outcome, names[0]
    table = st.parameter_response(dataset.summary, parameter, outcome)
    costs = dataset.summary.groupby(["strategy", parameter])["us_cost"].mean().rename("mean_us_cost")
    table = table.merge(costs.reset_index(), on=["strategy", parameter])
    write_parquet(table, out / "frontier.parquet")
    reference = _reference(dataset, config)
    return draw(
        look,
        lambda w: figures.plot_response(
            dataset.summary,
            parameter,
            outcome,
            reference=reference,
            horizon=look.horizon,
            labels=look.labels,
            width=w,
        ),
        out / "frontier",
        say.frontier(parameter, outcome, look.horizon),
    )


def sensitivity_indices(dataset: Dataset, design: SensitivityDesign, outcome: str) -> pd.DataFrame:
    """Sobol or Morris indices of the mean outcome per design point, per strategy."""
    names = list(design.names)
    frames = []
    for strategy, part in dataset.summary.groupby("strategy"):
        per_point = part.groupby("point")[[*names, outcome]].mean().sort_index()
        result = sa.indices(design, per_point[names].to_numpy(), per_point[outcome].to_numpy())
        frames.append(result.assign(strategy=strategy, outcome=outcome))
    return pd.concat(frames, ignore_index=True)


def _sensitivity_report(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    outcome, horizon = look.outcome, look.horizon
    indices = sensitivity_indices(dataset, sensitivity_design(config.design), outcome)
    write_parquet(indices, out / "sensitivity_indices.parquet")
    names = [p.name for p in config.design.parameters]
    morris = config.design.kind == DesignKind.morris
    written: list[Path] = []
    for strategy, part in indices.groupby("strategy"):
        part = part.drop(columns=["strategy", "outcome"])
        title = f"{str(strategy).replace('_', ' ')}: {outcome.replace('_', ' ')} at month {horizon}"
        if morris:
            written += draw(
                look,
                lambda w, p=part, t=title: figures.plot_morris(
                    p, labels=look.labels, title=t, outcome=outcome.replace("_", " "), width=w
                ),
                out / f"morris_{strategy}",
                say.morris(strategy, outcome, horizon, names),
            )
        else:
            written += draw(
                look,
                lambda w, p=part, t=title: figures.plot_sobol(p, labels=look.labels, title=t, width=w),
                out / f"sobol_{strategy}",
                say.sobol(strategy, outcome, horizon, names),
            )
        table = tables.sensitivity_table(part, labels=look.labels)
        written += write_table(
            look, table, out / f"sensitivity_{strategy}", say.sensitivity_table(strategy, outcome, horizon)
        )
    return written


def _hindcast_report(dataset: Dataset, config: Config, out: Path, look: Presentation) -> list[Path]:
    events = [(event.date, event.note or str(event.kind)) for event in config.scenario.events]
    timeline = replace(look, widths=("two_column",))  # a dated five-panel timeline needs the full width
    written = draw(
        timeline, lambda w: hindcast_figure(dataset, events, width=w), out / "hindcast", say.hindcast()
    )
    return written + hindcast_tables(dataset, out)


REPORTS: dict[str, Report] = {
    "single": _strategy_report,
    "compare_strategies": _strategy_report,
    "phase_diagram": _phase_report,
    "frontier": _frontier_report,
    "sensitivity": _sensitivity_report,
    "hindcast": _hindcast_report,
    "robustness": robustness_report,
}
