"""Every job under a run or sweep directory, checked and stacked into one dataset.

:func:`gather` collects every complete job under a directory (whatever launcher made it),
refuses corrupt or missing pieces, jobs of different code or data versions, unsafe
names and replicates counted twice, with a message naming them
(:mod:`sim.experiment.consistency`), and writes ``combined/*.parquet``. Folders whose
name starts with a dot (``.hydra``, ``.submitit``, ``.superseded``) hold no results.
Reads result tables only; imports nothing of the model.
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
from sim.experiment.consistency import (
    chunk_problems,
    duplicate_problems,
    flatten,
    name_problems,
    version_problems,
)
from sim.experiment.storage import (
    MANIFEST,
    CorruptResultError,
    RunDirectory,
    remove_temporaries,
    write_parquet,
)

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
    """The jobs under a directory cannot be combined: a chunk is missing or duplicated, a
    job directory is corrupt, jobs differ in code or data version, a name is unsafe, or a
    replicate appears twice."""


JOB = "__job__"
REQUIRED = ("design_hash", "chunk", "n_chunks", "config")


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
    return sorted(p for p in found if not _excluded(p.relative_to(root).parts))


def _excluded(parts: tuple[str, ...]) -> bool:
    return bool({COMBINED, FIGURES} & set(parts)) or any(part.startswith(".") for part in parts)


def check_jobs(root: Path, allow_mixed_versions: bool = False) -> list[dict[str, Any]]:
    """Manifests of all jobs, or :class:`IncompleteSweepError` listing every problem.

    Jobs of different code or data versions are refused unless ``allow_mixed_versions``,
    in which case the differences are logged as a warning.
    """
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
        lacking = [key for key in REQUIRED if key not in manifest]
        if lacking or "summary.parquet" not in manifest["files"]:
            problems.append(f"{directory / MANIFEST}: lacks {lacking or 'the summary table'}")
            continue
        manifests.append({**manifest, "directory": str(directory)})
    problems += chunk_problems(manifests)
    mixed = version_problems(manifests)
    if mixed and allow_mixed_versions:
        for line in mixed:
            log.warning("combining anyway (allowed): %s", line)
    elif mixed:
        problems += mixed
        problems.append(
            "re-run the same command to recompute the jobs of older versions, or pass "
            "--allow-mixed-versions to experiments/analyze.py to combine them anyway"
        )
    if problems:
        raise IncompleteSweepError(f"{root}: the jobs cannot be combined:\n  - " + "\n  - ".join(problems))
    if not manifests:
        raise IncompleteSweepError(f"{root}: no job results found (no {MANIFEST} under it)")
    return manifests


def gather(
    root: Path, progress: bool = True, write: bool = True, allow_mixed_versions: bool = False
) -> Dataset:
    """Stack every job under ``root`` into one dataset and write ``root/combined``."""
    root = Path(root)
    manifests = check_jobs(root, allow_mixed_versions)
    varying = _varying_settings(manifests)
    pieces: dict[str, list[pd.DataFrame]] = defaultdict(list)
    for manifest in tqdm(manifests, desc="gathering jobs", disable=not progress or len(manifests) < 2):
        run = RunDirectory(Path(manifest["directory"]))
        settings = {key: values[manifest["directory"]] for key, values in varying.items()}
        for name in manifest["files"]:
            table = name.removesuffix(".parquet")
            try:
                frame = run.read(table)
            except CorruptResultError as error:
                raise IncompleteSweepError(str(error)) from None
            for key, value in settings.items():
                frame[key] = value
            pieces[table].append(frame)
    _check_rows(manifests, pieces["summary"], list(varying))
    stacked = {name: pd.concat(frames, ignore_index=True) for name, frames in pieces.items()}
    dataset = Dataset(stacked["summary"], stacked.get("timeseries"), stacked.get("ties"), manifests)
    if write:
        remove_temporaries(root / COMBINED)
        for name, frame in stacked.items():
            write_parquet(frame, root / COMBINED / f"{name}.parquet")
        log.info(
            "gathered %d jobs (%d summary rows) into %s",
            len(manifests),
            len(dataset.summary),
            root / COMBINED,
        )
    return dataset


def _check_rows(manifests: list[dict[str, Any]], summaries: list[pd.DataFrame], varying: list[str]) -> None:
    """Refuse unsafe names and replicates that more than one job produced."""
    problems = name_problems(manifests, summaries)
    design = {
        p["name"] for m in manifests for p in m.get("config", {}).get("design", {}).get("parameters", [])
    }
    keys = ["scenario", "strategy", "point", *sorted(design), *varying, "replicate"]
    rows = pd.concat(
        [
            frame[[key for key in keys if key in frame.columns]].assign(**{JOB: manifest["directory"]})
            for manifest, frame in zip(manifests, summaries, strict=True)
        ],
        ignore_index=True,
    )
    configs = {m["directory"]: m.get("config", {}) for m in manifests}
    problems += duplicate_problems(rows, JOB, keys, configs)
    if problems:
        raise IncompleteSweepError("the jobs cannot be combined:\n  - " + "\n  - ".join(problems))


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
