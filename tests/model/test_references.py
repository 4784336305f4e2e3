"""The reference ties and strengths a run keeps are those of the treaties in force each month,
the patrons' allocation gives the numbers of a plain sort and running sum, and a batch
computes the counter-offers of only the worlds where the US asks for something."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.model.bloc_model import BlocModel
from sim.model.parameters import EventConfig
from sim.model.patrons import _fund_most_valuable_first, bind_clients
from sim.model.values import ENERGY, MILITARY, rent_rates, symmetric_strength, tie_values
from sim.model.world import reference_ties
from tests.helpers import run_config

TREATY = EventConfig(date="2025-03", kind="treaty", actors=["IRN", "PRK"], magnitude=0.8)
OIL = EventConfig(date="2025-04", kind="oil_price", actors=["RUS"], magnitude=0.5)


@pytest.mark.parametrize("strategy", ["pyongyang_deal", "secondary_sanctions"])
def test_kept_references_follow_a_treaty_event_month_by_month(strategy):
    config = run_config(strategy, replicates=20, horizon=6)
    config.scenario.events = [TREATY]
    config.scenario.random_shocks = []  # the event alone moves what is kept
    model = BlocModel(config)
    stale = 0
    for _ in range(6):
        before = model.kept_references.ties(model.world).copy()
        model.step()
        kept = model.kept_references
        previous = model.previous
        fresh = reference_ties(previous)
        stale += not np.array_equal(before, fresh)  # the month the treaty came into force
        np.testing.assert_array_equal(kept.ties(previous), fresh)
        np.testing.assert_array_equal(kept.strength(previous), symmetric_strength(fresh))
        np.testing.assert_array_equal(
            kept.baseline_strength(previous), symmetric_strength(previous.baseline_ties)
        )
    assert stale == 1  # the event did move the reference: the check above saw a change


def test_kept_reference_values_follow_an_oil_price_event_month_by_month():
    config = run_config("pyongyang_deal", replicates=20, horizon=6)
    config.scenario.events = [OIL]
    config.scenario.random_shocks = []  # the event alone moves what is kept
    model = BlocModel(config)
    layers = (ENERGY, MILITARY)
    changed = 0
    for _ in range(6):
        before = model.kept_references.values(model.world, model.params, layers).copy()
        model.step()
        previous, params = model.previous, model.params
        fresh = tie_values(previous, symmetric_strength(reference_ties(previous)), params)[:, layers]
        changed += not np.array_equal(before, fresh)
        np.testing.assert_array_equal(model.kept_references.values(previous, params, layers), fresh)
        np.testing.assert_array_equal(
            model.kept_references.values(previous, params, (MILITARY,)), fresh[:, 1:]
        )
        np.testing.assert_array_equal(
            model.kept_references.rents(previous, params), rent_rates(previous, params)
        )
    assert changed == 1  # the oil shock did move the value of the reference ties


def test_patrons_fund_clients_in_the_order_and_sums_of_a_plain_sort():
    rng = np.random.default_rng(7)
    worth = rng.random((500, 4, 4))
    worth[:, :, 2] = worth[:, :, 1]  # ties keep the clients' order
    worth[::5] = 0.0
    asked, budget = rng.random((500, 4, 4)), 1.5 * rng.random((500, 4))
    asked[100:300] *= rng.random((200, 4, 4)) < 0.3  # patrons asked by one client or none
    order = np.argsort(-worth, axis=2, kind="stable")
    requests = np.take_along_axis(asked, order, axis=2)
    before = np.cumsum(requests, axis=2) - requests
    expected = np.empty_like(asked)
    np.put_along_axis(expected, order, np.clip(budget[:, :, None] - before, 0.0, requests), axis=2)
    paid = _fund_most_valuable_first(asked, worth, budget)
    assert np.array_equal(paid.view(np.int64), expected.view(np.int64))
    assert (paid < asked).any()  # some budgets run out: the order matters
    asked_by = np.count_nonzero(asked, axis=2)
    assert (asked_by <= 1).any() and (asked_by > 1).any()  # both ways of funding are checked


def test_counter_offers_of_worlds_with_a_need_are_those_of_the_whole_batch():
    model = BlocModel(run_config("pyongyang_deal", replicates=40, horizon=1))
    world, rng = model.world, np.random.default_rng(3)
    need = rng.random((40, 4)) * (rng.random((40, 4)) < 0.5)
    need[::3] = 0.0  # a third of the worlds: nothing on the table
    args = (rng.random((40, 4, 4)), world.trust, world.alignment, world.capacity, world.gdp)
    params = dataclasses.replace(model.params, patron_compensation=np.linspace(0.05, 0.5, 40))
    mixed = bind_clients(need, *args, params)
    assert (mixed.paid[::3] == 0).all() and (mixed.received[::3] == 0).all()
    assert (mixed.paid[1::3] > 0).any()
    everywhere = need.copy()
    everywhere[::3] = 1.0  # every world asks: the whole batch is computed
    full = bind_clients(everywhere, *args, params)
    asking = np.ones(40, dtype=bool)
    asking[::3] = False
    for name in ("paid", "received", "spent"):
        np.testing.assert_array_equal(getattr(mixed, name)[asking], getattr(full, name)[asking])
