"""Gathering a sweep refuses what would combine into a silently wrong dataset.

Replicates counted twice, jobs from different code or data versions, and names that
would become file names outside the results directory are each refused with the jobs
named; the jobs' own results stay as written. A multirun whose analysis fails ends
with a non-zero exit status.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from sim.analysis.callbacks import AnalyzeSweep
from sim.experiment.dataset import IncompleteSweepError, gather
from sim.experiment.jobs import execute_job
from sim.experiment.storage import MANIFEST, RunDirectory
from sim.model.calibration import data_directory
from tests.experiment.conftest import compose, run_entry

SMALL = ("replicates=10", "horizon=6")


def job(sweep: Path, name: str, *overrides: str) -> Path:
    """Run one job of a sweep in-process into ``sweep/name``."""
    directory = sweep / name
    execute_job(compose(*SMALL, *overrides), directory, sweep)
    return directory


def test_overlapping_replicates_are_refused_naming_the_jobs(tmp_path):
    first = job(tmp_path, "first_replicate=0", "first_replicate=0")
    second = job(tmp_path, "first_replicate=5", "first_replicate=5")
    with pytest.raises(IncompleteSweepError) as caught:
        gather(tmp_path, progress=False)
    message = str(caught.value)
    assert (
        "5 replicates (5..9) of scenario=baseline_2025, strategy=status_quo, point=0 appear in more than one"
        in (message)
    )
    assert str(first) in message and str(second) in message and "differing in first_replicate" in message
    assert not (tmp_path / "combined").exists()


def test_disjoint_replicate_ranges_combine(tmp_path):
    job(tmp_path, "a", "first_replicate=0")
    job(tmp_path, "b", "first_replicate=10")
    summary = gather(tmp_path, progress=False).summary
    assert sorted(summary["replicate"]) == list(range(20))


def test_jobs_from_different_data_versions_are_refused_unless_allowed(tmp_path, caplog):
    data = tmp_path / "data"
    shutil.copytree(data_directory("baseline_2025"), data)
    sweep = tmp_path / "sweep"
    old = job(sweep, "status_quo", f"scenario.data={data}")
    ties = data / "ties.csv"
    ties.write_text(ties.read_text().replace("energy,RUS,CHN,0.45", "energy,RUS,CHN,0.95"))
    new = job(sweep, "pyongyang_deal", f"scenario.data={data}", "strategy=pyongyang_deal")
    with pytest.raises(IncompleteSweepError) as caught:
        gather(sweep, progress=False)
    message = str(caught.value)
    assert f"data file {data}/ties.csv differs between jobs" in message
    assert str(old) in message and str(new) in message and "--allow-mixed-versions" in message
    dataset = gather(sweep, progress=False, allow_mixed_versions=True)
    assert set(dataset.summary["strategy"]) == {"status_quo", "pyongyang_deal"}
    assert any("combining anyway (allowed): data file" in r.getMessage() for r in caplog.records)


def test_unsafe_names_in_results_are_refused_when_read_back(tmp_path):
    directory = job(tmp_path, "job", "record_ties=true")
    run = RunDirectory(directory)
    manifest = run.manifest()
    tables = {
        name.removesuffix(".parquet"): run.read(name.removesuffix(".parquet")) for name in manifest["files"]
    }
    for table in tables.values():
        table["strategy"] = "../../../escaped"
    run.write(tables, {key: value for key, value in manifest.items() if key != "files"})
    result = run_entry("analyze.py", str(tmp_path), check=False)
    assert result.returncode == 2
    assert "strategy '../../../escaped' is not a safe name" in result.stderr
    assert not list(tmp_path.parent.rglob("*escaped*"))


def test_a_multirun_whose_gathering_fails_exits_2_and_keeps_its_jobs(tmp_path):
    result = run_entry(
        "run.py", "-m", "first_replicate=0,5", *SMALL, f"hydra.sweep.dir={tmp_path}", check=False
    )
    assert result.returncode == 2
    assert "appear in more than one job" in result.stdout + result.stderr
    manifests = list(tmp_path.rglob(MANIFEST))
    assert len(manifests) == 2
    for manifest in manifests:
        RunDirectory(manifest.parent).verify()


def test_a_failed_sweep_analysis_exits_non_zero_and_keeps_the_results(tmp_path, monkeypatch):
    job(tmp_path, "job")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def broken_report(root, **kwargs):
        raise KeyError("nope")

    monkeypatch.setattr("sim.analysis.reports.analyze", broken_report)
    with pytest.raises(SystemExit) as caught:
        AnalyzeSweep().on_multirun_end(OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}}))
    assert caught.value.code == 1
    assert {p: p.read_bytes() for p in before} == before


def test_the_reported_failing_analysis_no_longer_exits_0(tmp_path):
    """The issue's reproducer: an outcome the analysis cannot find."""
    result = run_entry(
        "run.py",
        "-m",
        "experiment=budget_frontier",
        "experiment.outcome=nope",
        "experiment.strategies=[status_quo]",
        "design.parameters.0.values=[0.0,1.0]",
        *SMALL,
        f"hydra.sweep.dir={tmp_path}",
        check=False,
    )
    assert result.returncode != 0
    for manifest in tmp_path.rglob(MANIFEST):
        RunDirectory(manifest.parent).verify()
