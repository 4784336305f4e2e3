"""Worlds: one model advances many (parameter point, replicate) worlds, each as it would run alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.experiment.runner import with_point
from sim.model.bloc_model import BlocModel
from sim.model.worlds import Worlds
from tests.helpers import run_config

# Three points over parameters of every kind a world can vary: behavioural constants,
# layer weights, calibration inputs, US capacities, random shocks, lever costs.
POINTS = {
    "model.rationality": [2.0, 5.0, 3.0],
    "model.tie_rate": [0.05, 0.2, 0.1],
    "model.decision_noise": [0.1, 0.6, 0.3],
    "model.aligned_threshold": [0.4, 0.6, 0.5],
    "model.layer_weights.energy": [0.5, 2.0, 1.0],
    "model.abandonment_persistence": [0.2, 0.9, 0.5],
    "model.sanctions_half_saturation": [1000.0, 4000.0, 2000.0],
    "model.lever_costs.deal": [0.2, 0.6, 0.4],
    "scenario.tie_scale.CHN_PRK": [0.5, 1.5, 1.0],
    "scenario.initial.PRK.alignment": [0.6, 0.8, 0.7],
    "scenario.swing_buyers.RUS": [0.1, 0.6, 0.4],
    "scenario.us.budget": [0.5, 2.0, 1.0],
    "scenario.us.deal_credibility.PRK": [0.3, 0.9, 0.6],
    "scenario.us.alliance_strength": [0.2, 0.8, 0.5],
    "scenario.random_shocks.0.rate": [0.1, 0.3, 0.05],
    "scenario.random_shocks.1.magnitude": [0.5, 0.9, 0.8],
}
REPLICATES = [3, 10, 41]


def per_world(model: BlocModel) -> list[pd.DataFrame]:
    """Each world's time series (its rows of the table), in world order."""
    table = pd.DataFrame(model.recorder.timeseries())
    index = model.recorder.world_index("timeseries")
    return [table[index == w].reset_index(drop=True) for w in range(model.replicates)]


def alone(config, point: dict[str, float], replicate: int) -> pd.DataFrame:
    run = with_point(config, point)
    return pd.DataFrame(BlocModel(run, first_replicate=replicate, replicates=1).run().recorder.timeseries())


@pytest.mark.parametrize(("strategy", "crn"), [("sequenced", "scenario"), ("adaptive", "configuration")])
def test_replicate_r_of_point_p_is_the_same_run_alone_and_in_a_batch_of_points(strategy, crn):
    config = run_config(strategy, replicates=1, horizon=24)
    config.scenario.crn = crn
    config = with_point(config, {})
    batch = BlocModel(config, worlds=Worlds.product(POINTS, REPLICATES)).run()
    worlds = per_world(batch)
    for p in range(3):
        point = {path: values[p] for path, values in POINTS.items()}
        for j, replicate in enumerate(REPLICATES):
            pd.testing.assert_frame_equal(worlds[p * len(REPLICATES) + j], alone(config, point, replicate))
    # the points are different worlds: the batch did not run one point three times
    finals = [world["cohesion"].iloc[-1] for world in worlds[:: len(REPLICATES)]]
    assert len(set(finals)) == 3


def test_the_same_worlds_split_into_other_batches_give_the_same_numbers():
    config = run_config("pyongyang_deal", replicates=1, horizon=18)
    worlds = Worlds.product({"model.deal_value": [0.4, 1.2, 2.0]}, range(8))
    whole = pd.DataFrame(BlocModel(config, worlds=worlds).run().recorder.summary())
    parts = [
        pd.DataFrame(BlocModel(config, worlds=batch).run().recorder.summary()) for batch in worlds.batches(5)
    ]
    pd.testing.assert_frame_equal(pd.concat(parts, ignore_index=True), whole)


def test_under_common_random_numbers_a_replicate_meets_the_same_noise_and_shocks_everywhere():
    points = {"model.rationality": [1.0, 8.0], "scenario.random_shocks.0.rate": [0.2, 0.4]}
    worlds = Worlds.product(points, [5, 6, 7])
    models = [
        BlocModel(run_config(strategy, replicates=1, horizon=12), worlds=worlds)
        for strategy in ("status_quo", "moscow_deal")
    ]
    for model in models:
        # worlds 0-2 are replicates 5-7 at the first point, worlds 3-5 the same replicates at the second
        np.testing.assert_array_equal(model.noise[:3], model.noise[3:])
        np.testing.assert_array_equal(model.shocks.occurrence[..., :3], model.shocks.occurrence[..., 3:])
        assert not np.array_equal(model.noise[0], model.noise[1])
    np.testing.assert_array_equal(models[0].noise, models[1].noise)
    np.testing.assert_array_equal(models[0].shocks.pair, models[1].shocks.pair)
    # a shock strikes where its uniform falls below the world's own rate: more often at the second point
    struck = models[0].shocks.occurrence[:, 0, :] < np.repeat([0.2, 0.4], 3)
    assert struck[:, 3:].sum() > struck[:, :3].sum()


def test_per_configuration_streams_differ_between_points():
    config = run_config("status_quo", replicates=1, horizon=6)
    config.scenario.crn = "configuration"
    model = BlocModel(config, worlds=Worlds.product({"model.rationality": [1.0, 8.0]}, [5]))
    assert not np.array_equal(model.noise[0], model.noise[1])


def test_a_value_outside_its_documented_range_is_refused_naming_the_path():
    worlds = Worlds.product({"model.tie_rate": [0.1, 0.9]}, [0])
    with pytest.raises(ConfigError, match=r"model.tie_rate: value 0.9 is out of range.*\[0.01, 0.5\]"):
        BlocModel(run_config(replicates=1, horizon=2), worlds=worlds)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("horizon", "not a parameter of the model"),
        ("strategy.adaptive.review_every", "not a number-valued parameter"),
        ("model.no_such_constant", "not a parameter of the model"),
        ("scenario.uncertainty.draws", "not a parameter of the model"),
    ],
)
def test_paths_that_are_not_world_parameters_are_refused(path, message):
    worlds = Worlds.product({path: [1.0, 2.0]}, [0])
    with pytest.raises(ConfigError, match=message):
        BlocModel(run_config(replicates=1, horizon=2), worlds=worlds)


def test_a_table_of_worlds_and_a_replicate_range_are_not_both_accepted():
    with pytest.raises(ConfigError, match="either a table of worlds or first_replicate"):
        BlocModel(run_config(replicates=1, horizon=2), worlds=Worlds.replicates(0, 3), replicates=3)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (lambda: Worlds([0, 0], [1, 2], {"model.rationality": [1.0]}), "one entry per world"),
        (lambda: Worlds([0], [1], {"model.rationality": [float("nan")]}), "must be finite"),
        (lambda: Worlds([0], [-1]), "non-negative"),
        (lambda: Worlds([], []), "at least one world"),
    ],
)
def test_a_malformed_table_of_worlds_is_refused(table, message):
    with pytest.raises(ConfigError, match=message):
        table()
