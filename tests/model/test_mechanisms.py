"""The mechanisms of Revision 2: conditional bargains, budgeted patrons, entrapment, signs left open.

Each mechanism is shown at work and, with ``knockout`` in the test name, switched off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from sim.model.bloc_model import BlocModel
from sim.model.parameters import EventConfig
from tests.helpers import lever_strategy, run_config, simulate
from tests.model.test_behaviours import assert_gone, assert_paired_greater, final

R = 300


def quiet(strategy, replicates: int = 20, horizon: int = 48, **model):
    """A noise-free configuration: no decision noise, no random shocks."""
    config = run_config(strategy, replicates=replicates, horizon=horizon, decision_noise=0.0, **model)
    config.scenario.random_shocks = []
    return config


def timeseries(config) -> pd.DataFrame:
    model = BlocModel(config).run()
    frame = pd.DataFrame(model.recorder.timeseries())
    frame["us_cost"] = np.tile(model.us.cumulative_cost, len(frame) // model.replicates)  # run total
    return frame


def deal_on(target: str, cut=("military",)):
    return lever_strategy("deal", {"kind": "deal", "target": target, "cut": list(cut)})


# Deals as conditional bargains (S3)


def test_a_deal_worth_nothing_changes_no_outcome_exactly():
    """deal_value = 0: nothing is offered, nothing taken up, cut, lifted or paid; every
    recorded number equals the status quo's, without noise and with it."""
    for target in ("PRK", "RUS", "IRN"):
        worthless = quiet(deal_on(target), deal_value=0.0)
        idle = quiet("status_quo", deal_value=0.0)
        pd.testing.assert_frame_equal(timeseries(worthless), timeseries(idle))
    noisy = simulate("pyongyang_deal", replicates=100, deal_value=0.0)
    idle = simulate("status_quo", replicates=100, deal_value=0.0)
    np.testing.assert_array_equal(noisy.us.cumulative_cost, 0.0)
    pd.testing.assert_frame_equal(
        pd.DataFrame(noisy.recorder.timeseries()), pd.DataFrame(idle.recorder.timeseries())
    )


def test_a_deal_whose_price_exceeds_its_value_is_refused_and_changes_nothing():
    """A small package against North Korea's arms trade with Russia: the ties it would
    cut are worth more to it than the credible offer, so it takes nothing up."""
    small = quiet("pyongyang_deal", deal_value=0.2)
    model = BlocModel(small)
    model.step()
    bargain = model.incentives.bargains
    prk = model.states.index("PRK")
    assert bargain.offer[0, prk] > 0 and bargain.price[0, prk] > bargain.offer[0, prk]
    pd.testing.assert_frame_equal(timeseries(small), timeseries(quiet("status_quo", deal_value=0.2)))


def test_a_deal_is_taken_up_as_far_as_its_target_moves_and_cuts_only_then():
    model = BlocModel(quiet("moscow_deal", replicates=1))
    rus = model.states.index("RUS")
    model.step()
    first = model.incentives.bargains
    assert first.net_pull[0, rus] > 0 and first.takeup[0, rus] == 0.0  # nobody has moved yet
    model.run()
    series = pd.DataFrame(model.recorder.timeseries())
    start = model.world.start_alignment[0, rus]
    moved = np.clip((start - series["alignment_RUS"].shift()) / (start - 0.5), 0, 1).fillna(0)
    np.testing.assert_allclose(series["takeup_RUS"], moved, atol=1e-12)


def test_relief_lowers_the_targets_sanctions_as_far_as_it_takes_the_deal_up():
    dealt = simulate("pyongyang_deal", replicates=R)
    idle = simulate("status_quo", replicates=R)
    assert_paired_greater(final(idle, "sanctions_PRK"), final(dealt, "sanctions_PRK"), minimum=0.01)


def test_knockout_a_package_without_relief_leaves_sanctions_alone():
    generous = {"deal_relief": 0.0, "deal_value": 2.0}  # trade and assurance alone outbid the price
    dealt = simulate("pyongyang_deal", replicates=100, **generous)
    idle = simulate("status_quo", replicates=100, **generous)
    np.testing.assert_array_equal(final(dealt, "sanctions_PRK"), final(idle, "sanctions_PRK"))
    assert (final(dealt, "alignment_PRK") != final(idle, "alignment_PRK")).any()  # the rest still pulls


# Patrons that bind at a cost (S5)


def first_month(strategy, months: int = 1, **model):
    """A noise-free model after ``months`` steps (its ``incentives`` are the last month's)."""
    model_ = BlocModel(quiet(strategy, replicates=1, horizon=months + 1, **model))
    for _ in range(months):
        model_.step()
    return model_


SQUEEZES = {
    "IRN": lever_strategy("one", {"kind": "sanctions", "target": "IRN"}),
    "three": lever_strategy(
        "three", *({"kind": "sanctions", "target": code} for code in ("IRN", "PRK", "RUS"))
    ),
}


def paid_by_china_to_iran(strategy, **model) -> float:
    run = first_month(strategy, months=2, sanctions_rate=1.0, **model)  # exposure rises in month 1
    chn, irn = run.states.index("CHN"), run.states.index("IRN")
    return float(run.incentives.binding.paid[0, chn, irn])


