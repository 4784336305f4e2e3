"""One Hydra job from config to records on disk: skip if done, else run, write, report.

Resumability lives here: a job's identity is the hash of its resolved configuration; if
any complete result under the sweep directory carries that hash, the job is not re-run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sim.experiment.configuration import Analysis, Config, plain
from sim.experiment.runner import check_design, run_job
from sim.experiment.storage import MANIFEST, RunDirectory, config_hash, git_state, now, package_versions

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


def job_identity(config: Config) -> tuple[str, str]:
    """(hash of the whole job, hash of its design without the chunk index)."""
    resolved = plain(config)
    design = dict(resolved["design"], chunk=None)
    return config_hash(resolved), config_hash({**resolved, "design": design})


def find_complete(search_root: Path, expected_hash: str) -> Path | None:
    """A directory under ``search_root`` holding a complete result with this hash."""
    for manifest in sorted(search_root.rglob(MANIFEST)):
        directory = RunDirectory(manifest.parent)
        if directory.is_complete(expected_hash):
            return manifest.parent
    return None


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
    check_design(config)
    full_hash, design_hash = job_identity(config)
    resolved = plain(config)
    label = job_label(config)
    existing = find_complete(search_root, full_hash) if search_root.exists() else None
    if existing is not None:
        return JobOutcome("skipped (already complete)", label, existing)
    started = now()
    tables = run_job(config, progress=True)
    manifest = {
        "config_hash": full_hash,
        "design_hash": design_hash,
        "experiment": config.experiment.name,
        "analysis": config.experiment.analysis,
        "scenario": config.scenario.name,
        "strategies": sorted(tables.summary["strategy"].unique().tolist()),
        "chunk": config.design.chunk,
        "n_chunks": tables.n_chunks,
        "seed": config.seed,
        "replicates": config.replicates,
        "first_replicate": config.first_replicate,
        "horizon": config.horizon,
        "git": git_state(),
        "versions": package_versions(),
        "started": started,
        "finished": now(),
        "config": resolved,
    }
    RunDirectory(output).write(tables.as_dict(), manifest)
    return JobOutcome("done", label, output, tables.n_chunks)
