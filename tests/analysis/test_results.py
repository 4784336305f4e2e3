"""The notebook API: one call opens a run or sweep, another finds the latest of an experiment."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sim.analysis import results
from sim.experiment.dataset import IncompleteSweepError
from tests.analysis.conftest import run_tiny


@pytest.fixture(scope="module")
def results_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("project") / "results"
    older = run_tiny("compare_strategies", root / "runs" / "compare_strategies" / "2026-01-01_10-00-00",
                     ["experiment.strategies=[status_quo,moscow_deal]", "record_ties=false"])  # fmt: skip
    newer = run_tiny("compare_strategies", root / "runs" / "compare_strategies" / "2026-01-02_10-00-00",
                     ["experiment.strategies=[status_quo,pyongyang_deal]", "record_ties=false"])  # fmt: skip
    for folder, when in ((older, "2026-01-01T10:00:00+00:00"), (newer, "2026-01-02T10:00:00+00:00")):
        manifest = json.loads((folder / "manifest.json").read_text())
        (folder / "manifest.json").write_text(json.dumps({**manifest, "finished": when}))
    return root, older, newer


def test_load_returns_the_run_tables_as_written(results_folder):
    _, older, _ = results_folder
    run = results.load(older)
    pd.testing.assert_frame_equal(run.summary, pd.read_parquet(older / "summary.parquet"))
    assert run.strategies == ["moscow_deal", "status_quo"]
    assert run.config.experiment.name == "compare_strategies" and run.config.horizon == 24
    assert {"step", "date", "cohesion"} <= set(run.timeseries.columns) and run.ties is None
    assert run.settings == []


def test_latest_is_the_most_recently_finished_run_of_the_experiment(results_folder):
    root, _, newer = results_folder
    run = results.latest("compare_strategies", root)
    assert run.path == newer and run.strategies == ["pyongyang_deal", "status_quo"]
    with pytest.raises(IncompleteSweepError, match="no finished run or sweep of 'phase_diagram'"):
        results.latest("phase_diagram", root)


def test_outcomes_are_long_and_ranking_pairs_against_the_reference(results_folder):
    run = results.load(results_folder[2])
    long = run.outcomes(["cohesion", "intact"])
    assert list(long.columns[-2:]) == ["outcome", "value"]
    assert len(long) == 2 * len(run.summary)
    ranking = run.ranking().set_index("strategy")
    assert pd.isna(ranking.loc["status_quo", "mean_diff"])
    paired = run.summary.pivot(index="replicate", columns="strategy", values="cohesion")
    expected = (paired["pyongyang_deal"] - paired["status_quo"]).mean()
    assert ranking.loc["pyongyang_deal", "mean_diff"] == pytest.approx(expected)


def test_the_style_and_colours_are_one_line_each():
    import matplotlib as mpl

    with mpl.rc_context():
        results.use_style()
        assert mpl.rcParams["font.size"] == 8 and mpl.rcParams["pdf.fonttype"] == 42
    assert results.strategy_colors(["status_quo"]) == {"status_quo": "#000000"}
