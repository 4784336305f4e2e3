"""Events and random shocks act on the replicates and states they name, and only those."""

from __future__ import annotations

import numpy as np

from sim.model.bloc_model import BlocModel
from sim.model.parameters import EventConfig, RandomShockConfig
from tests.helpers import run_config


def model_with(events=(), shocks=(), replicates=50, horizon=6) -> BlocModel:
    config = run_config(replicates=replicates, horizon=horizon)
    config.scenario.events = list(events)
    config.scenario.random_shocks = list(shocks)
    return BlocModel(config).run()


def test_an_oil_price_event_on_named_sellers_scales_only_their_oil_share():
    base = model_with()
    shocked = model_with(
        [EventConfig(date="2025-02", kind="oil_price", actors=["RUS", "IRN"], magnitude=0.5)]
    )
    rus, irn, chn = (base.states.index(code) for code in ("RUS", "IRN", "CHN"))
    np.testing.assert_allclose(shocked.world.oil[:, [rus, irn]], 0.5 * base.world.oil[:, [rus, irn]])
    np.testing.assert_array_equal(shocked.world.oil[:, chn], base.world.oil[:, chn])


def test_a_random_oil_shock_on_named_actors_strikes_some_replicates_only():
    shock = RandomShockConfig(kind="oil_price", rate=0.2, magnitude=0.5, actors=["RUS"])
    model = model_with(shocks=[shock], replicates=200)
    rus = model.states.index("RUS")
    struck = model.world.oil[:, rus] < model.calibration.oil[rus]
    assert 0 < struck.sum() < 200


def test_a_war_event_raises_military_flows_to_the_state_at_war():
    base = model_with(horizon=24)
    war = model_with([EventConfig(date="2025-03", kind="war", actors=["CHN"], magnitude=1.0)], horizon=24)
    military = 1  # layer index of "military"
    chn, prk = base.states.index("CHN"), base.states.index("PRK")
    assert (war.world.ties[:, military, prk, chn] > base.world.ties[:, military, prk, chn]).all()


def test_a_treaty_event_sets_the_treaty_layer_both_ways():
    model = model_with([EventConfig(date="2025-02", kind="treaty", actors=["IRN", "PRK"], magnitude=0.8)])
    irn, prk = model.states.index("IRN"), model.states.index("PRK")
    treaty = 4
    assert np.allclose(model.world.baseline_ties[:, treaty, irn, prk], 0.8)
    assert np.allclose(model.world.baseline_ties[:, treaty, prk, irn], 0.8)
