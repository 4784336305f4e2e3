"""Parameter ensembles (scenario.uncertainty): every world draws its constants, paired across strategies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.experiment.runner import run_job, with_point
from sim.model.bloc_model import BlocModel
from sim.model.parameters import UncertainParameterConfig
from tests.experiment.conftest import run_entry
from tests.helpers import job_config, run_config

ENSEMBLE = ["+scenario/uncertainty=behavioural", "replicates=16", "horizon=12"]
PARAMETERS = [
    "model.rationality",
    "model.decision_noise",
    "model.deal_value",
    "model.coercion_relief",
    "model.patron_compensation",
    "model.sanctions_dependence",
    "model.abandonment_response",
    "model.alliance_multiplier",
]


@pytest.fixture(scope="module")
def compared():
    config = job_config(
        "experiment=compare_strategies", "experiment.strategies=[status_quo,pyongyang_deal]", *ENSEMBLE
    )
    return config, run_job(config, progress=False).summary


def test_every_world_draws_its_constants_within_the_given_ranges(compared):
    _, summary = compared
    assert summary["draw"].tolist() == summary["replicate"].tolist()
    assert summary["model.rationality"].between(1.0, 6.0).all()
    assert summary["model.abandonment_response"].between(-0.5, 0.8).all()
    assert summary.groupby("strategy")["model.rationality"].nunique().eq(16).all()


def test_strategies_are_compared_on_the_same_draws(compared):
    _, summary = compared
    by_strategy = {name: part.set_index("replicate") for name, part in summary.groupby("strategy")}
    idle, deal = by_strategy["status_quo"], by_strategy["pyongyang_deal"]
    pd.testing.assert_frame_equal(idle[["draw", *PARAMETERS]], deal[["draw", *PARAMETERS]])
    assert not np.array_equal(idle["cohesion"], deal["cohesion"])


def test_a_world_of_the_ensemble_is_the_run_of_its_drawn_constants(compared):
    _, summary = compared
    row = summary[(summary["strategy"] == "pyongyang_deal") & (summary["replicate"] == 11)].iloc[0]
    plain = with_point(run_config("pyongyang_deal", horizon=12), {name: row[name] for name in PARAMETERS})
    alone = pd.DataFrame(BlocModel(plain, first_replicate=11, replicates=1).run().recorder.summary())
    assert alone["cohesion"].iloc[0] == row["cohesion"]
    assert alone["us_cost"].iloc[0] == row["us_cost"]


def test_the_draws_of_a_replicate_chunk_are_those_of_the_whole_run(compared):
    _, summary = compared
    overrides = ["+scenario/uncertainty=behavioural", "horizon=12", "first_replicate=5", "replicates=8"]
    chunk = run_job(job_config("strategy=status_quo", *overrides), progress=False).summary
    whole = summary[summary["strategy"] == "status_quo"].set_index("replicate").loc[chunk["replicate"]]
    np.testing.assert_array_equal(chunk["model.deal_value"].to_numpy(), whole["model.deal_value"].to_numpy())
    np.testing.assert_array_equal(chunk["cohesion"].to_numpy(), whole["cohesion"].to_numpy())


def test_fewer_draws_than_replicates_repeat_draw_r_mod_d():
    summary = run_job(job_config(*ENSEMBLE, "scenario.uncertainty.draws=3"), progress=False).summary
    assert summary["draw"].tolist() == [r % 3 for r in range(16)]
    values = summary.groupby("draw")["model.rationality"].nunique()
    assert values.eq(1).all() and summary["model.rationality"].nunique() == 3


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_of_draws_gives_each_replicate_a_row(tmp_path, suffix):
    draws = pd.DataFrame(
        {"draw": [7, 3, 11], "model.rationality": [1.5, 4.0, 9.0], "scenario.us.budget": [0.1, 0.2, 2.0]}
    )
    path = tmp_path / f"posterior{suffix}"
    draws.to_csv(path, index=False) if suffix == ".csv" else draws.to_parquet(path)
    summary = run_job(
        job_config(
            "strategy=pyongyang_deal", "replicates=5", "horizon=6", f"scenario.uncertainty.file={path}"
        ),
        progress=False,
    ).summary
    rows = [r % 3 for r in range(5)]
    assert summary["draw"].tolist() == draws["draw"].iloc[rows].tolist()
    assert summary["model.rationality"].tolist() == draws["model.rationality"].iloc[rows].tolist()
    spent = summary.groupby("draw")["us_cost"].mean()
    assert spent[11] > spent[3] > spent[7]  # each draw's own budget bought its own deal


def uncertain(*parameters: UncertainParameterConfig, **options):
    config = run_config(replicates=3, horizon=2)
    config.scenario.uncertainty.parameters = list(parameters)
    for key, value in options.items():
        setattr(config.scenario.uncertainty, key, value)
    return config


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            uncertain(UncertainParameterConfig("model.tie_rate", low=0.0, high=0.3)),
            r"\[0.0, 0.3\] leaves the documented range.*0.01, 0.5",
        ),
        (
            uncertain(UncertainParameterConfig("model.tie_rate", "normal")),
            "unknown distribution 'normal'.*uniform",
        ),
        (
            uncertain(UncertainParameterConfig("model.abandonment_response", "loguniform")),
            "log-uniform 'model.abandonment_response' needs low > 0",
        ),
        (uncertain(UncertainParameterConfig("scenario.initial.PRK.alignment")), "has no documented range"),
        (uncertain(UncertainParameterConfig("horizon")), "horizon: not a parameter of the model"),
        (
            uncertain(UncertainParameterConfig("model.tie_rate"), file="draws.csv"),
            "give distributions .* or a file of draws, not both",
        ),
    ],
)
def test_bad_ensembles_are_refused_naming_the_problem(config, message):
    with pytest.raises(ConfigError, match=message):
        BlocModel(config)


def test_a_file_without_a_draw_column_is_refused(tmp_path):
    path = tmp_path / "draws.csv"
    pd.DataFrame({"model.rationality": [1.0, 2.0]}).to_csv(path, index=False)
    with pytest.raises(ConfigError, match=r"draws\.csv has no 'draw' column"):
        BlocModel(uncertain(file=str(path)))


def test_a_parameter_in_both_the_design_and_the_ensemble_is_refused():
    config = job_config(
        "experiment=sensitivity",
        "design.samples=2",
        *ENSEMBLE,
        "design.parameters=[{name: model.rationality, low: 1, high: 2}]",
    )
    with pytest.raises(ConfigError, match=r"\['model.rationality'\] are also design parameters"):
        run_job(config, progress=False)


@pytest.mark.slow
def test_compare_strategies_runs_over_an_ensemble_from_the_entry_point(tmp_path):
    result = run_entry(
        "run.py",
        "experiment=compare_strategies",
        "experiment.strategies=[status_quo,moscow_deal]",
        "record_ties=false",
        *ENSEMBLE,
        f"hydra.run.dir={tmp_path}",
    )
    log = result.stdout + result.stderr
    assert "estimated peak memory" in log and "peak memory" in log.split("estimated peak memory")[1]
    ranking = (tmp_path / "figures" / "ranking.md").read_text()
    assert "moscow deal" in ranking
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert {"draw", *PARAMETERS} <= set(summary.columns)
