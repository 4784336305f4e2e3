"""Resume reuses a result only if configuration, data files and code are all the same.

A job's identity covers the checksum of every data file it read and the version of the
code that computed it, so editing ``ties.csv`` makes the job run again instead of being
"skipped (already complete)" with the old numbers. Whatever a job replaces (an older
version's result, a corrupt manifest) is moved into ``.superseded/``, never deleted.
"""

from __future__ import annotations

import json
import logging
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment.jobs import execute_job, job_identity
from sim.experiment.provenance import identity
from sim.experiment.storage import MANIFEST, SUPERSEDED, RunDirectory
from sim.model.calibration import data_directory
from tests.experiment.conftest import compose

SMALL = ("replicates=10", "horizon=6")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_directory("baseline_2025"), folder)
    return folder


def edit_tie(folder: Path, old: str = "energy,RUS,CHN,0.45", new: str = "energy,RUS,CHN,0.95") -> None:
    ties = folder / "ties.csv"
    ties.write_text(ties.read_text().replace(old, new))


def run(job_dir: Path, *overrides: str):
    return execute_job(compose(*SMALL, *overrides), job_dir, job_dir)


def summary(job_dir: Path) -> pd.DataFrame:
    return RunDirectory(job_dir).read("summary")


def test_an_edited_data_file_makes_the_job_run_again(tmp_path, data_copy):
    job = tmp_path / "job"
    assert run(job, f"scenario.data={data_copy}").status == "done"
    before = summary(job)
    assert run(job, f"scenario.data={data_copy}").status == "skipped (already complete)"

    edit_tie(data_copy)
    assert run(job, f"scenario.data={data_copy}").status == "done"
    after = summary(job)
    assert not after["cohesion"].equals(before["cohesion"])
    manifest = RunDirectory(job).manifest()
    assert (
        manifest["data"][f"{data_copy}/ties.csv"]
        == job_identity(compose(*SMALL, f"scenario.data={data_copy}")).data[f"{data_copy}/ties.csv"]
    )
    kept = RunDirectory(job / SUPERSEDED / "1")
    kept.verify()
    pd.testing.assert_frame_equal(kept.read("summary"), before)


def test_the_identity_covers_configuration_data_and_code(data_copy):
    config = compose(*SMALL, f"scenario.data={data_copy}")
    first = job_identity(config)
    edit_tie(data_copy)
    assert job_identity(config).key != first.key
    assert identity(first.config_hash, first.data, {**first.code, "source": "other"}) != first.key
    assert (
        job_identity(compose(*SMALL, "seed=3", f"scenario.data={data_copy}")).config_hash != first.config_hash
    )


def test_an_edited_strategy_file_changes_the_identity(tmp_path, monkeypatch):
    from sim.experiment import configuration

    configs = tmp_path / "configs"
    shutil.copytree(configuration.CONFIG_DIR, configs)
    monkeypatch.setattr(configuration, "CONFIG_DIR", configs)
    overrides = ("experiment=compare_strategies", "experiment.strategies=[status_quo,pyongyang_deal]", *SMALL)
    first = job_identity(compose(*overrides))
    deal = configs / "strategy" / "pyongyang_deal.yaml"
    deal.write_text(deal.read_text().replace("intensity: 1.0", "intensity: 0.5"))
    edited = job_identity(compose(*overrides))
    assert edited.key != first.key and edited.design_hash != first.design_hash


def test_a_corrupt_manifest_marks_the_job_unfinished_and_it_is_recomputed(tmp_path, caplog):
    job = tmp_path / "job"
    run(job)
    before = summary(job)
    manifest = job / MANIFEST
    truncated = manifest.read_text()[:200]
    manifest.write_text(truncated)
    with caplog.at_level(logging.WARNING, logger="sim"):
        outcome = run(job)
    assert outcome.status == "done"
    warnings = [record.getMessage() for record in caplog.records]
    assert any("unfinished or corrupt result" in w and str(manifest) in w for w in warnings)
    RunDirectory(job).verify()
    pd.testing.assert_frame_equal(summary(job), before)
    assert (job / SUPERSEDED / "1" / MANIFEST).read_text() == truncated


@pytest.mark.parametrize("corruption", ["[]", "{}", '{"files": {"../../etc/passwd": {}}}', "\x00\x01"])
def test_any_unreadable_manifest_counts_as_unfinished(tmp_path, corruption):
    job = tmp_path / "job"
    run(job)
    (job / MANIFEST).write_text(corruption)
    assert not RunDirectory(job).is_complete()
    assert run(job).status == "done"


def test_temporary_files_of_an_interrupted_write_are_removed_on_the_next_run(tmp_path):
    job = tmp_path / "job"
    job.mkdir()
    leftovers = [job / ".summary.parquet.k2j4_1.tmp", job / ".manifest.json.x9q.tmp"]
    for path in leftovers:
        path.write_bytes(b"half a table")
    run(job)
    assert not [path for path in leftovers if path.exists()]
    assert not list(job.glob("*.tmp"))


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_result_files_get_the_permissions_the_umask_allows(tmp_path, umask, mode):
    target = tmp_path / "table.parquet"
    script = (
        f"import os; os.umask({umask}); import pandas as pd; from pathlib import Path; "
        "from sim.experiment.storage import write_parquet; "
        f"write_parquet(pd.DataFrame({{'a': [1]}}), Path({str(target)!r}))"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_the_manifest_records_the_code_version_precisely(tmp_path):
    job = tmp_path / "job"
    run(job)
    code = json.loads((job / MANIFEST).read_text())["code"]
    assert len(code["source"]) == 16
    if code["commit"] is not None:
        assert len(code["commit"]) == 40
        assert (code["diff_sha256"] is None) == (not code["dirty"])
