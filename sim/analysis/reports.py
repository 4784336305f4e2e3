"""From records on disk to one dataset and the experiment's figures and tables.

Analysis never re-runs the model. :func:`gather` collects every complete job under a
directory (whatever launcher made it), refuses corrupt or missing pieces with a message
naming them, and writes ``combined/*.parquet``; :func:`analyze` then draws the figures
and writes the tables of the experiment that produced the jobs.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
from tqdm.auto import tqdm

from sim.experiment.runner import TABLES
from sim.experiment.storage import MANIFEST, CorruptResultError, RunDirectory, write_json, write_parquet
from sim.publish import plotting, tables
from sim.publish import sensitivity as sa
from sim.publish import statistics as st

log = logging.getLogger("sim")
logging.getLogger("fontTools").setLevel(logging.WARNING)
COMBINED = "combined"
FIGURES = "figures"
SKIPPED_PREFIXES = (
    "strategy.",
    "design.",
    "experiment.",
    "hydra",
    "first_replicate",
    "record_",
    "ties_every",
)


class IncompleteSweepError(RuntimeError):
    """Chunks are missing or duplicated, or a job directory is corrupt."""


@dataclass
class Dataset:
    """Every job of a sweep stacked into tables, with what the jobs were."""

    summary: pd.DataFrame
    timeseries: pd.DataFrame | None
    ties: pd.DataFrame | None
    manifests: list[dict[str, Any]]

    @property
    def analysis(self) -> str:
        kinds = {m.get("analysis", "single") for m in self.manifests}
        return kinds.pop() if len(kinds) == 1 else "single"

    @property
    def config(self) -> dict[str, Any]:
        return self.manifests[0]["config"]

    @property
    def design_parameters(self) -> list[str]:
        """Columns that identify a design point (pairing keys besides the replicate)."""
        names = [p["name"] for p in self.config["design"]["parameters"]]
        return [name for name in names if name in self.summary.columns] + self.varying

    @property
    def varying(self) -> list[str]:
        """Settings swept outside the design (Hydra overrides), added as columns by gather."""
        return [key for key in _varying_settings(self.manifests) if key in self.summary.columns]


def job_directories(root: Path) -> list[Path]:
    """Folders under ``root`` that hold a job (a manifest or a run table), outside combined/ and figures/."""
    markers = [MANIFEST, *(f"{name}.parquet" for name in TABLES)]
    found = {path.parent for marker in markers for path in root.rglob(marker)}
    return sorted(p for p in found if not {COMBINED, FIGURES} & set(p.relative_to(root).parts))


def check_jobs(root: Path) -> list[dict[str, Any]]:
    """Manifests of all jobs, or :class:`IncompleteSweepError` listing every problem."""
    problems: list[str] = []
    manifests: list[dict[str, Any]] = []
    for directory in job_directories(root):
        run = RunDirectory(directory)
        try:
            manifest = run.manifest()
            run.verify(manifest)
        except CorruptResultError as error:
            problems.append(str(error))
            continue
        manifests.append({**manifest, "directory": str(directory)})
    problems += _chunk_problems(manifests)
    if problems:
        raise IncompleteSweepError(f"{root}: the sweep is not complete:\n  - " + "\n  - ".join(problems))
    if not manifests:
        raise IncompleteSweepError(f"{root}: no job results found (no {MANIFEST} under it)")
    return manifests


def _chunk_problems(manifests: list[dict[str, Any]]) -> list[str]:
    by_design: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for manifest in manifests:
        by_design[manifest["design_hash"]].append(manifest)
    problems = []
    for jobs in by_design.values():
        expected = jobs[0]["n_chunks"]
        seen: dict[int, list[str]] = defaultdict(list)
        for job in jobs:
            seen[job["chunk"]].append(job["directory"])
        missing = sorted(set(range(expected)) - set(seen))
        if missing:
            problems.append(
                f"design {jobs[0]['design_hash']}: chunks {missing} of 0..{expected - 1} are missing"
            )
        for chunk, places in sorted(seen.items()):
            if len(places) > 1:
                problems.append(
                    f"design {jobs[0]['design_hash']}: chunk {chunk} appears {len(places)} times: {places}"
                )
    return problems


def gather(root: Path, progress: bool = True, write: bool = True) -> Dataset:
    """Stack every job under ``root`` into one dataset and write ``root/combined``."""
    root = Path(root)
    manifests = check_jobs(root)
    varying = _varying_settings(manifests)
    pieces: dict[str, list[pd.DataFrame]] = defaultdict(list)
    for manifest in tqdm(manifests, desc="gathering jobs", disable=not progress or len(manifests) < 2):
        run = RunDirectory(Path(manifest["directory"]))
        settings = {key: values[manifest["directory"]] for key, values in varying.items()}
        for name in manifest["files"]:
            table = name.removesuffix(".parquet")
            frame = run.read(table)
            for key, value in settings.items():
                frame[key] = value
            pieces[table].append(frame)
    stacked = {name: pd.concat(frames, ignore_index=True) for name, frames in pieces.items()}
    dataset = Dataset(stacked["summary"], stacked.get("timeseries"), stacked.get("ties"), manifests)
    if write:
        for name, frame in stacked.items():
            write_parquet(frame, root / COMBINED / f"{name}.parquet")
        log.info(
            "gathered %d jobs (%d summary rows) into %s",
            len(manifests),
            len(dataset.summary),
            root / COMBINED,
        )
    return dataset


def _flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(_flatten(value, f"{prefix}{key}."))
        return out
    return {prefix.rstrip("."): tree}


def _varying_settings(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Scalar settings that differ between jobs (e.g. a swept parameter), per job directory."""
    flat = {m["directory"]: _flatten(m.get("config", {})) for m in manifests}
    keys = set().union(*(f.keys() for f in flat.values())) if flat else set()
    varying = {}
    for key in sorted(keys):
        if key.startswith(SKIPPED_PREFIXES):
            continue
        values = {directory: f.get(key) for directory, f in flat.items()}
        scalars = [v for v in values.values() if not isinstance(v, list)]
        if len(scalars) == len(values) and len({json.dumps(v) for v in scalars}) > 1:
            varying[key] = values
    return varying


def analyze(root: Path, progress: bool = True) -> list[Path]:
    """Gather ``root`` and write the figures and tables its experiment calls for."""
    root = Path(root)
    dataset = gather(root, progress=progress)
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
    if dataset.timeseries is not None:
        written += _save(plotting.plot_cohesion_over_time(dataset.timeseries), out / "cohesion_over_time")
    written += _save(plotting.plot_survival(dataset.summary), out / "survival")
    if dataset.ties is not None and dataset.timeseries is not None:
        for strategy in dataset.ties["strategy"].unique():
            written += _save(
                plotting.plot_tie_heatmaps(dataset.ties, strategy=strategy), out / f"ties_{strategy}"
            )
            aligned = _aligned_shares(dataset, strategy)
            network = plotting.plot_network(dataset.ties, strategy=strategy, **aligned)
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
    series = dataset.timeseries[dataset.timeseries["strategy"] == strategy]
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
