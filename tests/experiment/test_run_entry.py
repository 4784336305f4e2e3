"""The first entry point: one scenario and one strategy into a Hydra output directory."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.experiment.storage import RunDirectory
from tests.experiment.conftest import run_entry
from tests.helpers import simulate


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    run_entry(
        "run.py",
        "strategy=pyongyang_deal",
        "replicates=30",
        "horizon=12",
        "seed=11",
        "record_ties=true",
        f"hydra.run.dir={out}",
    )
    return out


def test_run_writes_tables_manifest_and_figure(run_dir):
    for name in (
        "summary.parquet",
        "timeseries.parquet",
        "ties.parquet",
        "manifest.json",
        ".hydra/config.yaml",
    ):
        assert (run_dir / name).is_file(), name
    assert (run_dir / "figures" / "cohesion_over_time.pdf").stat().st_size > 0
    assert (run_dir / "figures" / "cohesion_over_time.png").stat().st_size > 0
    RunDirectory(run_dir).verify()


def test_tables_follow_the_documented_schemas(run_dir):
    summary = pd.read_parquet(run_dir / "summary.parquet")
    timeseries = pd.read_parquet(run_dir / "timeseries.parquet")
    ties = pd.read_parquet(run_dir / "ties.parquet")
    assert len(summary) == 30 and summary["replicate"].tolist() == list(range(30))
    for column in (
        "cohesion",
        "connectivity",
        "intact",
        "energy",
        "time_to_defection",
        "defected",
        "us_cost",
    ):
        assert column in summary.columns
    assert list(timeseries.columns[3:6]) == ["replicate", "step", "date"]
    assert len(timeseries) == 30 * 13
    assert timeseries["date"].min() == "2025-01" and timeseries["date"].max() == "2026-01"
    assert list(ties.columns[-7:]) == ["replicate", "step", "date", "layer", "source", "target", "weight"]
    assert len(ties) == 30 * 13 * 5 * 12


def test_manifest_records_provenance(run_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text())
    for key in ("code", "data", "identity", "versions", "seed", "replicates", "config_hash", "started"):
        assert key in manifest, key
    assert manifest["seed"] == 11 and manifest["replicates"] == 30
    assert {"source", "commit", "dirty", "diff_sha256"} <= set(manifest["code"])
    assert sorted(manifest["data"]) == [
        f"baseline_2025/{name}" for name in ("states.csv", "ties.csv", "trust.csv")
    ]
    assert all(len(checksum) == 64 for checksum in manifest["data"].values())
    assert manifest["versions"]["mesa"].startswith("3.")


def test_results_equal_the_model_run_directly(run_dir):
    summary = pd.read_parquet(run_dir / "summary.parquet")
    direct = pd.DataFrame(simulate("pyongyang_deal", replicates=30, horizon=12, seed=11).recorder.summary())
    pd.testing.assert_frame_equal(summary[direct.columns], direct, check_dtype=False)


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("strategy=nope", "strategy: no option 'nope' (allowed: adaptive, alliance_first"),
        ("replicates=many", "replicates"),
        ("model.not_a_parameter=1", "not_a_parameter"),
        ("replicates=0", "replicates: value 0 is out of range"),
        ("model.rationality=100", "model.rationality: value 100.0 is out of range"),
    ],
)
def test_bad_overrides_fail_fast_naming_the_key(override, expected, tmp_path):
    result = run_entry("run.py", override, f"hydra.run.dir={tmp_path}", check=False, timeout=120)
    assert result.returncode == 2
    assert expected in result.stdout + result.stderr
    assert not (tmp_path / "summary.parquet").exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            ["strategy=pyongyang_deal", "strategy.levers.0.kind=bribes"],
            "Invalid value 'bribes', expected one of [deal, sanctions, secondary_sanctions",
        ),
        (["scenario.crn=sometimes"], "Invalid value 'sometimes', expected one of [scenario, configuration]"),
        (["experiment.analysis=tea_leaves"], "Invalid value 'tea_leaves', expected one of [single,"),
        (["experiment.outcome=nope"], "Invalid value 'nope', expected one of [cohesion,"),
        (
            ["experiment=compare_strategies", "experiment.reference=nope"],
            "experiment.reference: 'nope' is not among the strategies this experiment runs",
        ),
    ],
)
def test_a_wrong_kind_or_reference_is_refused_before_anything_runs(overrides, expected, tmp_path):
    result = run_entry("run.py", *overrides, f"hydra.run.dir={tmp_path}", check=False, timeout=120)
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
    assert not (tmp_path / "summary.parquet").exists()


def test_the_configured_outcome_and_reference_shape_the_report(tmp_path):
    run_entry(
        "run.py",
        "experiment=compare_strategies",
        "experiment.strategies=[status_quo,moscow_deal]",
        "experiment.reference=moscow_deal",
        "experiment.outcome=aligned",
        "replicates=20",
        "horizon=12",
        "record_ties=false",
        f"hydra.run.dir={tmp_path}",
    )
    figures = tmp_path / "figures"
    assert (figures / "final_aligned.pdf").is_file() and (figures / "aligned_over_time.pdf").is_file()
    assert not (figures / "final_cohesion.pdf").exists()
    ranking_text = (figures / "ranking.md").read_text()
    assert "Aligned [95% CI]" in ranking_text and "Δ vs moscow deal" in ranking_text
    reference_row = next(line for line in ranking_text.splitlines() if "| moscow deal |" in line)
    assert "ref." in reference_row
