"""One Hydra job from config to records on disk: skip if done, else run, write, report.

Resumability lives here: a job's identity is the hash of its resolved configuration, of
the data files it reads and of the code that computes it (:mod:`sim.experiment.provenance`);
if any complete result under the sweep directory carries that identity, the job is not
re-run. A job's directory that holds anything else (an older version's result, a corrupt
manifest, a half-written table) has it moved aside into ``.superseded/`` before the job
writes, so resuming never reuses a stale result and never deletes one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sim.experiment.configuration import Analysis, Config, plain
from sim.experiment.preflight import preflight
from sim.experiment.provenance import code_version, config_hash, data_checksums, identity, package_versions
from sim.experiment.runner import job_strategies, run_job
from sim.experiment.storage import (
    MANIFEST,
    SUPERSEDED,
    CorruptResultError,
    RunDirectory,
    now,
    remove_temporaries,
)

log = logging.getLogger("sim")


@dataclass(frozen=True)
class JobOutcome:
    """What became of a job: its status, a label for the log and where its results are."""

    status: str
    label: str
    directory: Path
    n_chunks: int = 1

    @property
    def is_whole_design(self) -> bool:
        """True if the job's results are the whole experiment (one chunk), ready to analyse."""
        return self.n_chunks == 1


@dataclass(frozen=True)
class JobIdentity:
    """What makes two jobs the same: configuration, data files read and result code."""

    config_hash: str
    design_hash: str
    data: dict[str, str]
    code: dict[str, object]

    @property
    def key(self) -> str:
        return identity(self.config_hash, self.data, self.code)


def job_identity(config: Config) -> JobIdentity:
    """The identity of a job, and the hash of its design without the chunk index.

    A comparison names its strategies; their definitions are read from their files, so
    the definitions, not only the names, enter the hash: an edited strategy file makes
    its jobs run again instead of reusing results of the old definition.
    """
    resolved = plain(config)
    if config.experiment.strategies:
        resolved["strategy_definitions"] = [plain(strategy) for strategy in job_strategies(config)]
    design = dict(resolved["design"], chunk=None)
    return JobIdentity(
        config_hash=config_hash(resolved),
        design_hash=config_hash({**resolved, "design": design}),
        data=data_checksums(config.scenario),
        code=code_version(),
    )


def find_complete(search_root: Path, expected_identity: str) -> Path | None:
    """A directory under ``search_root`` holding a complete result with this identity."""
    for manifest in sorted(search_root.rglob(MANIFEST)):
        if SUPERSEDED in manifest.relative_to(search_root).parts:
            continue
        directory = RunDirectory(manifest.parent)
        if directory.is_complete(expected_identity):
            return manifest.parent
    return None


def prepare_directory(output: Path) -> None:
    """Clear ``output`` for a new result: drop temporary files, move any earlier result aside."""
    for leftover in remove_temporaries(output):
        log.info("removed %s, left by an interrupted write", leftover)
    run = RunDirectory(output)
    if not run.holds_results():
        return
    try:
        run.verify()
        reason = "a result of another configuration, data or code version"
    except CorruptResultError as error:
        reason = f"an unfinished or corrupt result ({error})"
    kept = run.set_aside()
    log.warning("%s held %s; recomputing the job, earlier files kept in %s", output, reason, kept)


def job_label(config: Config) -> str:
    strategies = config.experiment.strategies or [config.strategy.name]
    names = strategies[0] if len(strategies) == 1 else f"{len(strategies)} strategies"
    chunk = f", chunk {config.design.chunk}" if config.design.kind != "none" else ""
    return f"[{config.scenario.name} / {names}{chunk}, R={config.replicates}]"


def execute_job(config: Config, output: Path, search_root: Path) -> JobOutcome:
    """Run the job unless an identical complete result exists; write tables and manifest.

    A portfolio search is different: every job is a worker of one study kept in
    ``search_root`` (:mod:`sim.experiment.portfolios`), which resumes by itself.
    """
    if config.experiment.analysis == Analysis.portfolios:
        from sim.experiment.portfolios import execute_search

        execute_search(config, output, search_root)
        return JobOutcome("done", job_label(config), search_root)
    preflight(config)
    job = job_identity(config)
    label = job_label(config)
    existing = find_complete(search_root, job.key) if search_root.exists() else None
    if existing is not None:
        return JobOutcome("skipped (already complete)", label, existing)
    prepare_directory(output)
    started = now()
    memory = None
    if config.experiment.analysis in (Analysis.calibrate, Analysis.forecast):
        tables, strategies, n_chunks = _run_inference(config, output), [config.strategy.name], 1
    else:
        result = run_job(config, progress=True)
        tables, n_chunks, memory = result.as_dict(), result.n_chunks, result.memory
        strategies = sorted(result.summary["strategy"].unique().tolist())
    manifest = {
        "identity": job.key,
        "config_hash": job.config_hash,
        "design_hash": job.design_hash,
        "data": job.data,
        "code": job.code,
        "experiment": config.experiment.name,
        "analysis": config.experiment.analysis,
        "scenario": config.scenario.name,
        "strategies": strategies,
        "chunk": config.design.chunk,
        "n_chunks": n_chunks,
        "seed": config.seed,
        "replicates": config.replicates,
        "first_replicate": config.first_replicate,
        "horizon": config.horizon,
        "versions": package_versions(),
        "started": started,
        "finished": now(),
        "config": plain(config),
    }
    RunDirectory(output).write(tables, manifest)
    if memory is not None:  # the peak includes writing the tables, the job's last step
        log.info("%s", memory.measured())
    return JobOutcome("done", label, output, n_chunks)


def _run_inference(config: Config, output: Path) -> dict:
    """A calibration (resumable in ``output``) or a posterior-predictive forecast: its tables."""
    from sim.experiment.calibration import calibrate
    from sim.experiment.forecast import forecast

    if config.experiment.analysis == Analysis.calibrate:
        return calibrate(config, output)
    return forecast(config)
