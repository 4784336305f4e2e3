"""From a run or sweep directory to the figures and tables of the experiment that made it.

Analysis never re-runs the model: :func:`analyze` gathers the jobs into one dataset
(:mod:`sim.experiment.dataset`) and hands it to the report its experiment calls for.
"""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd

from sim.experiment.dataset import FIGURES, Dataset, IncompleteSweepError, gather
from sim.experiment.storage import write_json, write_parquet
from sim.publish import plotting, tables
from sim.publish import sensitivity as sa
from sim.publish import statistics as st

log = logging.getLogger("sim")
logging.getLogger("fontTools").setLevel(logging.WARNING)


def analyze(root: Path, progress: bool = True, allow_mixed_versions: bool = False) -> list[Path]:
    """Gather ``root`` and write the figures and tables its experiment calls for."""
    root = Path(root)
    dataset = gather(root, progress=progress, allow_mixed_versions=allow_mixed_versions)
    out = root / FIGURES
    analysis = dataset.analysis
    if analysis == "sensitivity" and dataset.config["design"]["kind"] not in ("sobol", "morris"):
        log.warning(
            "sensitivity indices need a sobol or morris design, not '%s'; drawing the strategy report",
            dataset.config["design"]["kind"],
        )
        analysis = "single"
    report = {
        "single": _strategy_report,
        "compare_strategies": _strategy_report,
        "phase_diagram": _phase_report,
        "frontier": _frontier_report,
        "sensitivity": _sensitivity_report,
        "hindcast": _hindcast_report,
    }[analysis]
    written = report(dataset, out)
    write_json({"figures_and_tables": [str(p.relative_to(root)) for p in written]}, out / "index.json")
    log.info("wrote %d figures and tables to %s", len(written), out)
    return written


def _save(fig, path: Path) -> list[Path]:
    paths = list(plotting.save_figure(fig, path))
    plt.close(fig)
    return paths


def _strategy_report(dataset: Dataset, out: Path) -> list[Path]:
    """Cohesion over time with bands, final distributions, survival, ranking table."""
    written = _save(plotting.plot_final_distribution(dataset.summary), out / "final_cohesion")
    if "timeseries" in dataset.tables:
        series = dataset.read("timeseries", columns=[*dataset.identifiers("timeseries"), "cohesion"])
        written += _save(plotting.plot_cohesion_over_time(series), out / "cohesion_over_time")
    written += _save(plotting.plot_survival(dataset.summary), out / "survival")
    if "ties" in dataset.tables and "timeseries" in dataset.tables:
        for strategy in dataset.strategies("ties"):
            ties = dataset.read("ties", strategy=strategy)
            written += _save(plotting.plot_tie_heatmaps(ties, strategy=strategy), out / f"ties_{strategy}")
            aligned = _aligned_shares(dataset, strategy)
            network = plotting.plot_network(ties, strategy=strategy, **aligned)
            written += _save(network, out / f"network_{strategy}")
    strategies = dataset.summary["strategy"].unique()
    reference = st.REFERENCE if st.REFERENCE in strategies else strategies[0]
    ranking = st.strategy_ranking(dataset.summary, reference=reference, design=dataset.design_parameters)
    write_parquet(ranking, out / "ranking.parquet")
    written += list(tables.write_table(tables.ranking_table(ranking, reference=reference), out / "ranking"))
    return written


def _aligned_shares(dataset: Dataset, strategy: str) -> dict[str, dict[str, float]]:
    """Share of replicates in which each member is aligned at the start and the horizon."""
    threshold = dataset.config["model"]["aligned_threshold"]
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


def _phase_report(dataset: Dataset, out: Path) -> list[Path]:
    """Heat map of P(intact) over the design's two parameters, one panel per strategy."""
    names = [p["name"] for p in dataset.config["design"]["parameters"]]
    if len(names) != 2:
        raise IncompleteSweepError(f"a phase diagram needs exactly two design parameters, got {names}")
    fig = plotting.plot_phase_diagram(dataset.summary, names[0], names[1])
    table = dataset.summary.groupby(["strategy", *names])["intact"].mean().rename("p_intact").reset_index()
    write_parquet(table, out / "phase_diagram.parquet")
    return _save(fig, out / "phase_diagram")


def _frontier_report(dataset: Dataset, out: Path) -> list[Path]:
    """Final cohesion and P(intact) against the one swept parameter, per strategy."""
    names = [p["name"] for p in dataset.config["design"]["parameters"]]
    if len(names) != 1:
        raise IncompleteSweepError(f"a frontier needs exactly one design parameter, got {names}")
    outcome = dataset.config["experiment"]["outcome"]
    table = st.parameter_response(dataset.summary, names[0], outcome)
    costs = dataset.summary.groupby(["strategy", names[0]])["us_cost"].mean().rename("mean_us_cost")
    table = table.merge(costs.reset_index(), on=["strategy", names[0]])
    write_parquet(table, out / "frontier.parquet")
    return _save(plotting.plot_response(dataset.summary, names[0], outcome), out / "frontier")


def sensitivity_indices(dataset: Dataset, outcome: str) -> pd.DataFrame:
    """Sobol or Morris indices of the mean outcome per design point, per strategy."""
    design = dataset.config["design"]
    names = [p["name"] for p in design["parameters"]]
    problem = sa.sobol_problem(names, [[p["low"], p["high"]] for p in design["parameters"]])
    frames = []
    for strategy, part in dataset.summary.groupby("strategy"):
        per_point = part.groupby("point")[[*names, outcome]].mean().sort_index()
        y = per_point[outcome].to_numpy()
        if design["kind"] == "morris":
            indices = sa.morris_indices(problem, per_point[names].to_numpy(), y, seed=design["seed"])
        else:
            indices = sa.sobol_indices(problem, y, seed=design["seed"])
        frames.append(indices.assign(strategy=strategy, outcome=outcome))
    return pd.concat(frames, ignore_index=True)


def _sensitivity_report(dataset: Dataset, out: Path) -> list[Path]:
    outcome = dataset.manifests[0]["config"]["experiment"]["outcome"]
    indices = sensitivity_indices(dataset, outcome)
    write_parquet(indices, out / "sensitivity_indices.parquet")
    written: list[Path] = []
    for strategy, part in indices.groupby("strategy"):
        part = part.drop(columns=["strategy", "outcome"])
        if dataset.config["design"]["kind"] == "morris":
            written += _save(plotting.plot_morris(part), out / f"morris_{strategy}")
        else:
            written += _save(plotting.plot_sobol(part), out / f"sobol_{strategy}")
        written += list(tables.write_table(tables.sensitivity_table(part), out / f"sensitivity_{strategy}"))
    return written


def _hindcast_report(dataset: Dataset, out: Path) -> list[Path]:
    from sim.validation.hindcast import hindcast_report

    return hindcast_report(dataset, out)
