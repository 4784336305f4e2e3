"""A new bloc member is a data row: no code change is needed to add one."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.model.bloc_model import BlocModel
from sim.model.calibration import STATE_ATTRIBUTES, data_directory
from tests.helpers import run_config

BELARUS = {
    "sanctions_designations": 1500,
    "embargo_floor": 0.3,
    "oil": 0.05,
    "threat": 0.6,
    "war": 0.0,
    "alignment": 0.8,
    "capacity": 0.1,
    "arms_supply": 0.2,
    "gdp": 72.0,
    "military_burden": 1.3,
    "war_burden": 0.0,
    "western_exports": 2.0,
}


@pytest.fixture
def data_with_belarus(tmp_path):
    folder = tmp_path / "with_blr"
    shutil.copytree(data_directory("baseline_2025"), folder)
    states = pd.read_csv(folder / "states.csv")
    rows = [
        {"state": "BLR", "attribute": k, "value": v, "basis": "test", "source": "test"}
        for k, v in BELARUS.items()
    ]
    pd.concat([states, pd.DataFrame(rows)]).to_csv(folder / "states.csv", index=False)
    ties = pd.read_csv(folder / "ties.csv")
    extra = pd.DataFrame(
        [
            {
                "layer": "military",
                "source": "BLR",
                "target": "RUS",
                "weight": 0.4,
                "basis": "test",
                "source_ref": "test",
            },
            {
                "layer": "treaty",
                "source": "BLR",
                "target": "RUS",
                "weight": 1.0,
                "basis": "test",
                "source_ref": "test",
            },
            {
                "layer": "treaty",
                "source": "RUS",
                "target": "BLR",
                "weight": 1.0,
                "basis": "test",
                "source_ref": "test",
            },
        ]
    )
    pd.concat([ties, extra]).to_csv(folder / "ties.csv", index=False)
    return folder


def test_a_state_added_as_data_rows_takes_part_in_the_model(data_with_belarus):
    config = run_config("pyongyang_deal", replicates=20, horizon=12)
    config.scenario.data = str(data_with_belarus)
    config.scenario.states = ["CHN", "RUS", "IRN", "PRK", "BLR"]
    model = BlocModel(config).run()
    summary = pd.DataFrame(model.recorder.summary())
    assert "alignment_BLR" in summary.columns
    assert model.world.ties.shape[-1] == 5
    assert summary["aligned"].max() <= 5


def test_a_state_missing_attribute_rows_is_named(data_with_belarus):
    states = pd.read_csv(data_with_belarus / "states.csv")
    states = states[~((states["state"] == "BLR") & (states["attribute"] == "threat"))]
    states.to_csv(data_with_belarus / "states.csv", index=False)
    config = run_config(replicates=2, horizon=2)
    config.scenario.data = str(data_with_belarus)
    config.scenario.states = ["CHN", "RUS", "BLR"]
    with pytest.raises(ConfigError, match=r"lacks rows \['BLR.threat'\]"):
        BlocModel(config)
    assert "threat" in STATE_ATTRIBUTES
