"""From a run or sweep directory to the figures and tables of the experiment that made it.

Analysis never re-runs the model: :func:`analyze` gathers the jobs into one dataset
(:mod:`sim.experiment.dataset`) and hands it to the report its experiment calls for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from sim.analysis.inference import calibration_report, forecast_report
from sim.analysis.portfolio_report import portfolio_report
from sim.analysis.robust_report import robustness_report
from sim.experiment.configuration import Analysis, Config, DesignKind, rehydrate
from sim.experiment.dataset import FIGURES, Dataset, IncompleteSweepError, gather
from sim.experiment.designs import sensitivity_design
from sim.experiment.sensitivity_design import SensitivityDesign
from sim.experiment.storage import RunDirectory, write_json, write_parquet
from sim.experiment.study import study_path
from sim.publish import figures, style, tables
from sim.publish import sensitivity as sa
from sim.publish import statistics as st
from sim.validation.hindcast import hindcast_report

log = logging.getLogger("sim")
logging.getLogger("fontTools").setLevel(logging.WARNING)
Report = Callable[[Dataset, Config, Path], list[Path]]


def analyze(root: Path, progress: bool = True, allow_mixed_versions: bool = False) -> list[Path]:
    """Gather ``root`` and write the figures and tables its experiment calls for."""
    root = Path(root)
    if study_path(root).is_file():
        written = portfolio_report(root, root / FIGURES)
        write_json(
            {"figures_and_tables": [str(p.relative_to(root)) for p in written]}, root / FIGURES / "index.json"
        )
        return written
    inference = _inference_report(root)
    if inference is not None:
        return inference
    dataset = gather(root, progress=progress, allow_mixed_versions=allow_mixed_versions)
    config = rehydrate(dataset.config)
    out = root / FIGURES
    analysis = dataset.analysis
    if analysis == Analysis.sensitivity and config.design.kind not in (DesignKind.sobol, DesignKind.morris):
        log.warning(
            "sensitivity indices need a sobol or morris design, not '%s'; drawing the strategy report",
            config.design.kind,
        )
        analysis = Analysis.single
    report: dict[str, Report] = {
        "single": _strategy_report,
        "compare_strategies": _strategy_report,
        "phase_diagram": _phase_report,
        "frontier": _frontier_report,
        "sensitivity": _sensitivity_report,
        "hindcast": _hindcast_report,
        "robustness": robustness_report,
    }[analysis]
    written = report(dataset, config, out)
    write_json({"figures_and_tables": [str(p.relative_to(root)) for p in written]}, out / "index.json")
    log.info("wrote %d figures and tables to %s", len(written), out)
    return written


def _inference_report(root: Path) -> list[Path] | None:
    """A calibration's or a forecast's report (their tables are not replicate summaries)."""
    manifest = RunDirectory(root).manifest()
    analysis = (manifest or {}).get("analysis")
    if analysis not in (Analysis.calibrate, Analysis.forecast):
        return None
    report = calibration_report if analysis == Analysis.calibrate else forecast_report
    out = root / FIGURES
    written = report(root, out)
    write_json({"figures_and_tables": [str(p.relative_to(root)) for p in written]}, out / "index.json")
    log.info("wrote %d figures and tables to %s", len(written), out)
    return written


def _save(fig, path: Path) -> list[Path]:
    paths = list(style.save_figure(fig, path))
    plt.close(fig)
    return paths


def _strategy_report(dataset: Dataset, config: Config, out: Path) -> list[Path]:
    """The outcome over time with bands, its final distribution, survival, ranking table."""
    outcome, reference = str(config.experiment.outcome), _reference(dataset, config)
    final = figures.plot_final_distribution(dataset.summary, outcome, reference=reference)
    written = _save(final, out / f"final_{outcome}")
    if "timeseries" in dataset.tables and outcome in dataset.columns("timeseries"):
        series = dataset.read("timeseries", columns=[*dataset.identifiers("timeseries"), outcome])
        over_time = figures.plot_cohesion_over_time(series, outcome, reference=reference)
        written += _save(over_time, out / f"{outcome}_over_time")
    written += _save(figures.plot_survival(dataset.summary, reference=reference), out / "survival")
    if "ties" in dataset.tables and "timeseries" in dataset.tables:
        for strategy in dataset.strategies("ties"):
            ties = dataset.read("ties", strategy=strategy)
            written += _save(figures.plot_tie_heatmaps(ties, strategy=strategy), out / f"ties_{strategy}")
            aligned = _aligned_shares(dataset, strategy, config.model.aligned_threshold)
            network = figures.plot_network(ties, strategy=strategy, **aligned)
            written += _save(network, out / f"network_{strategy}")
    ranking = st.strategy_ranking(
        dataset.summary, outcome, reference=reference, design=dataset.design_parameters
    )
    write_parquet(ranking, out / "ranking.parquet")
    written += list(
        tables.write_table(tables.ranking_table(ranking, outcome, reference=reference), out / "ranking")
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


def _phase_report(dataset: Dataset, config: Config, out: Path) -> list[Path]:
    """Heat map of P(intact) over the design's two parameters, one panel per strategy."""
    names = [p.name for p in config.design.parameters]
    if len(names) != 2:
        raise IncompleteSweepError(f"a phase diagram needs exactly two design parameters, got {names}")
    fig = figures.plot_phase_diagram(
        dataset.summary, names[0], names[1], reference=_reference(dataset, config)
    )
    table = dataset.summary.groupby(["strategy", *names])["intact"].mean().rename("p_intact").reset_index()
    write_parquet(table, out / "phase_diagram.parquet")
    return _save(fig, out / "phase_diagram")


