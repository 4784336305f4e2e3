"""One unit of value: every term of a state's decision in per cent of its own GDP.

The conversions are data with their sources; these tests tie the model's numbers to them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import logit

from sim.model.bloc_model import BlocModel
from sim.model.calibration import data_directory, load_calibration
from sim.model.values import symmetric_strength, tie_values
from tests.helpers import run_config

DATA_SETS = ("baseline_2025", "hindcast_2021")


@pytest.mark.parametrize("data", DATA_SETS)
@pytest.mark.parametrize("table", ["states.csv", "ties.csv", "trust.csv", "stakes.csv"])
def test_every_row_of_a_data_set_carries_its_basis_and_source(data, table):
    frame = pd.read_csv(data_directory(data) / table)
    source = "source" if table == "states.csv" else "source_ref"
    assert set(frame["basis"]) <= {"figure", "derived", "judgement"}
    assert frame[source].fillna("").str.strip().str.len().gt(3).all()
    assert np.isfinite(frame["value" if "value" in frame.columns else "weight"]).all()


def test_every_world_figure_names_its_source():
    figures = pd.read_csv(data_directory("baseline_2025").parent / "calibration_2024.csv")
    assert figures["source"].fillna("").str.len().gt(3).all()
    assert {"gdp", "military_burden", "military_expenditure", "arms_sales", "eu_imports_from"} <= set(
        figures["key"]
    )


def start_tie_values(**overrides) -> tuple[np.ndarray, tuple[str, ...]]:
    config = run_config(replicates=1, overrides=overrides or None)
    model = BlocModel(config)
    values = tie_values(model.world, symmetric_strength(model.world.ties), model.params)
    return values[0], model.states


def test_a_tie_is_worth_its_sourced_flow_over_gdp_times_its_rent():
    """Russia's oil sales to China: 64.0 bn USD a year over a GDP of 2,099 bn USD (3.05 %),
    times the energy rent 0.3."""
    values, states = start_tie_values()
    rus, chn = states.index("RUS"), states.index("CHN")
    energy = 0
    flow_share = 100 * (37.34 * 12 / 7) / 2099
    assert values[energy, rus, chn] == pytest.approx(0.3 * flow_share, rel=1e-3)
    # the same flow weighs far less for the larger economy
    assert values[energy, chn, rus] == pytest.approx(0.3 * 100 * (37.34 * 12 / 7) / 18471, rel=1e-2)


def test_a_stronger_tie_is_worth_proportionally_more():
    base, states = start_tie_values()
    scaled, _ = start_tie_values(**{"scenario.tie_scale.CHN_PRK": 1.5})
    chn, prk = states.index("CHN"), states.index("PRK")
    economic = 2
    ties = load_calibration(run_config().scenario, run_config().model).ties
    forward, back = ties[economic, chn, prk], ties[economic, prk, chn]
    expected = (min(1.0, 1.5 * forward) + back) / (forward + back)
    assert scaled[economic, prk, chn] == pytest.approx(expected * base[economic, prk, chn])


def test_the_same_net_incentive_moves_every_member_alike_whatever_its_stakes():
    """S8 in % GDP: the log-odds shift is beta times the net incentive, the same for North
    Korea (bloc worth 18 % of its GDP) as for China (0.9 %)."""
    config = run_config("status_quo", replicates=1, horizon=1, decision_noise=0.0, alignment_rate=1.0)
    config.scenario.random_shocks = []
    model = BlocModel(config)
    model.references = (model.references[0] + 1.0, model.references[1])  # U = -1 % GDP for all
    model.step()
    start = model.world.start_alignment[0]
    shift = logit(model.world.alignment[0]) - logit(start)
    np.testing.assert_allclose(shift, -model.params.rationality, rtol=1e-9)
