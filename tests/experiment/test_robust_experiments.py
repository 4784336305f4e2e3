"""The robustness and portfolio experiments end to end, small, through the Hydra entry point."""

from __future__ import annotations

import json
from pathlib import Path

import optuna
import pandas as pd
import pytest
from optuna.trial import TrialState

from tests.experiment.conftest import run_entry

SMALL = [
    "design.samples=20",
    "replicates=6",
    "experiment.strategies=[status_quo,pyongyang_deal,moscow_deal,adaptive]",
]


@pytest.mark.slow
def test_robustness_experiment_writes_ranking_and_discovery(tmp_path: Path) -> None:
    run_entry(
        "run.py",
        "experiment=robustness",
        *SMALL,
        "robustness.plausible_level=0.3",
        f"hydra.run.dir={tmp_path}",
    )
    figures = tmp_path / "figures"
    ensemble = json.loads((figures / "ensemble.json").read_text())
    assert ensemble["draws"] == 20 and 2 <= ensemble["plausible_draws"] < 20
    ranking = pd.read_parquet(figures / "robust_ranking.parquet")
    assert sorted(ranking["strategy"]) == ["adaptive", "moscow_deal", "pyongyang_deal", "status_quo"]
    assert (ranking["draws"] == ensemble["plausible_draws"]).all()
    assert ranking["share_best"].sum() == pytest.approx(1.0)
    for name in ("robust_ranking.md", "robust_ranking.tex", "robust_comparison-wide.pdf", "cost_effect.png"):
        assert (figures / name).is_file(), name
    text = (figures / "discovery.md").read_text()
    for wedge in ("Pyongyang deal", "Moscow deal", "adaptive US strategy"):
        assert f"The {wedge} " in text


@pytest.mark.slow
def test_robustness_reads_the_models_own_ensemble(tmp_path: Path) -> None:
    run_entry(
        "run.py", "experiment=robustness", "design=none", "+scenario/uncertainty=behavioural",
        "scenario.uncertainty.draws=24", "replicates=240", "experiment.strategies=[status_quo,moscow_deal]",
        f"hydra.run.dir={tmp_path}",
    )  # fmt: skip
    figures = tmp_path / "figures"
    ensemble = json.loads((figures / "ensemble.json").read_text())
    assert ensemble["draws"] == 24 and ensemble["replicates_per_draw"] == 10
    assert "model.deal_value" in ensemble["parameters"]
    ranking = pd.read_parquet(figures / "robust_ranking.parquet")
    assert (ranking["replicates"] == 10).all()
    assert "The Moscow deal " in (figures / "discovery.md").read_text()


@pytest.mark.slow
def test_portfolio_search_resumes_and_refuses_another_configuration(tmp_path: Path) -> None:
    args = ["experiment=portfolios", *SMALL, "robustness.plausible_level=0.3", f"hydra.run.dir={tmp_path}"]
    run_entry("run.py", *args, "portfolio.trials=4")
    figures = tmp_path / "figures"
    trials = pd.read_parquet(figures / "trials.parquet")
    assert len(trials) == 4 and trials["front"].any()
    assert (figures / "pareto_front.png").is_file() and (figures / "portfolio_ranking.md").is_file()
    wide = figures / "pareto_front-wide"
    assert wide.with_suffix(".pdf").is_file() and wide.with_name(f"{wide.name}.caption.txt").is_file()
    front = sorted((figures / "portfolios").glob("portfolio_*.yaml"))
    assert len(front) == trials["front"].sum()
    ranking = pd.read_parquet(figures / "portfolio_ranking.parquet")
    assert {"status_quo", "adaptive"} <= set(ranking["strategy"])

    run_entry("run.py", *args, "portfolio.trials=6")  # the same study, two more trials
    study = optuna.load_study(
        study_name="portfolios",
        storage=optuna.storages.JournalStorage(
            optuna.storages.journal.JournalFileBackend(str(tmp_path / "study.journal"))
        ),
    )
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 6
    assert json.loads((tmp_path / "worker.json").read_text())["trials_run"] == 2

    refused = run_entry("run.py", *args, "portfolio.trials=6", "replicates=7", check=False)
    assert refused.returncode == 2
    assert "holds a study of another configuration" in refused.stdout + refused.stderr


def test_bad_goal_is_refused_before_running(tmp_path: Path) -> None:
    result = run_entry(
        "run.py",
        "experiment=robustness",
        'robustness.goal="bloc_size < 3"',
        f"hydra.run.dir={tmp_path}",
        check=False,
    )
    assert result.returncode == 2
    assert "robustness.goal: unknown outcome 'bloc_size'" in result.stdout + result.stderr
    assert not (tmp_path / "summary.parquet").exists()