def _frontier_report(dataset: Dataset, config: Config, out: Path) -> list[Path]:
    """The final outcome and P(intact) against the one swept parameter, per strategy."""
    names = [p.name for p in config.design.parameters]
    if len(names) != 1:
        raise IncompleteSweepError(f"a frontier needs exactly one design parameter, got {names}")
    outcome = str(config.experiment.outcome)
    table = st.parameter_response(dataset.summary, names[0], outcome)
    costs = dataset.summary.groupby(["strategy", names[0]])["us_cost"].mean().rename("mean_us_cost")
    table = table.merge(costs.reset_index(), on=["strategy", names[0]])
    write_parquet(table, out / "frontier.parquet")
    response = figures.plot_response(
        dataset.summary, names[0], outcome, reference=_reference(dataset, config)
    )
    return _save(response, out / "frontier")


def sensitivity_indices(dataset: Dataset, design: SensitivityDesign, outcome: str) -> pd.DataFrame:
    """Sobol or Morris indices of the mean outcome per design point, per strategy."""
    names = list(design.names)
    frames = []
    for strategy, part in dataset.summary.groupby("strategy"):
        per_point = part.groupby("point")[[*names, outcome]].mean().sort_index()
        result = sa.indices(design, per_point[names].to_numpy(), per_point[outcome].to_numpy())
        frames.append(result.assign(strategy=strategy, outcome=outcome))
    return pd.concat(frames, ignore_index=True)


def _sensitivity_report(dataset: Dataset, config: Config, out: Path) -> list[Path]:
    outcome = str(config.experiment.outcome)
    indices = sensitivity_indices(dataset, sensitivity_design(config.design), outcome)
    write_parquet(indices, out / "sensitivity_indices.parquet")
    written: list[Path] = []
    for strategy, part in indices.groupby("strategy"):
        part = part.drop(columns=["strategy", "outcome"])
        if config.design.kind == DesignKind.morris:
            written += _save(figures.plot_morris(part), out / f"morris_{strategy}")
        else:
            written += _save(figures.plot_sobol(part), out / f"sobol_{strategy}")
        written += list(tables.write_table(tables.sensitivity_table(part), out / f"sensitivity_{strategy}"))
    return written


def _hindcast_report(dataset: Dataset, config: Config, out: Path) -> list[Path]:
    events = [(event.date, event.note or str(event.kind)) for event in config.scenario.events]
    return hindcast_report(dataset, out, events)
