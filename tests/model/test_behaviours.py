"""The behaviours the model must show (docs/ODD.md, Patterns), tested statistically.

Every comparison is paired: the same replicate indices under both arms share their
random numbers (common random numbers), so differences are measured replicate by
replicate and tested with the Wilcoxon signed-rank test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiment.configuration import available_strategies
from sim.model.parameters import EventConfig
from tests.helpers import lever_strategy, run_config, simulate

R = 400
ALPHA = 0.01


def final(model, column: str) -> np.ndarray:
    return pd.DataFrame(model.recorder.summary())[column].to_numpy()


def member_ties(model, code: str) -> np.ndarray:
    """Total weight of all ties to and from a member at the horizon, per replicate."""
    i = model.states.index(code)
    ties = model.world.ties
    return ties[:, :, i, :].sum(axis=(1, 2)) + ties[:, :, :, i].sum(axis=(1, 2))


def assert_paired_greater(larger: np.ndarray, smaller: np.ndarray) -> None:
    """larger > smaller on average, significantly by a one-sided Wilcoxon test."""
    difference = larger - smaller
    assert difference.mean() > 0, f"mean paired difference {difference.mean():.4g} is not positive"
    assert stats.wilcoxon(difference, alternative="greater").pvalue < ALPHA


def test_status_quo_keeps_the_bloc_cohesive_for_48_months():
    model = simulate("status_quo", replicates=R)
    summary = pd.DataFrame(model.recorder.summary())
    start = pd.DataFrame(model.recorder.timeseries()).query("step == 0")["cohesion"].mean()
    assert summary["intact"].mean() >= 0.95
    assert summary["cohesion"].mean() >= 0.9 * start
    assert (summary["aligned"] == len(model.states)).mean() >= 0.95


@pytest.mark.parametrize("member", ["CHN", "RUS", "IRN", "PRK"])
def test_sanctions_without_secondary_raise_dependence_on_the_bloc(member):
    sanctioned = lever_strategy("sanction", {"kind": "sanctions", "target": member, "intensity": 1.0})
    baseline = simulate("status_quo", replicates=R)
    pressured = simulate(sanctioned, replicates=R)
    column = f"dependence_{member}"
    assert_paired_greater(final(pressured, column), final(baseline, column))


def test_a_reward_loosens_its_target_more_than_uniform_pressure_of_equal_cost():
    deal = lever_strategy("deal", {"kind": "deal", "target": "PRK", "intensity": 1.0})
    costs = run_config().model.lever_costs
    per_member = costs["deal"] / (4 * costs["sanctions"])
    uniform = lever_strategy(
        "uniform",
        *(
            {"kind": "sanctions", "target": code, "intensity": per_member}
            for code in ("CHN", "RUS", "IRN", "PRK")
        ),
    )
    rewarded, pressured = simulate(deal, replicates=R), simulate(uniform, replicates=R)
    np.testing.assert_allclose(final(rewarded, "us_cost"), final(pressured, "us_cost"))
    assert_paired_greater(member_ties(pressured, "PRK"), member_ties(rewarded, "PRK"))


def test_coercion_does_not_lower_cohesion_when_the_patron_can_compensate():
    squeeze = lever_strategy("squeeze", {"kind": "sanctions", "target": "IRN", "intensity": 1.0})
    baseline = final(simulate("status_quo", replicates=R), "cohesion")
    coerced = final(simulate(squeeze, replicates=R), "cohesion")
    assert (coerced - baseline).mean() >= 0.0
    # The same coercion with no partner able to compensate does lower cohesion.
    no_patron = {f"scenario.initial.{code}.capacity": 0.0 for code in ("CHN", "RUS", "PRK")}
    alone_base = final(simulate("status_quo", replicates=R, overrides=no_patron), "cohesion")
    alone = final(simulate(squeeze, replicates=R, overrides=no_patron), "cohesion")
    assert_paired_greater(alone_base, alone)


def deal_effect(strategy: str, member: str, overrides: dict) -> np.ndarray:
    """Paired fall of the member's alignment caused by the strategy, per replicate."""
    column = f"alignment_{member}"
    base = final(simulate("status_quo", replicates=R, overrides=overrides), column)
    dealt = final(simulate(strategy, replicates=R, overrides=overrides), column)
    return base - dealt


