"""Strategy mechanics: budgets, windows, conditions and the adaptive US."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.configuration import load_strategy
from tests.helpers import lever_strategy, simulate


def test_a_lever_acts_only_inside_its_window():
    windowed = lever_strategy("window", {"kind": "sanctions", "target": "IRN", "start": 6, "end": 12})
    spent_per_month = 0.2  # lever_costs.sanctions at intensity 1
    model = simulate(windowed, replicates=20, horizon=24)
    np.testing.assert_allclose(model.us.cumulative_cost, 6 * spent_per_month)
    series = pd.DataFrame(model.recorder.timeseries())
    early = series.query("step <= 6")["sanctions_IRN"].to_numpy()
    assert np.allclose(early, early[0])
    assert series.query("step == 12")["sanctions_IRN"].mean() > early[0]


def test_a_conditional_lever_waits_for_its_condition_in_each_replicate():
    deal = {"kind": "deal", "target": "PRK", "intensity": 1.0}
    follow_up = {"kind": "deal", "target": "RUS", "intensity": 1.0, "condition": "PRK defected"}
    model = simulate(lever_strategy("sequenced_on_condition", deal, follow_up), replicates=200)
    summary = pd.DataFrame(model.recorder.summary())
    prk_defected = model.ever_defected[:, model.states.index("PRK")]
    assert 0 < prk_defected.sum() < model.replicates
    deal_cost = 0.4 * 48
    # replicates where PRK never defected paid only for the Pyongyang deal
    np.testing.assert_allclose(summary.loc[~prk_defected, "us_cost"], deal_cost)
    assert (summary.loc[prk_defected, "us_cost"] > deal_cost).all()


def test_the_budget_caps_spending_and_scales_every_lever_alike():
    model = simulate("sequenced", replicates=20, overrides={"scenario.us.budget": 0.5})
    assert model.us.cumulative_cost.max() <= 0.5 * 48 + 1e-9


def test_the_adaptive_us_moves_budget_toward_levers_that_loosen_their_targets():
    adaptive = load_strategy("adaptive")
    model = simulate(adaptive, replicates=100, horizon=36)
    values = model.us.lever_values.mean(axis=0)
    kinds = [(lever.kind, lever.target) for lever in model.us.levers]
    deal_prk = kinds.index(("deal", model.states.index("PRK")))
    tariffs = kinds.index(("tariffs", model.states.index("CHN")))
    assert values[deal_prk] > values[tariffs]
    shares = model.us.budget_shares(np.ones((model.replicates, len(kinds)), dtype=bool)).mean(axis=0)
    assert shares[deal_prk] > 1 / len(kinds) > shares[tariffs]


def test_the_summary_names_who_defected_first_and_when():
    model = simulate("pyongyang_deal", replicates=200)
    summary = pd.DataFrame(model.recorder.summary())
    defected = summary["defected"].to_numpy()
    assert (summary.loc[defected, "first_defector"] == "PRK").mean() > 0.9
    assert (summary.loc[~defected, "first_defector"] == "").all()
    first_member_month = summary[[f"defection_month_{code}" for code in model.states]].min(axis=1)
    np.testing.assert_array_equal(summary["time_to_defection"], first_member_month)
    never = ~summary["defected_PRK"]
    assert (summary.loc[never, "defection_month_PRK"] == model.horizon).all()
