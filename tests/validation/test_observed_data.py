"""The hindcast's observed values and criteria are data; those derived from project data stay in step."""

from __future__ import annotations

import pytest

from sim.common.errors import ConfigError
from sim.experiment.configuration import load_scenario
from sim.model.calibration import load_calibration
from sim.model.metrics import measure
from sim.model.parameters import ModelParameters
from sim.model.world import World
from sim.validation import observed as obs


def test_the_observed_cohesion_of_2025_is_what_the_model_measures_on_the_2025_data():
    scenario = load_scenario(obs.REFERENCE_DATA)
    model = ModelParameters()
    world = World.from_calibration(load_calibration(scenario, model), 1, scenario.us.alliance_strength)
    measured = float(measure(world, model)["cohesion"][0])
    assert obs.observed("cohesion_2025_calibration") == pytest.approx(measured, abs=5e-5)


def test_every_observed_value_names_its_source():
    for name in ("china_crude_imports_from_russia_2021", "china_crude_imports_from_russia_2024"):
        assert obs.observed(name) > 0
        assert len(obs.source(name)) > 10


def test_an_unknown_observed_value_is_refused_naming_the_choices():
    with pytest.raises(ConfigError, match=r"no row .nope.*cohesion_2025_calibration"):
        obs.observed("nope")


def test_criteria_are_read_from_the_data_file():
    assert 0 < obs.criterion("level_tolerance") < obs.criterion("mutual_defence") < 1
