"""A comparison swept over a setting outside its design is made within each value of the
setting, never pooled across them."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.analysis.facets import facets, swept_settings
from sim.experiment.dataset import Dataset
from tests.experiment.conftest import run_entry

SETTING = "model.patron_compensation"


def dataset_with(values: dict[str, list], manifests: int = 2) -> Dataset:
    summary = pd.DataFrame({"strategy": ["a", "b"] * 2, "replicate": [0, 0, 1, 1], **values})
    configs = [
        {"directory": f"job{i}", "config": {"model": {"patron_compensation": v}}}
        for i, v in enumerate((0.5, 4.0))
    ]
    return Dataset(summary, configs[:manifests])


def test_settings_that_follow_the_scenario_are_panels_not_facets():
    dataset = dataset_with(
        {"scenario": ["s1", "s1", "s2", "s2"], "scenario.start": ["2025-01"] * 2 + ["2021-01"] * 2}
    )
    dataset.manifests[:] = [
        {"directory": "j1", "config": {"scenario": {"start": "2025-01"}}},
        {"directory": "j2", "config": {"scenario": {"start": "2021-01"}}},
    ]
    assert dataset.varying == ["scenario.start"]
    assert swept_settings(dataset) == []
    assert len(facets(dataset)) == 1


def test_a_swept_setting_splits_the_dataset_and_its_manifests():
    dataset = dataset_with({SETTING: [0.5, 0.5, 4.0, 4.0]})
    parts = facets(dataset)
    assert [part.settings for part in parts] == [{SETTING: 0.5}, {SETTING: 4.0}]
    assert [len(part.dataset.summary) for part in parts] == [2, 2]
    assert [len(part.dataset.manifests) for part in parts] == [1, 1]
    assert parts[0].folder == "model.patron_compensation=0.5"
    assert parts[0].describe({SETTING: "patron compensation"}) == "patron compensation = 0.5"


def test_a_facet_reads_only_its_own_rows_of_the_time_series(tmp_path):
    series = pd.DataFrame(
        {"strategy": ["a", "b"] * 4, "step": [0] * 4 + [1] * 4, SETTING: [0.5, 0.5, 4.0, 4.0] * 2}
    )
    series["cohesion"] = range(8)
    series.to_parquet(tmp_path / "timeseries.parquet")
    dataset = dataset_with({SETTING: [0.5, 0.5, 4.0, 4.0]})
    for tables in ({"timeseries": series}, {"timeseries": tmp_path / "timeseries.parquet"}):
        dataset.tables = tables
        parts = facets(dataset)
        low = parts[0].dataset.read("timeseries", columns=["strategy", "cohesion"])
        assert list(low.columns) == ["strategy", "cohesion"] and low["cohesion"].tolist() == [0, 1, 4, 5]
        high = parts[1].dataset.read("timeseries", strategy="b")
        assert high[SETTING].eq(4.0).all() and high["cohesion"].tolist() == [3, 7]
        assert parts[1].dataset.strategies("timeseries") == ["a", "b"]


@pytest.mark.slow
def test_a_swept_comparison_is_ranked_within_each_value(tmp_path):
    run_entry(
        "run.py",
        "-m",
        "experiment=compare_strategies",
        "experiment.strategies=[status_quo,pyongyang_deal]",
        f"{SETTING}=0.0,1.0",
        "scenario.uncertainty.file=null",  # the posterior would draw the swept constant
        "experiment.outcome=cohesion",
        "replicates=30",
        "horizon=24",
        "record_ties=false",
        f"hydra.sweep.dir={tmp_path}",
    )
    figures = tmp_path / "figures"
    assert not (figures / "ranking.md").exists()  # nothing pooled
    assert "compared within each combination" in (figures / "README.md").read_text()
    summary = pd.read_parquet(tmp_path / "combined" / "summary.parquet")
    means = {}
    for value in (0.0, 1.0):
        facet = figures / f"{SETTING}={value}"
        ranking = pd.read_parquet(facet / "ranking.parquet").set_index("strategy")
        rows = summary[(summary[SETTING] == value) & (summary["strategy"] == "pyongyang_deal")]
        assert ranking.loc["pyongyang_deal", "n"] == len(rows) == 30
        assert ranking.loc["pyongyang_deal", "mean"] == pytest.approx(rows["cohesion"].mean())
        means[value] = rows["cohesion"].mean()
        assert f"= {value}" in (facet / "survival.caption.txt").read_text()
        assert (facet / "cohesion_over_time.pdf").is_file()
    pooled = summary.loc[summary["strategy"] == "pyongyang_deal", "cohesion"].mean()
    assert abs(means[0.0] - means[1.0]) > 0.002  # the setting matters, so pooling would mislead
    assert min(abs(pooled - m) for m in means.values()) > 0.001
