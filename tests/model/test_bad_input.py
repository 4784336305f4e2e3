"""Bad input fails early with a message naming the key and what is allowed."""

from __future__ import annotations

import dataclasses

import pytest

from sim.common.errors import ConfigError
from sim.model.bloc_model import BlocModel
from tests.helpers import lever_strategy, run_config


def build(config) -> None:
    BlocModel(config)


def test_unknown_state_names_the_valid_states():
    config = run_config()
    config.scenario.states = ["CHN", "RUS", "XXX"]
    with pytest.raises(ConfigError, match=r"scenario.states: unknown state 'XXX'.*CHN"):
        build(config)


def test_unknown_strategy_names_the_available_ones():
    with pytest.raises(ConfigError, match=r"unknown strategy 'nope'.*pyongyang_deal"):
        run_config("nope")


def test_unknown_lever_names_the_lever_kinds():
    config = run_config(lever_strategy("bad", {"kind": "bribe", "target": "PRK"}))
    with pytest.raises(
        ConfigError, match=r"strategy.levers\[0\].kind: unknown lever 'bribe'.*secondary_sanctions"
    ):
        build(config)


def test_unknown_target_names_the_states():
    config = run_config(lever_strategy("bad", {"kind": "deal", "target": "FRA"}))
    with pytest.raises(ConfigError, match=r"strategy.levers\[0\].target: unknown target 'FRA'.*PRK"):
        build(config)


def test_negative_budget_is_refused_with_its_range():
    config = run_config()
    config.scenario.us.budget = -1.0
    with pytest.raises(ConfigError, match=r"scenario.us.budget: value -1.0 is out of range.*\[0.0, 100.0\]"):
        build(config)


def test_out_of_range_intensity_is_refused():
    config = run_config(lever_strategy("bad", {"kind": "sanctions", "target": "IRN", "intensity": 1.5}))
    with pytest.raises(ConfigError, match=r"strategy.levers\[0\].intensity: value 1.5 is out of range"):
        build(config)


def test_fewer_than_one_replicate_is_refused():
    with pytest.raises(ConfigError, match=r"replicates: value 0 is out of range"):
        build(dataclasses.replace(run_config(), replicates=0))


def test_unknown_condition_metric_is_refused():
    config = run_config(lever_strategy("bad", {"kind": "deal", "target": "PRK", "condition": "mood < 3"}))
    with pytest.raises(ConfigError, match=r"condition: unknown metric 'mood'.*cohesion"):
        build(config)


def test_unknown_tie_scale_pair_is_refused():
    config = run_config()
    config.scenario.tie_scale = {"RUS_XYZ": 2.0}
    with pytest.raises(ConfigError, match=r"scenario.tie_scale.RUS_XYZ: unknown state 'XYZ'"):
        build(config)


def test_event_before_the_start_is_refused():
    from sim.model.parameters import EventConfig

    config = run_config()
    config.scenario.events = [EventConfig(date="2024-12", kind="war", actors=["RUS"])]
    with pytest.raises(ConfigError, match=r"scenario.events\[0\].date: 2024-12 is before the scenario start"):
        build(config)


def test_unknown_model_parameter_in_a_design_is_refused():
    with pytest.raises(ConfigError, match=r"model.not_a_thing.*not a parameter"):
        run_config(overrides={"model.not_a_thing": 1.0})
