"""Sweeps: launchers, chunking, aggregation, resuming after a kill, and corrupt files."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.experiment.dataset import IncompleteSweepError, gather
from tests.experiment.conftest import ROOT, run_entry
from tests.helpers import simulate

SMALL = ["replicates=20", "horizon=12"]
SORT = ["strategy", "point", "replicate"]


def combined(sweep: Path) -> pd.DataFrame:
    return pd.read_parquet(sweep / "combined" / "summary.parquet")


@pytest.mark.slow
def test_joblib_sweep_equals_each_configuration_run_alone(tmp_path):
    result = run_entry(
        "run.py",
        "-m",
        "hydra/launcher=joblib",
        "strategy=status_quo,pyongyang_deal",
        "model.deal_value=0.5,1.5",
        *SMALL,
        f"hydra.sweep.dir={tmp_path}",
    )
    assert "automatic_schema_matching" not in result.stdout + result.stderr
    summary = combined(tmp_path)
    assert len(summary) == 2 * 2 * 20
    assert (tmp_path / "figures" / "model.deal_value=0.5" / "aligned_over_time.pdf").is_file()
    for (strategy, deal_value), part in summary.groupby(["strategy", "model.deal_value"]):
        alone = pd.DataFrame(
            simulate(strategy, replicates=20, horizon=12, deal_value=deal_value).recorder.summary()
        )
        got = part.sort_values("replicate")[alone.columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone, check_dtype=False)


def design_args(chunk_size: int, chunks: int) -> list[str]:
    """An LHS design of chunk_size * chunks points, run as one job per chunk."""
    return [
        "experiment=sensitivity",
        "design=lhs",
        f"design.samples={chunk_size * chunks}",
        f"design.chunk_size={chunk_size}",
        f"design.chunk=range(0,{chunks})",
        *SMALL,
    ]


@pytest.mark.slow
def test_a_design_gives_identical_numbers_across_launchers_and_chunk_sizes(tmp_path):
    basic, joblib = tmp_path / "basic", tmp_path / "joblib"
    run_entry("run.py", "-m", *design_args(4, 3), f"hydra.sweep.dir={basic}")
    run_entry("run.py", "-m", "hydra/launcher=joblib", *design_args(6, 2), f"hydra.sweep.dir={joblib}")
    first = combined(basic).sort_values(SORT).reset_index(drop=True)
    second = combined(joblib).sort_values(SORT).reset_index(drop=True)
    assert len(first) == 12 * 20
    pd.testing.assert_frame_equal(first, second)


def file_digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*.parquet")
        if "combined" not in p.parts
    }


@pytest.mark.slow
def test_an_interrupted_sweep_resumes_computing_only_what_is_missing(tmp_path):
    interrupted, reference = tmp_path / "interrupted", tmp_path / "reference"
    args = ["-m", *design_args(2, 8), "replicates=150", "horizon=48"]
    command = [sys.executable, str(ROOT / "experiments" / "run.py"), *args, f"hydra.sweep.dir={interrupted}"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list(interrupted.rglob("manifest.json"))) < 3:
        assert process.poll() is None, "the sweep finished before it could be interrupted"
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(interrupted.rglob("manifest.json")))
    assert 3 <= finished < 8
    before = {
        name: digest
        for name, digest in file_digests(interrupted).items()
        if (interrupted / name).parent.joinpath("manifest.json").exists()
    }
    with pytest.raises(IncompleteSweepError, match="missing"):
        gather(interrupted, progress=False, write=False)

    result = run_entry("run.py", *args, f"hydra.sweep.dir={interrupted}")
    skipped = (result.stdout + result.stderr).count("skipped (already complete)")
    assert skipped == finished
    after = file_digests(interrupted)
    assert all(after[name] == digest for name, digest in before.items())

    run_entry("run.py", *args, f"hydra.sweep.dir={reference}")
    pd.testing.assert_frame_equal(
        combined(interrupted).sort_values(SORT).reset_index(drop=True),
        combined(reference).sort_values(SORT).reset_index(drop=True),
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["strategy=nope"], "strategy: no option 'nope'"),
        (["experiment.strategies=[status_quo,nope]"], "experiment.strategies: unknown strategy 'nope'"),
        (["replicates=twenty"], "replicates"),
        (["scenario.us.credibility=1.5"], "scenario.us.credibility: value 1.5 is out of range"),
        (["experiment=phase_diagram", "design.parameters.0.name=model.nope"], "model.nope"),
        (
            ["design=lhs", "design.kind=halton"],
            "Invalid value 'halton', expected one of [none, grid, lhs, sobol, morris]",
        ),
    ],
)
def test_bad_sweep_overrides_fail_fast_naming_the_key(tmp_path, overrides, expected):
    result = run_entry("run.py", "-m", *overrides, *SMALL, f"hydra.sweep.dir={tmp_path}", check=False)
    assert result.returncode == 2
    assert expected in result.stdout + result.stderr
    assert not list(tmp_path.rglob("*.parquet"))


@pytest.mark.slow
def test_a_corrupt_table_is_reported_and_nothing_is_overwritten(tmp_path):
    run_entry("run.py", "-m", "strategy=status_quo,pyongyang_deal", *SMALL, f"hydra.sweep.dir={tmp_path}")
    victim = next(p for p in tmp_path.rglob("summary.parquet") if "combined" not in p.parts)
    victim.write_bytes(victim.read_bytes()[:100])
    untouched = file_digests(tmp_path)
    result = run_entry("analyze.py", str(tmp_path), check=False)
    assert result.returncode == 2
    assert str(victim) in result.stderr and "do not match the manifest" in result.stderr
    after = file_digests(tmp_path)
    moved = {name.replace("figures/", "figures.stale/", 1): d for name, d in untouched.items()}
    assert after == moved  # results untouched; the old figures kept, marked stale
    assert (tmp_path / "figures.stale" / "STALE.txt").is_file() and not (tmp_path / "figures").exists()


@pytest.mark.slow
def test_a_job_left_without_manifest_is_reported(tmp_path):
    run_entry("run.py", "-m", "strategy=status_quo,pyongyang_deal", *SMALL, f"hydra.sweep.dir={tmp_path}")
    manifest = next(p for p in tmp_path.rglob("manifest.json") if "combined" not in p.parts)
    manifest.unlink()
    with pytest.raises(IncompleteSweepError, match=r"no manifest\.json; the job did not finish"):
        gather(tmp_path, progress=False, write=False)


@pytest.mark.slow
def test_phase_diagram_experiment_draws_its_heat_map(tmp_path):
    run_entry(
        "run.py",
        "-m",
        "experiment=phase_diagram",
        "design.levels=3",
        "design.chunk_size=5",
        "design.chunk=range(0,2)",
        *SMALL,
        f"hydra.sweep.dir={tmp_path}",
    )
    table = pd.read_parquet(tmp_path / "figures" / "phase_diagram.parquet")
    assert len(table) == 9
    assert table["p_intact"].between(0, 1).all()
    assert (tmp_path / "figures" / "phase_diagram.pdf").stat().st_size > 0
    summary = combined(tmp_path)
    expected = summary.groupby(["model.deal_value", "scenario.tie_scale.CHN_PRK"])["intact"].mean().to_numpy()
    np.testing.assert_allclose(np.sort(table["p_intact"].to_numpy()), np.sort(expected))


@pytest.mark.slow
def test_budget_frontier_plots_the_response_to_the_budget(tmp_path):
    run_entry(
        "run.py",
        "-m",
        "experiment=budget_frontier",
        "experiment.strategies=[status_quo,pyongyang_deal]",
        "design.parameters.0.values=[0.0,1.0]",
        *SMALL,
        f"hydra.sweep.dir={tmp_path}",
    )
    table = pd.read_parquet(tmp_path / "figures" / "frontier.parquet")
    assert len(table) == 2 * 2
    assert (tmp_path / "figures" / "frontier.pdf").stat().st_size > 0
    summary = combined(tmp_path)
    expected = summary.groupby(["strategy", "scenario.us.budget"])["aligned"].mean()
    got = table.set_index(["strategy", "scenario.us.budget"])["mean"]
    np.testing.assert_allclose(got.sort_index().to_numpy(), expected.sort_index().to_numpy())
    broke = table[table["scenario.us.budget"] == 0.0].set_index("strategy")
    assert broke.loc["pyongyang_deal", "mean"] == broke.loc["status_quo", "mean"]
    assert (table["mean_us_cost"][table["scenario.us.budget"] == 0.0] == 0).all()
