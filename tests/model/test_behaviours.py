"""The behaviours the model must show (docs/ODD.md, Patterns), each beside its knockout.

Every comparison is paired: the same replicate indices under both arms share their
random numbers (common random numbers), so differences are measured replicate by
replicate. A behaviour test asserts a minimum effect size (and a paired Wilcoxon test);
its knockout zeroes the mechanism behind it (a parameter set to 0, a lever removed) and
shows the effect is then gone: below half the minimum the behaviour test asks for, or
exactly zero where the mechanism is the only path. ``pytest -k knockout`` collects them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.experiment.configuration import available_strategies, load_strategy
from sim.model.bloc_model import BlocModel
from sim.model.parameters import EventConfig
from tests.helpers import lever_strategy, run_config, simulate

R = 400
ALPHA = 0.01
MEMBERS = ("CHN", "RUS", "IRN", "PRK")


def final(model, column: str) -> np.ndarray:
    return pd.DataFrame(model.recorder.summary())[column].to_numpy()


def member_ties(model, code: str) -> np.ndarray:
    """Total weight of all ties to and from a member at the horizon, per replicate."""
    i = model.states.index(code)
    ties = model.world.ties
    return ties[:, :, i, :].sum(axis=(1, 2)) + ties[:, :, :, i].sum(axis=(1, 2))


def assert_paired_greater(larger: np.ndarray, smaller: np.ndarray, minimum: float) -> None:
    """larger > smaller by at least ``minimum`` on average, and significantly (one-sided Wilcoxon)."""
    difference = larger - smaller
    assert difference.mean() >= minimum, f"mean paired difference {difference.mean():.4g} < {minimum}"
    assert stats.wilcoxon(difference, alternative="greater").pvalue < ALPHA


def assert_gone(difference: np.ndarray, minimum: float) -> None:
    """The knocked-out effect is below half the minimum its behaviour test requires."""
    assert abs(difference.mean()) < minimum / 2, f"knocked-out effect {difference.mean():.4g} remains"


# 1. With the 2025 calibration and status_quo the bloc stays cohesive for 48 months.


def test_status_quo_keeps_the_bloc_cohesive_for_48_months():
    model = simulate("status_quo", replicates=R)
    summary = pd.DataFrame(model.recorder.summary())
    start = pd.DataFrame(model.recorder.timeseries()).query("step == 0")
    assert summary["intact"].mean() >= 0.95
    assert (summary["aligned"] == len(model.states)).mean() >= 0.95
    assert summary["mean_alignment"].mean() >= 0.9 * start["mean_alignment"].mean()
    assert summary["cohesion"].mean() >= 0.9 * start["cohesion"].mean()


def test_knockout_without_a_loyalty_margin_the_status_quo_bloc_comes_apart():
    """Members that start at the defection threshold have no margin: noise and shocks alone
    take the bloc apart, so the stability of pattern 1 comes from the start alignments."""
    at_threshold = {f"scenario.initial.{code}.alignment": 0.5 for code in MEMBERS}
    summary = pd.DataFrame(simulate("status_quo", replicates=R, overrides=at_threshold).recorder.summary())
    assert summary["intact"].mean() < 0.5


# 2. More sanctions on a member, with no secondary sanctions, raise its dependence on the bloc.


def sanctions_on(member: str):
    return lever_strategy("sanction", {"kind": "sanctions", "target": member, "intensity": 1.0})


@pytest.mark.parametrize("member", MEMBERS)
def test_sanctions_without_secondary_raise_dependence_on_the_bloc(member):
    column = f"dependence_{member}"
    baseline = final(simulate("status_quo", replicates=R), column)
    pressured = final(simulate(sanctions_on(member), replicates=R), column)
    assert_paired_greater(pressured, baseline, minimum=0.02)


@pytest.mark.parametrize("member", MEMBERS)
def test_knockout_sanctions_that_cannot_raise_exposure_leave_dependence_alone(member):
    """Swing buyers who absorb all of a member's exports stop new sanctions from raising its
    exposure; what is left (threat from pressure) does not move its dependence."""
    column = f"dependence_{member}"
    absorbed = {f"scenario.swing_buyers.{member}": 1.0}
    baseline = final(simulate("status_quo", replicates=R, overrides=absorbed), column)
    pressured = final(simulate(sanctions_on(member), replicates=R, overrides=absorbed), column)
    assert_gone(pressured - baseline, minimum=0.02)


# 3. A reward to one member lowers that member's ties more than equal-cost uniform pressure.


def reward_and_pressure(**model):
    """The Pyongyang deal and uniform sanctions on all four members costing the US the same."""
    rewarded = simulate("pyongyang_deal", replicates=R, **model)
    costs = run_config().model.lever_costs
    cost = rewarded.us.cumulative_cost.mean()
    per_member = cost / (48 * 4 * costs["sanctions"])
    uniform = lever_strategy(
        "uniform", *({"kind": "sanctions", "target": code, "intensity": per_member} for code in MEMBERS)
    )
    pressured = simulate(uniform, replicates=R, **model)
    return rewarded, pressured, simulate("status_quo", replicates=R, **model)


def test_a_reward_loosens_its_target_more_than_uniform_pressure_of_equal_cost():
    rewarded, pressured, idle = reward_and_pressure()
    np.testing.assert_allclose(rewarded.us.cumulative_cost.mean(), pressured.us.cumulative_cost.mean())
    assert_paired_greater(member_ties(idle, "PRK"), member_ties(rewarded, "PRK"), minimum=0.1)
    assert_paired_greater(member_ties(pressured, "PRK"), member_ties(rewarded, "PRK"), minimum=0.1)


def test_knockout_a_reward_worth_nothing_loosens_nothing():
    rewarded, _, idle = reward_and_pressure(deal_value=0.0)
    np.testing.assert_array_equal(member_ties(rewarded, "PRK"), member_ties(idle, "PRK"))
    assert rewarded.us.cumulative_cost.max() == 0.0


# 4. Coercion of a member whose patron can compensate does not lower (may raise) cohesion.

SQUEEZE_IRAN = lever_strategy("squeeze", {"kind": "sanctions", "target": "IRN", "intensity": 1.0})
NO_PATRON = {f"scenario.initial.{code}.capacity": 0.0 for code in ("CHN", "RUS", "PRK")}


def coercion_effect(overrides=None) -> tuple[np.ndarray, np.ndarray]:
    """Paired change of mean alignment and of Iran's alignment caused by sanctions on Iran."""
    idle = simulate("status_quo", replicates=R, overrides=overrides)
    coerced = simulate(SQUEEZE_IRAN, replicates=R, overrides=overrides)
    return (
        final(coerced, "mean_alignment") - final(idle, "mean_alignment"),
        final(coerced, "alignment_IRN") - final(idle, "alignment_IRN"),
    )


