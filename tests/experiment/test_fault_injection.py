"""Fault injection: a sweep survives kills, corruption, data and code changes without a wrong result.

The procedure (docs/experiments.md, "What resume guarantees"), on a copy of the project
committed to a fresh git repository so that its code can be edited:

1. Reference: the sweep (an LHS design in 6 chunks, one job each) run without faults.
2. For several seeds: start the sweep and kill it (SIGKILL) at a random point, resume
   and kill again at another random point, then resume to the end. Every kill point is
   drawn from the seed: after a random number of finished jobs plus a random delay, so
   kills land while a model runs, while tables are written or between jobs. The
   combined dataset must equal the reference, and every job finished before a kill must
   be skipped, not recomputed.
3. Corrupt one job's manifest and another job's table: gathering refuses the sweep
   naming both files; re-running recomputes exactly those two jobs and the dataset
   again equals the reference.
4. Change a data file: re-running recomputes every job (none is "already complete"),
   and the dataset equals an uninterrupted run on the new data, not the old numbers.
5. Change the code (an uncommitted edit: a dirty tree) and re-run one chunk: the sweep
   now holds jobs of two code versions and gathering refuses them, naming the jobs (the
   multirun exits with status 2), unless told to combine them; re-running the whole
   sweep recomputes the other jobs and the dataset is whole again.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment.storage import MANIFEST, SUPERSEDED
from tests.experiment.conftest import ROOT

pytestmark = pytest.mark.slow

CHUNKS = 6
SORT = ["strategy", "point", "replicate"]
SEEDS = (11, 12, 13)


def sweep_args(data: Path, *extra: str, chunks: str = f"range(0,{CHUNKS})") -> list[str]:
    return [
        "-m",
        "experiment=sensitivity",
        "design=lhs",
        f"design.samples={2 * CHUNKS}",
        "design.chunk_size=2",
        f"design.chunk={chunks}",
        "replicates=150",
        "horizon=36",
        f"scenario.data={data}",
        *extra,
    ]


class Project:
    """A committed copy of the project; its entry points run on its own code."""

    def __init__(self, root: Path) -> None:
        self.root = root
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\0")
        for name in filter(None, listed):
            source = ROOT / name
            if source.is_file() and not name.startswith("results/paper/figures/"):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, root / name)
        self.git("init", "-q")
        self.git("add", "-A")
        self.git("-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-qm", "copy")
        self.data = root.parent / "data"
        shutil.copytree(root / "sim" / "data" / "baseline_2025", self.data)

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=True
        ).stdout

    def command(self, script: str, *args: str) -> list[str]:
        return [sys.executable, str(self.root / "experiments" / script), *args]

    def environment(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.root)}

    def run(self, script: str, *args: str, expect: int = 0) -> str:
        result = subprocess.run(
            self.command(script, *args),
            cwd=self.root,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = result.stdout + result.stderr
        assert result.returncode == expect, output[-4000:]
        return output

    def sweep(self, directory: Path, *extra: str, expect: int = 0) -> str:
        return self.run(
            "run.py", *sweep_args(self.data, *extra), f"hydra.sweep.dir={directory}", expect=expect
        )

    def killed_sweep(self, directory: Path, rng: random.Random) -> None:
        """Start the sweep and SIGKILL it after a random number of new jobs and a random delay."""
        before = len(finished(directory))
        wanted = before + rng.randint(0, CHUNKS - 1 - before) if before < CHUNKS - 1 else before
        delay = rng.uniform(0.0, 1.5)
        process = subprocess.Popen(
            self.command("run.py", *sweep_args(self.data), f"hydra.sweep.dir={directory}"),
            cwd=self.root,
            env=self.environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 600
        while len(finished(directory)) < wanted and process.poll() is None:
            assert time.monotonic() < deadline, "the sweep made no progress"
            time.sleep(0.02)
        time.sleep(delay)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def finished(directory: Path) -> list[Path]:
    """Job directories holding a manifest (outside combined/ and .superseded/)."""
    if not directory.exists():
        return []
    return [
        p.parent
        for p in directory.rglob(MANIFEST)
        if SUPERSEDED not in p.parts and "combined" not in p.relative_to(directory).parts
    ]


def combined(directory: Path) -> pd.DataFrame:
    frame = pd.read_parquet(directory / "combined" / "summary.parquet")
    return frame.sort_values(SORT).reset_index(drop=True)


def job_of_chunk(directory: Path, chunk: int) -> Path:
    return next(d for d in finished(directory) if json.loads((d / MANIFEST).read_text())["chunk"] == chunk)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    return Project(tmp_path_factory.mktemp("fault") / "project")


@pytest.fixture(scope="module")
def reference(project, tmp_path_factory) -> pd.DataFrame:
    directory = tmp_path_factory.mktemp("reference")
    project.sweep(directory)
    manifest = json.loads((finished(directory)[0] / MANIFEST).read_text())
    assert manifest["code"]["commit"] == project.git("rev-parse", "HEAD").strip(), "not the copy's code"
    assert manifest["code"]["dirty"] is False
    return combined(directory)


@pytest.fixture(scope="module")
def killed_and_resumed(project, reference, tmp_path_factory) -> dict[int, Path]:
    """Step 2 for every seed: the sweep directories after kills and a final resume."""
    directories = {}
    for seed in SEEDS:
        rng = random.Random(seed)
        directory = tmp_path_factory.mktemp(f"seed{seed}")
        project.killed_sweep(directory, rng)
        project.killed_sweep(directory, rng)
        done = len(finished(directory))
        output = project.sweep(directory)
        assert output.count("skipped (already complete)") == done
        directories[seed] = directory
    return directories


@pytest.mark.parametrize("seed", SEEDS)
def test_kills_at_random_points_then_resume_give_the_uninterrupted_dataset(
    killed_and_resumed, reference, seed
):
    pd.testing.assert_frame_equal(combined(killed_and_resumed[seed]), reference)


def test_a_corrupt_manifest_and_table_are_refused_then_recomputed(project, reference, killed_and_resumed):
    directory = killed_and_resumed[SEEDS[0]]
    manifest = job_of_chunk(directory, 1) / MANIFEST
    table = job_of_chunk(directory, 4) / "summary.parquet"
    manifest.write_text(manifest.read_text()[:120])
    table.write_bytes(table.read_bytes()[:300])
    output = project.run("analyze.py", str(directory), expect=2)
    assert str(manifest) in output and str(table) in output
    output = project.sweep(directory)
    assert output.count("skipped (already complete)") == CHUNKS - 2
    assert output.count("recomputing the job") == 2
    pd.testing.assert_frame_equal(combined(directory), reference)


def test_a_changed_data_file_recomputes_every_job(project, reference, killed_and_resumed, tmp_path):
    directory = killed_and_resumed[SEEDS[1]]
    ties = project.data / "ties.csv"
    original = ties.read_text()
    ties.write_text(original.replace("energy,RUS,CHN,0.45", "energy,RUS,CHN,0.85"))
    try:
        output = project.sweep(directory)
        assert "skipped (already complete)" not in output
        changed = combined(directory)
        assert not changed["cohesion"].equals(reference["cohesion"])
        uninterrupted = tmp_path / "uninterrupted"
        project.sweep(uninterrupted)
        pd.testing.assert_frame_equal(changed, combined(uninterrupted))
    finally:
        ties.write_text(original)


def test_a_code_change_mid_sweep_is_refused_at_gathering_then_recomputed(
    project, reference, killed_and_resumed
):
    directory = killed_and_resumed[SEEDS[2]]
    metrics = project.root / "sim" / "model" / "metrics.py"
    original = metrics.read_text()
    metrics.write_text(original + "\n# an edit that changes the code version\n")
    try:
        output = project.run(
            "run.py", *sweep_args(project.data, chunks="0"), f"hydra.sweep.dir={directory}", expect=2
        )
        assert "jobs come from 2 code versions" in output
        edited = json.loads((job_of_chunk(directory, 0) / MANIFEST).read_text())["code"]
        assert edited["dirty"] is True and edited["diff_sha256"] is not None
        assert str(job_of_chunk(directory, 0)) in output
        older = [str(job_of_chunk(directory, chunk)) in output for chunk in range(1, CHUNKS)]
        assert sum(older) == 4 and "and 1 more" in output  # the message names at most 4 jobs per version
        project.run("analyze.py", str(directory), expect=2)
        allowed = project.run("analyze.py", "--gather-only", "--allow-mixed-versions", str(directory))
        assert "combining anyway (allowed): jobs come from 2 code versions" in allowed

        output = project.sweep(directory)
        assert output.count("skipped (already complete)") == 1
        sources = {json.loads((d / MANIFEST).read_text())["code"]["source"] for d in finished(directory)}
        assert sources == {edited["source"]}
        pd.testing.assert_frame_equal(combined(directory), reference)
    finally:
        metrics.write_text(original)
