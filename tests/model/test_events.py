"""Events and random shocks act on the replicates and states they name, and only those."""

from __future__ import annotations

import numpy as np
import pytest

from sim.common.vocabulary import LAYERS
from sim.experiment.configuration import available, load_scenario
from sim.model.bloc_model import BlocModel
from sim.model.events import Event, apply_event
from sim.model.parameters import EventConfig, RandomShockConfig
from tests.helpers import run_config

OUTPUTS = ("ties", "baseline_ties", "trust", "baseline_trust", "alignment", "start_alignment")


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


def test_a_treaty_event_puts_the_treaty_in_force_and_the_treaty_tie_follows_it():
    base = model_with(horizon=24)
    signed = model_with(
        [EventConfig(date="2025-02", kind="treaty", actors=["IRN", "PRK"], magnitude=0.8)], horizon=24
    )
    irn, prk = signed.states.index("IRN"), signed.states.index("PRK")
    treaty = LAYERS.index("treaty")
    assert np.allclose(signed.world.treaties[:, irn, prk], 0.8)
    assert np.allclose(signed.world.treaties[:, prk, irn], 0.8)
    rise = signed.world.ties[:, treaty, irn, prk] - base.world.ties[:, treaty, irn, prk]
    # the tie moves toward the commitment at the tie rate: after 23 months most of the gap
    assert (rise > 0.3).all()


SCENARIOS = available("scenario")


def written_outputs(
    model: BlocModel, kind: str, actors: tuple[int, ...], magnitude: float, apply=apply_event
):
    """Names of the output arrays (ties, trust, alignment) that applying one event changes."""
    world = model.world.copy()
    world.baseline_ties = world.baseline_ties.copy()
    world.baseline_trust = world.baseline_trust.copy()
    before = {name: getattr(world, name).copy() for name in OUTPUTS}
    apply(world, Event(0, kind, actors, magnitude, "check"), slice(None), model.params)
    return [name for name, array in before.items() if not np.array_equal(getattr(world, name), array)]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_event_of_any_scenario_writes_a_tie_trust_or_alignment(scenario):
    """Inputs and outputs apart: each scheduled event and random shock of the scenario is
    applied to a world run for some months; no tie, trust or alignment array changes."""
    spec = load_scenario(scenario)
    config = run_config(replicates=8, horizon=6)
    config.scenario = spec
    model = BlocModel(config).run()
    for event in [*spec.events, *spec.random_shocks]:
        actors = tuple(model.states.index(code) for code in event.actors)
        if str(event.kind) == "abandonment" and not actors:
            actors = (0, 1)  # a random shock strikes some pair
        written = written_outputs(model, str(event.kind), actors, float(event.magnitude))
        assert not written, f"{scenario}: {event.kind} {list(event.actors)} writes {written}"


def test_the_output_check_catches_an_event_that_writes_trust():
    """The check above can fail: abandonment applied the old way (straight into trust) is caught."""
    model = model_with(replicates=4, horizon=2)

    def old_abandonment(world, event, mask, params):
        apply_event(world, event, mask, params)
        patron, client = event.actors
        world.trust[mask, client, patron] -= event.magnitude

    assert written_outputs(model, "abandonment", (1, 2), 0.3, apply=old_abandonment) == ["trust"]
    assert written_outputs(model, "abandonment", (1, 2), 0.3) == []


def test_abandonment_lowers_the_clients_trust_through_its_own_rule_only():
    base = model_with(horizon=12)
    abandoned = model_with(
        [EventConfig(date="2025-02", kind="abandonment", actors=["RUS", "IRN"], magnitude=0.3)], horizon=12
    )
    irn, rus = base.states.index("IRN"), base.states.index("RUS")
    assert np.allclose(abandoned.world.abandonment[:, irn, rus], 0.3)
    assert (abandoned.world.trust[:, irn, rus] < base.world.trust[:, irn, rus] - 0.02).all()
    config = run_config(replicates=50, horizon=12)
    config.model.abandonment_persistence = 0.0  # knock-out: the rule that reads the record
    config.scenario.events = [
        EventConfig(date="2025-02", kind="abandonment", actors=["RUS", "IRN"], magnitude=0.3)
    ]
    config.scenario.random_shocks = []
    knocked = BlocModel(config).run()
    np.testing.assert_allclose(knocked.world.trust[:, irn, rus], base.world.trust[:, irn, rus])
