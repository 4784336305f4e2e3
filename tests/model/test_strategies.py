"""Strategy mechanics: budgets, windows, conditions and the adaptive US."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiment.configuration import load_strategy
from tests.helpers import lever_strategy, simulate

# Deals twice the reference package: North Korea defects in about a third of the worlds
# (at the default size it almost never does), so who defects first can be told apart.
LARGER_DEALS = {"model.deal_value": 2.0}


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
    # a package twice the reference size, so that North Korea defects in some worlds only
    strategy = lever_strategy("sequenced_on_condition", deal, follow_up)
    model = simulate(strategy, replicates=200, overrides=LARGER_DEALS)
    series = pd.DataFrame(model.recorder.timeseries())
    prk = model.states.index("PRK")
    prk_defected = model.ever_defected[:, prk]
    assert 0 < prk_defected.sum() < model.replicates
    offered_to_russia = series.groupby("replicate")["net_pull_RUS"].max().to_numpy() > 0
    # the Moscow deal is on the table only where North Korea defected, and only after it did
    assert not offered_to_russia[~prk_defected].any()
    assert offered_to_russia[prk_defected].mean() > 0.9
    first = series.loc[series["net_pull_RUS"] > 0].groupby("replicate")["step"].min()
    defected_at = model.defection_month[first.index.to_numpy(), prk]
    assert (first.to_numpy() > defected_at).all()


def test_the_budget_caps_spending_and_scales_every_lever_alike():
    model = simulate("sequenced", replicates=20, overrides={"scenario.us.budget": 0.5})
    assert model.us.cumulative_cost.max() <= 0.5 * 48 + 1e-9


def test_a_reward_is_paid_only_as_far_as_it_is_taken_up():
    """The US pays a deal's price times its take-up, month by month; coercion costs its price."""
    model = simulate("pyongyang_deal", replicates=50, horizon=24)
    series = pd.DataFrame(model.recorder.timeseries())
    takeup = series.query("step > 0").pivot(index="replicate", columns="step", values="takeup_PRK")
    expected = 0.4 * takeup.sum(axis=1).to_numpy()  # lever_costs.deal x monthly take-up
    np.testing.assert_allclose(model.us.cumulative_cost, expected)
    assert (expected > 0).mean() > 0.5


def two_levers_on_north_korea(exploration: float):
    """An adaptive strategy with a deal (pulls North Korea away) and sanctions (push it toward
    its patrons) on the same target."""
    strategy = lever_strategy(
        "two_on_prk", {"kind": "deal", "target": "PRK"}, {"kind": "sanctions", "target": "PRK"}
    )
    strategy.adaptive.enabled = True
    strategy.adaptive.exploration = exploration
    return strategy


def test_the_adaptive_us_separates_levers_on_the_same_target():
    """Crediting each lever with its target's whole fall cannot tell the two apart; the
    per-lever estimates can, once the intensities vary (a binding budget, exploration), and
    the budget follows the deal."""
    model = simulate(
        two_levers_on_north_korea(0.5),
        replicates=100,
        horizon=36,
        deal_value=2.0,
        overrides={"scenario.us.budget": 0.3},
    )
    values = model.us.lever_values
    assert (values[:, 0] > values[:, 1]).mean() > 0.9
    shares = model.us.learner.shares(np.ones((model.replicates, 2), dtype=bool)).mean(axis=0)
    assert shares[0] > 0.8 > 0.2 > shares[1]


def test_knockout_levers_that_always_move_together_cannot_be_separated():
    """No exploration and a budget that never binds: both levers act at full intensity every
    month, so no estimate can split their effects and the learner values them alike."""
    model = simulate(
        two_levers_on_north_korea(0.0),
        replicates=50,
        horizon=36,
        deal_value=2.0,
        overrides={"scenario.us.budget": 10.0},
    )
    per_intensity = model.us.learner.effects
    np.testing.assert_allclose(per_intensity[:, 0], per_intensity[:, 1], rtol=1e-9, atol=1e-12)


def test_exploration_jitters_the_budget_shares_of_each_replicate():
    active = np.ones((50, 2), dtype=bool)
    explored = simulate(two_levers_on_north_korea(0.5), replicates=50, horizon=1).us.learner.shares(active)
    fixed = simulate(two_levers_on_north_korea(0.0), replicates=50, horizon=1).us.learner.shares(active)
    assert explored[:, 0].std() > 0.05
    np.testing.assert_allclose(fixed, 0.5)


def test_the_adaptive_us_moves_budget_toward_levers_that_loosen_their_targets():
    adaptive = load_strategy("adaptive")
    model = simulate(adaptive, replicates=100, horizon=36)
    values = model.us.lever_values.mean(axis=0)
    kinds = [(lever.kind, lever.target) for lever in model.us.levers]
    deal_rus = kinds.index(("deal", model.states.index("RUS")))
    tariffs = kinds.index(("tariffs", model.states.index("CHN")))
    assert values[deal_rus] > values[tariffs]
    shares = model.us.learner.shares(np.ones((model.replicates, len(kinds)), dtype=bool)).mean(axis=0)
    assert shares[deal_rus] > 1 / len(kinds) > shares[tariffs]


def test_the_summary_names_who_defected_first_and_when():
    model = simulate("pyongyang_deal", replicates=200, overrides=LARGER_DEALS)
    summary = pd.DataFrame(model.recorder.summary())
    defected = summary["defected"].to_numpy()
    assert defected.mean() > 0.1
    assert (summary.loc[defected, "first_defector"] == "PRK").mean() > 0.9
    assert (summary.loc[~defected, "first_defector"] == "").all()
    first_member_month = summary[[f"defection_month_{code}" for code in model.states]].min(axis=1)
    np.testing.assert_array_equal(summary["time_to_defection"], first_member_month)
    never = ~summary["defected_PRK"]
    assert (summary.loc[never, "defection_month_PRK"] == model.horizon).all()