def test_pyongyang_deal_works_less_the_more_russia_and_china_support_north_korea():
    weak = {"scenario.tie_scale.CHN_PRK": 0.6, "scenario.tie_scale.RUS_PRK": 0.6}
    strong = {"scenario.tie_scale.CHN_PRK": 1.5, "scenario.tie_scale.RUS_PRK": 1.5}
    assert_paired_greater(
        deal_effect("pyongyang_deal", "PRK", weak), deal_effect("pyongyang_deal", "PRK", strong)
    )


def test_moscow_deal_works_less_the_stronger_the_russia_china_partnership():
    weak = {"scenario.tie_scale.CHN_RUS": 0.6, "scenario.tie_scale.RUS_CHN": 0.6}
    strong = {"scenario.tie_scale.CHN_RUS": 1.5, "scenario.tie_scale.RUS_CHN": 1.5}
    assert_paired_greater(deal_effect("moscow_deal", "RUS", weak), deal_effect("moscow_deal", "RUS", strong))


def test_stronger_alliances_make_the_same_wedge_more_effective():
    weak = {"scenario.us.alliance_strength": 0.2}
    strong = {"scenario.us.alliance_strength": 0.8}
    assert_paired_greater(
        deal_effect("pyongyang_deal", "PRK", strong), deal_effect("pyongyang_deal", "PRK", weak)
    )


def test_a_patron_abandoning_a_client_lowers_the_clients_trust_in_it():
    config = run_config("status_quo", replicates=R, horizon=12)
    config.scenario.events = [
        EventConfig(date="2025-04", kind="abandonment", actors=["RUS", "IRN"], magnitude=0.3)
    ]
    from sim.model.bloc_model import BlocModel

    abandoned = pd.DataFrame(BlocModel(config).run().recorder.timeseries())
    baseline = pd.DataFrame(simulate("status_quo", replicates=R, horizon=12).recorder.timeseries())
    column = "trust_IRN_RUS"
    before = abandoned.query("step == 3")[column].to_numpy()
    after = abandoned.query("step == 4")[column].to_numpy()
    assert_paired_greater(before, after)
    assert_paired_greater(
        baseline.query("step == 12")[column].to_numpy(), abandoned.query("step == 12")[column].to_numpy()
    )


@pytest.mark.parametrize("strategy", [name for name in available_strategies() if name != "status_quo"])
def test_zero_budget_means_no_us_action_has_any_effect(strategy):
    broke = {"scenario.us.budget": 0.0}
    idle = pd.DataFrame(simulate("status_quo", replicates=50, overrides=broke).recorder.timeseries())
    acting = pd.DataFrame(simulate(strategy, replicates=50, overrides=broke).recorder.timeseries())
    metrics = idle.columns.drop(["replicate", "step", "date"])
    np.testing.assert_array_equal(acting[metrics].to_numpy(), idle[metrics].to_numpy())
    # and the same strategy with a budget does change the world
    funded = pd.DataFrame(simulate(strategy, replicates=50).recorder.timeseries())
    assert not np.array_equal(funded[metrics].to_numpy(), idle[metrics].to_numpy())


def test_swing_buyers_undercut_sanctions_on_the_state_they_buy_from():
    squeeze = lever_strategy("squeeze", {"kind": "sanctions", "target": "RUS", "intensity": 1.0})
    without = final(
        simulate(squeeze, replicates=R, overrides={"scenario.swing_buyers.RUS": 0.0}), "sanctions_RUS"
    )
    with_swing = final(
        simulate(squeeze, replicates=R, overrides={"scenario.swing_buyers.RUS": 0.6}), "sanctions_RUS"
    )
    assert_paired_greater(without, with_swing)
