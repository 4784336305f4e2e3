"""Every job under a run or sweep directory, checked and stacked into one dataset.

:func:`gather` collects every complete job under a directory (whatever launcher made it),
refuses corrupt or missing pieces with a message naming them, and writes
``combined/*.parquet``. Reads result tables only; imports nothing of the model.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from sim.common.vocabulary import RUN_TABLES
from sim.experiment.storage import MANIFEST, CorruptResultError, RunDirectory, write_parquet
from sim.experiment.sweep_folders import flatten, mixed_sweep_problems

log = logging.getLogger("sim")
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
    markers = [MANIFEST, *(f"{name}.parquet" for name in RUN_TABLES)]
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
    problems += mixed_sweep_problems(manifests) or _chunk_problems(manifests)
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
    """Stack every job under ``root`` into one dataset and write ``root/combined``.

    A single run (its one job's tables in ``root`` itself) is not copied: its own tables
    are the dataset, and a second identical copy would only raise the question which one
    is canonical.
    """
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
    single_run = len(manifests) == 1 and Path(manifests[0]["directory"]) == root
    if write and not single_run:
        for name, frame in stacked.items():
            write_parquet(frame, root / COMBINED / f"{name}.parquet")
        log.info(
            "gathered %d jobs (%d summary rows) into %s",
            len(manifests),
            len(dataset.summary),
            root / COMBINED,
        )
    return dataset


def _varying_settings(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Scalar settings that differ between jobs (e.g. a swept parameter), per job directory."""
    flat = {m["directory"]: flatten(m.get("config", {})) for m in manifests}
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
