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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from sim.common.vocabulary import BLOC_METRICS, RUN_TABLES, STATE_METRICS
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
    atomic_parquet_writer,
    remove_temporaries,
    write_parquet,
)
from sim.experiment.sweep_folders import mixed_sweep_problems

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
    """Every job of a sweep stacked into tables, with what the jobs were.

    The summary (one row per replicate) is held in memory. The time series and ties,
    which grow with months and replicates, stay in ``combined/*.parquet`` (or in memory
    when nothing was written) and are read on demand: :meth:`read` takes only the
    columns and the strategy a figure needs, so large runs are analysed in pieces.
    """

    summary: pd.DataFrame
    manifests: list[dict[str, Any]]
    tables: dict[str, pd.DataFrame | Path] = field(default_factory=dict)
    where: dict[str, Any] = field(default_factory=dict)  # swept settings this part was run with

    def read(
        self, name: str, columns: list[str] | None = None, strategy: str | None = None
    ) -> pd.DataFrame | None:
        """A table (None if not recorded), restricted to ``columns`` and one ``strategy`` if given."""
        source = self.tables.get(name)
        if source is None:
            return None
        wanted = None if columns is None else [*columns, *(key for key in self.where if key not in columns)]
        if isinstance(source, Path):
            names = pq.read_schema(source).names
            chosen = None if wanted is None else [c for c in wanted if c in names]
            filters = None if strategy is None else [("strategy", "==", strategy)]
            frame = pq.read_table(source, columns=chosen, filters=filters).to_pandas()
        else:
            frame = source if strategy is None else source[source["strategy"] == strategy]
            frame = frame if wanted is None else frame[[c for c in wanted if c in frame.columns]]
        frame = matching(frame, self.where)
        return frame if columns is None else frame[[c for c in columns if c in frame.columns]]

    def subset(self, settings: dict[str, Any], manifests: list[dict[str, Any]]) -> Dataset:
        """The part run with ``settings`` (swept values) by the jobs of ``manifests``; its
        time series and ties are still read on demand."""
        where = {**self.where, **settings}
        return Dataset(matching(self.summary, settings), manifests, dict(self.tables), where)

    @property
    def timeseries(self) -> pd.DataFrame | None:
        return self.read("timeseries")

    @property
    def ties(self) -> pd.DataFrame | None:
        return self.read("ties")

    def columns(self, name: str) -> list[str]:
        source = self.tables.get(name)
        if source is None:
            return []
        return pq.read_schema(source).names if isinstance(source, Path) else list(source.columns)

    def identifiers(self, name: str) -> list[str]:
        """Columns of a table that say which world and month a row is: all but the recorded metrics."""
        per_state = (*(f"{metric}_" for metric in STATE_METRICS), "trust_")
        return [c for c in self.columns(name) if c not in BLOC_METRICS and not c.startswith(per_state)]

    def strategies(self, name: str) -> list[str]:
        """Strategies present in a table, read without loading it."""
        frame = self.read(name, columns=["strategy"])
        return [] if frame is None else list(frame["strategy"].unique())

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


def matching(frame: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Rows of ``frame`` run with ``settings``, compared as text (0.5 in a float column is '0.5')."""
    if not settings:
        return frame
    mask = pd.Series(True, index=frame.index)
    for key, value in settings.items():
        mask &= frame[key].astype(str) == str(value)
    return frame[mask].reset_index(drop=True)


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
    problems += mixed_sweep_problems(manifests) or chunk_problems(manifests)
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
    """Stack every job under ``root`` into one dataset and write ``root/combined``.

    The summaries are checked and stacked in memory; the time series and ties are
    streamed job by job into ``combined/`` (or stacked in memory when ``write`` is False).
    A single run (its one job's tables in ``root`` itself) is not copied: its own tables
    are the dataset, and a second identical copy would only raise the question which one
    is canonical.
    """
    root = Path(root)
    manifests = check_jobs(root, allow_mixed_versions)
    varying = _varying_settings(manifests)
    summaries = [
        _read(manifest, "summary", varying)
        for manifest in tqdm(manifests, desc="gathering jobs", disable=not progress or len(manifests) < 2)
    ]
    _check_rows(manifests, summaries, list(varying))
    summary = pd.concat(summaries, ignore_index=True)
    dataset = Dataset(summary, manifests)
    single_run = len(manifests) == 1 and Path(manifests[0]["directory"]) == root
    write = write and not single_run
    if write:
        remove_temporaries(root / COMBINED)
        write_parquet(summary, root / COMBINED / "summary.parquet")
    for name in ("timeseries", "ties"):
        jobs = [manifest for manifest in manifests if f"{name}.parquet" in manifest["files"]]
        if not jobs:
            continue
        if single_run:
            dataset.tables[name] = root / f"{name}.parquet"
        elif write:
            dataset.tables[name] = _stream(jobs, name, varying, root / COMBINED / f"{name}.parquet")
        else:
            dataset.tables[name] = pd.concat([_read(job, name, varying) for job in jobs], ignore_index=True)
    if write:
        log.info("gathered %d jobs (%d summary rows) into %s", len(manifests), len(summary), root / COMBINED)
    return dataset


def _read(manifest: dict[str, Any], table: str, varying: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One job's table with the settings that vary between jobs as columns."""
    try:
        frame = RunDirectory(Path(manifest["directory"])).read(table)
    except CorruptResultError as error:
        raise IncompleteSweepError(str(error)) from None
    for key, values in varying.items():
        frame[key] = values[manifest["directory"]]
    return frame


def _stream(jobs: list[dict[str, Any]], table: str, varying: dict[str, dict[str, Any]], path: Path) -> Path:
    """Write the jobs' ``table`` into one Parquet file batch by batch; never all in memory."""
    files = [Path(job["directory"]) / f"{table}.parquet" for job in jobs]
    settings = {key: pa.array([values[job["directory"]] for job in jobs]) for key, values in varying.items()}
    try:
        schemas = [pq.read_schema(file).remove_metadata() for file in files]
        extra = pa.schema([(key, column.type) for key, column in settings.items()])
        schema = pa.unify_schemas([*schemas, extra])
        with atomic_parquet_writer(path, schema) as writer:
            for index, file in enumerate(files):
                for batch in pq.ParquetFile(file).iter_batches(batch_size=2**18):
                    writer.write_batch(_conform(batch, schema, {k: v[index] for k, v in settings.items()}))
    except (OSError, pa.ArrowInvalid) as error:
        raise IncompleteSweepError(f"{path}: cannot combine the jobs' {table} tables ({error})") from None
    return path


def _conform(batch: pa.RecordBatch, schema: pa.Schema, settings: dict[str, pa.Scalar]) -> pa.RecordBatch:
    """A batch with the combined schema's columns: its own, the job's settings, else nulls."""
    columns = []
    for spec in schema:
        if spec.name in settings:
            columns.append(pa.repeat(settings[spec.name], batch.num_rows).cast(spec.type))
        elif spec.name in batch.schema.names:
            columns.append(batch.column(spec.name).cast(spec.type))
        else:
            columns.append(pa.nulls(batch.num_rows, spec.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


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
