"""The model behind the browser page (app.py): its controls, its paired status quo, its figures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import app
import app_figures
from sim.model import BlocModel

NEUTRAL = {"deal": 1.0, "pressure": 1.0, "alliance": 1.0}
NO_SHIFT = {"deal": 0, "pressure": 0, "alliance": 0}


def levers(strategy) -> list[tuple[str, float, int]]:
    return [(lever.kind, lever.intensity, lever.start) for lever in strategy.levers]


def test_neutral_controls_leave_the_strategy_file_as_it_is() -> None:
    assert app.adjusted_strategy("sequenced", NEUTRAL, NO_SHIFT) == app.load_strategy("sequenced")


def test_lever_groups_are_scaled_capped_and_shifted() -> None:
    shifted = app.adjusted_strategy(
        "sequenced", {**NEUTRAL, "deal": 0.5}, {**NO_SHIFT, "deal": -10, "alliance": 3}
    )
    assert levers(shifted) == [
        ("alliances", 1.0, 3),
        ("deal", 0.5, 0),  # month 6 - 10 stays at month 0
        ("ceasefire", 0.5, 8),
        ("deal", 0.5, 8),
    ]
    doubled = app.adjusted_strategy("tehran_max_pressure", {**NEUTRAL, "pressure": 2.0}, NO_SHIFT)
    assert levers(doubled) == [("sanctions", 1.0, 0), ("secondary_sanctions", 1.0, 0)]


def test_status_quo_runs_on_the_same_worlds_and_the_strategy_acts() -> None:
    model = app.Explorer(strategy="moscow_deal", worlds=60, seed=7)
    alone = BlocModel(dataclasses.replace(model.config, strategy=app.load_strategy("status_quo")))
    for _ in range(12):
        model.step()
        alone.step()
    assert model.reference.config.strategy.name == "status_quo"
    np.testing.assert_array_equal(model.reference.world.alignment, alone.world.alignment)
    np.testing.assert_array_equal(model.noise, model.reference.noise)
    russia = model.states.index("RUS")
    gap = model.reference.world.alignment[:, russia].mean() - model.world.alignment[:, russia].mean()
    assert gap >= 0.05, gap
    assert len(model.cost) == 13 and model.cost[-1].mean() > model.cost[0].mean()


def test_a_bad_seed_is_refused_and_nothing_runs() -> None:
    model = app.Explorer(seed="12x")
    assert "seed" in model.refused and "'12x'" in model.refused and ">= 0" in model.refused
    assert not model.running
    model.step()
    assert model.month == 0 and model.reference.month == 0


@pytest.mark.parametrize("name", list(app_figures.VIEWS))
def test_each_figure_is_built_once_and_follows_the_months(name: str) -> None:
    model = app.Explorer(strategy="moscow_deal", worlds=20)
    first = app_figures.view(model, name)

    def image() -> bytes:
        """The PNG the page shows."""
        return first.draw(model, app_figures.ALL_LAYERS) if name == "network" else first.draw(model)

    before = image()
    for _ in range(6):
        model.step()
    assert app_figures.view(model, name) is first
    assert image() != before, "the figure did not change after six months"
    assert app_figures.view(app.Explorer(worlds=20), name) is not first