def test_a_patron_binding_three_clients_at_once_has_less_for_each():
    tight = {"patron_budget": 0.002}
    alone = paid_by_china_to_iran(SQUEEZES["IRN"], **tight)
    shared = paid_by_china_to_iran(SQUEEZES["three"], **tight)
    assert alone > 0 and shared < 0.8 * alone


def test_knockout_an_ample_budget_binds_each_client_as_if_alone():
    ample = {"patron_budget": 5.0}
    assert paid_by_china_to_iran(SQUEEZES["three"], **ample) == paid_by_china_to_iran(
        SQUEEZES["IRN"], **ample
    )


def test_a_counter_offer_costs_the_patron_what_it_pays():
    run = first_month(SQUEEZES["three"], months=2, sanctions_rate=1.0)
    binding = run.incentives.binding
    gdp = run.calibration.gdp
    np.testing.assert_allclose(binding.spent[0], binding.paid[0].sum(axis=1) / (gdp / 100.0))
    received = np.einsum("cp,pc->c", run.previous.trust[0], binding.paid[0]) / (gdp / 100.0)
    np.testing.assert_allclose(binding.received[0], received)
    assert binding.spent[0].max() > 0


def test_knockout_patrons_unwilling_to_pay_make_no_counter_offer():
    run = first_month(SQUEEZES["three"], months=2, sanctions_rate=1.0, patron_compensation=0.0)
    assert run.incentives.binding.paid.max() == 0.0


# Entrapment (S11), distinct from abandonment (S6)


def war_on_iran(**model) -> BlocModel:
    config = run_config("status_quo", replicates=R, **model)
    config.scenario.events = [EventConfig(date="2025-07", kind="war", actors=["IRN"], magnitude=1.0)]
    return BlocModel(config).run()


def test_a_partners_war_makes_china_fear_entrapment_and_loosen():
    idle = simulate("status_quo", replicates=R)
    assert_paired_greater(final(idle, "alignment_CHN"), final(war_on_iran(), "alignment_CHN"), minimum=0.005)


def test_knockout_without_entrapment_a_partners_war_leaves_china_alone():
    off = {"entrapment_economic": 0.0, "entrapment_military": 0.0}
    idle = simulate("status_quo", replicates=R, **off)
    assert_gone(final(idle, "alignment_CHN") - final(war_on_iran(**off), "alignment_CHN"), minimum=0.005)


def test_a_dealing_partners_allies_tighten_or_hedge_with_the_sign_of_the_abandonment_response():
    russia_deals = deal_on("RUS", cut=("military", "economic"))
    tighten = final(simulate(russia_deals, replicates=R, abandonment_response=0.5), "alignment_CHN")
    hedge = final(simulate(russia_deals, replicates=R, abandonment_response=-0.5), "alignment_CHN")
    assert_paired_greater(tighten, hedge, minimum=0.004)


# Signs left to the data: alliances deter or provoke


def alliance_effect(**model) -> np.ndarray:
    acting = simulate("alliance_first", replicates=R, **model)
    idle = simulate("status_quo", replicates=R, **model)
    return final(acting, "mean_alignment") - final(idle, "mean_alignment")


def test_alliances_provoke_or_deter_with_the_sign_of_threat_from_alliances():
    provoked = alliance_effect(threat_from_alliances=0.5)
    deterred = alliance_effect(threat_from_alliances=-0.5)
    assert_paired_greater(provoked, np.zeros_like(provoked), minimum=0.01)
    assert_paired_greater(np.zeros_like(deterred), deterred, minimum=0.01)


def test_knockout_alliances_that_neither_threaten_nor_multiply_do_nothing():
    np.testing.assert_array_equal(alliance_effect(threat_from_alliances=0.0, alliance_multiplier=0.0), 0.0)


# The primary metric is political


def test_secondary_sanctions_cut_tie_density_without_splitting_the_bloc():
    """Secondary sanctions on China cut trade ties (cohesion falls) while members stay
    aligned: tie density is reported beside the headline outcomes, not as one of them."""
    idle = simulate("status_quo", replicates=R)
    squeezed = simulate("secondary_sanctions", replicates=R)
    assert_paired_greater(final(idle, "cohesion"), final(squeezed, "cohesion"), minimum=0.03)
    assert final(squeezed, "intact").mean() >= 0.9


# The defection condition (ODD, "Defection condition")


def test_a_member_defects_exactly_when_the_net_pull_exceeds_its_loyalty_margin():
    """One noise-free month with full adjustment: a_1 = expit(logit a0 + beta U), so a
    member ends below the threshold a* iff U < -(logit a0 - logit a*) / beta."""
    for size in (0.5, 1.0, 1.5, 2.0, 3.0):
        run = first_month("moscow_deal", alignment_rate=1.0, deal_value=size)
        beta = run.params.rationality
        net = run.incentives.net[0]
        start = run.world.start_alignment[0]
        np.testing.assert_allclose(run.world.alignment[0], expit(logit(start) + beta * net))
        margin = (logit(start) - logit(run.params.aligned_threshold)) / beta
        np.testing.assert_array_equal(run.world.alignment[0] < 0.5, net < -margin)