def test_coercion_does_not_lower_alignment_when_partners_can_compensate():
    bloc, target = coercion_effect()
    assert bloc.mean() >= 0.0 and target.mean() >= 0.0


def test_knockout_coercion_lowers_alignment_when_no_partner_can_compensate():
    """Partners without capacity can neither absorb the sanctioned trade (S2, S10) nor
    counter-offer (S5): the same coercion now lowers alignment."""
    bloc, target = coercion_effect(NO_PATRON)
    assert_paired_greater(-bloc, np.zeros_like(bloc), minimum=0.015)
    assert_paired_greater(-target, np.zeros_like(target), minimum=0.05)


# 5. and 6. A deal works less the more the target's partners support it.

PYONGYANG_SUPPORT = (
    {"scenario.tie_scale.CHN_PRK": 0.6, "scenario.tie_scale.RUS_PRK": 0.6},
    {"scenario.tie_scale.CHN_PRK": 1.5, "scenario.tie_scale.RUS_PRK": 1.5},
)
MOSCOW_SUPPORT = (
    {"scenario.tie_scale.CHN_RUS": 0.6, "scenario.tie_scale.RUS_CHN": 0.6},
    {"scenario.tie_scale.CHN_RUS": 1.5, "scenario.tie_scale.RUS_CHN": 1.5},
)


def deal_effect(strategy, member: str, overrides: dict, **model) -> np.ndarray:
    """Paired fall of the member's alignment caused by the strategy, per replicate."""
    column = f"alignment_{member}"
    base = final(simulate("status_quo", replicates=R, overrides=overrides, **model), column)
    dealt = final(simulate(strategy, replicates=R, overrides=overrides, **model), column)
    return base - dealt


def asking_no_cuts(name: str):
    """The named strategy with deals that name no ties to cut."""
    strategy = load_strategy(name)
    for lever in strategy.levers:
        lever.cut = []
    return strategy


def test_pyongyang_deal_works_less_the_more_russia_and_china_support_north_korea():
    weak, strong = PYONGYANG_SUPPORT
    assert_paired_greater(
        deal_effect("pyongyang_deal", "PRK", weak), deal_effect("pyongyang_deal", "PRK", strong), minimum=0.02
    )


def test_knockout_without_counter_offers_or_a_price_support_no_longer_limits_the_pyongyang_deal():
    """Support limits the deal through the ties the deal asks North Korea to cut (its price)
    and through its patrons' counter-offers; with neither, stronger ties change nothing."""
    weak, strong = PYONGYANG_SUPPORT
    strategy = asking_no_cuts("pyongyang_deal")
    difference = deal_effect(strategy, "PRK", weak, patron_compensation=0.0) - deal_effect(
        strategy, "PRK", strong, patron_compensation=0.0
    )
    assert_gone(difference, minimum=0.02)


def test_moscow_deal_works_less_the_stronger_the_russia_china_partnership():
    weak, strong = MOSCOW_SUPPORT
    assert_paired_greater(
        deal_effect("moscow_deal", "RUS", weak), deal_effect("moscow_deal", "RUS", strong), minimum=0.05
    )


