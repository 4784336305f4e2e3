"""One folder per sweep: two different sweeps never mix, the same command resumes in its
folder, and a folder that holds two sweeps anyway is refused with its old figures marked stale."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from sim.experiment.sweep_folders import mixed_sweep_problems, sweep_name
from tests.experiment.conftest import ROOT

SMALL = ["design.levels=2", "replicates=6", "horizon=6"]


def test_a_sweep_is_named_after_the_overrides_that_change_its_results():
    assert sweep_name([]) == "default"
    assert sweep_name(["experiment=phase_diagram", "hydra/launcher=joblib"]) == "default"
    chunks = ["design.chunk_size=7", "design.chunk=range(0,7)"]
    assert sweep_name(chunks) == sweep_name(["design.chunk_size=7", "design.chunk=range(7,14)"])
    search = ["portfolio.trials=200", "portfolio.worker=range(0,2)", "hydra/launcher=joblib"]
    assert (
        sweep_name(search)
        == sweep_name(["portfolio.trials=400", "portfolio.worker=range(0,16)"])
        == "default"
    )
    assert sweep_name(["model.patron_compensation=0.5,1.5,4.0"]) == "model.patron_compensation=0.5,1.5,4.0"
    tutorial = [
        "experiment.strategies=[two_clients]",
        "design.parameters.0.name=scenario.us.deal_credibility.PRK",
    ]
    name = sweep_name(tutorial)
    assert name != sweep_name(tutorial[:1]) and len(name) <= 60
    assert all(ch.isalnum() or ch in "._=,+-" for ch in name)


def test_jobs_of_different_designs_are_named_as_mixed():
    def manifest(levels: int, strategies: list[str]) -> dict:
        return {
            "config": {"experiment": {"strategies": strategies}, "design": {"levels": levels, "chunk": 0}}
        }

    same = [manifest(3, ["a"]), {**manifest(3, ["a"]), "config": {**manifest(3, ["a"])["config"]}}]
    assert mixed_sweep_problems(same) == []
    (problem,) = mixed_sweep_problems([manifest(3, ["a"]), manifest(7, ["b"])])
    assert "2 different sweeps share this folder" in problem
    assert "design.levels" in problem and "experiment.strategies" in problem


def sweep(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / "run.py"),
            "-m",
            "experiment=phase_diagram",
            *SMALL,
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in {".parquet", ".json"} and "figures" not in p.parts
    }


@pytest.mark.slow
def test_two_sweeps_of_one_experiment_land_in_two_folders_and_a_rerun_resumes(tmp_path):
    first = sweep(tmp_path)
    second = sweep(tmp_path, "experiment.strategies=[status_quo]")
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    parent = tmp_path / "results" / "sweeps" / "phase_diagram"
    expected = {sweep_name(SMALL), sweep_name([*SMALL, "experiment.strategies=[status_quo]"])}
    assert {p.name for p in parent.iterdir()} == expected and len(expected) == 2
    for folder in expected:
        assert (parent / folder / "figures" / "phase_diagram.pdf").is_file()
    again = sweep(tmp_path)
    assert again.returncode == 0
    assert (again.stdout + again.stderr).count("skipped (already complete)") == 1


@pytest.mark.slow
def test_a_second_sweep_into_the_same_folder_is_refused_and_old_figures_are_marked_stale(tmp_path):
    shared = f"hydra.sweep.dir={tmp_path / 'shared'}"
    assert sweep(tmp_path, shared).returncode == 0
    figures = tmp_path / "shared" / "figures"
    assert (figures / "phase_diagram.pdf").is_file()
    results = digests(tmp_path / "shared")

    other = sweep(tmp_path, shared, "experiment.strategies=[status_quo]")
    output = other.stdout + other.stderr
    assert other.returncode == 2, output[-3000:]
    assert "2 different sweeps share this folder" in output and "experiment.strategies" in output
    assert not figures.exists()
    stale = tmp_path / "shared" / "figures.stale"
    assert (stale / "phase_diagram.pdf").is_file()
    assert "failed" in (stale / "STALE.txt").read_text()
    kept = digests(tmp_path / "shared")
    assert all(kept[name] == digest for name, digest in results.items() if "combined" not in name)