def test_knockout_without_counter_offers_or_a_price_the_partnership_no_longer_limits_the_moscow_deal():
    weak, strong = MOSCOW_SUPPORT
    strategy = asking_no_cuts("moscow_deal")
    difference = deal_effect(strategy, "RUS", weak, patron_compensation=0.0) - deal_effect(
        strategy, "RUS", strong, patron_compensation=0.0
    )
    assert_gone(difference, minimum=0.05)


# 7. Stronger US alliances make the same wedge more effective.

ALLIANCES = ({"scenario.us.alliance_strength": 0.2}, {"scenario.us.alliance_strength": 0.8})


def test_stronger_alliances_make_the_same_wedge_more_effective():
    weak, strong = ALLIANCES
    assert_paired_greater(
        deal_effect("pyongyang_deal", "PRK", strong), deal_effect("pyongyang_deal", "PRK", weak), minimum=0.02
    )


def test_knockout_alliances_that_multiply_nothing_change_nothing():
    """With kappa_A = 0 alliance strength reaches no lever (relief, sanctions, secondary
    sanctions, entrapment): the same wedge works exactly alike."""
    weak, strong = ALLIANCES
    np.testing.assert_array_equal(
        deal_effect("pyongyang_deal", "PRK", strong, alliance_multiplier=0.0),
        deal_effect("pyongyang_deal", "PRK", weak, alliance_multiplier=0.0),
    )


# 8. A patron abandoning a client lowers the client's trust in that patron.


def abandonment_run(magnitude: float, horizon: int = 24, **model) -> pd.DataFrame:
    config = run_config("status_quo", replicates=R, horizon=horizon, **model)
    config.scenario.events = [
        EventConfig(date="2025-04", kind="abandonment", actors=["RUS", "IRN"], magnitude=magnitude)
    ]
    return pd.DataFrame(BlocModel(config).run().recorder.timeseries())


def trust_at(series: pd.DataFrame, step: int) -> np.ndarray:
    return series.query("step == @step")["trust_IRN_RUS"].to_numpy()


def test_a_patron_abandoning_a_client_lowers_the_clients_trust_in_it():
    """The event records the abandonment; the client's trust target falls by rho x 0.3 = 0.15
    and trust follows at the trust rate (0.05 a month): 0.0075 the first month, about 0.1
    after 20 months, and the loss lasts as long as the record."""
    abandoned = abandonment_run(0.3)
    idle = abandonment_run(0.0)
    assert_paired_greater(trust_at(abandoned, 3), trust_at(abandoned, 4), minimum=0.005)
    assert_paired_greater(trust_at(idle, 24), trust_at(abandoned, 24), minimum=0.08)


def test_knockout_an_abandonment_of_no_size_changes_no_trust():
    np.testing.assert_array_equal(abandonment_run(0.0).to_numpy(), simulate_idle_series(24).to_numpy())


def test_knockout_without_the_rule_that_reads_the_record_no_trust_is_lost():
    """With rho = 0 the record of the abandonment moves no trust target."""
    abandoned = abandonment_run(0.3, abandonment_persistence=0.0)
    idle = abandonment_run(0.0, abandonment_persistence=0.0)
    assert_gone(trust_at(idle, 24) - trust_at(abandoned, 24), minimum=0.08)


def simulate_idle_series(horizon: int) -> pd.DataFrame:
    config = run_config("status_quo", replicates=R, horizon=horizon)
    return pd.DataFrame(BlocModel(config).run().recorder.timeseries())


# 9. Zero US budget means no US action has any effect.

ACTING = [name for name in available_strategies() if name != "status_quo"]


def series(strategy: str, **overrides) -> tuple[np.ndarray, list[str]]:
    frame = pd.DataFrame(simulate(strategy, replicates=50, overrides=overrides or None).recorder.timeseries())
    metrics = [c for c in frame.columns if c not in ("replicate", "step", "date")]
    return frame[metrics].to_numpy(), metrics


@pytest.mark.parametrize("strategy", ACTING)
def test_zero_budget_means_no_us_action_has_any_effect(strategy):
    broke = {"scenario.us.budget": 0.0}
    idle, _ = series("status_quo", **broke)
    acting, _ = series(strategy, **broke)
    np.testing.assert_array_equal(acting, idle)


@pytest.mark.parametrize("strategy", ACTING)
def test_knockout_a_funded_strategy_does_change_the_world(strategy):
    idle, _ = series("status_quo")
    funded, _ = series(strategy)
    assert not np.array_equal(funded, idle)


# 10. Swing buyers outside the bloc undercut sanctions on the state whose exports they absorb.


def test_swing_buyers_undercut_sanctions_on_the_state_they_buy_from():
    squeeze = sanctions_on("RUS")
    without = final(
        simulate(squeeze, replicates=R, overrides={"scenario.swing_buyers.RUS": 0.0}), "sanctions_RUS"
    )
    with_swing = final(
        simulate(squeeze, replicates=R, overrides={"scenario.swing_buyers.RUS": 0.6}), "sanctions_RUS"
    )
    assert_paired_greater(without, with_swing, minimum=0.02)
