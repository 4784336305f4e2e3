"""Seeding: a replicate's trajectory depends only on (root seed, scenario, replicate index)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.model.bloc_model import BlocModel
from sim.model.seeding import draw_per_replicate, replicate_generator
from tests.helpers import run_config, simulate

METRICS_EXCLUDED = ["replicate", "step", "date"]


def trajectories(model) -> np.ndarray:
    """(R, steps, metrics) array of a run's time series, in replicate order."""
    frame = pd.DataFrame(model.recorder.timeseries()).sort_values(["replicate", "step"])
    values = frame.drop(columns=METRICS_EXCLUDED).to_numpy()
    return values.reshape(model.replicates, -1, values.shape[1])


def test_a_replicate_is_identical_alone_in_a_batch_of_1000_and_in_another_batch():
    replicate = 617
    alone = trajectories(simulate("sequenced", replicates=1, first_replicate=replicate))[0]
    in_thousand = trajectories(simulate("sequenced", replicates=1000))[replicate]
    in_other = trajectories(simulate("sequenced", replicates=37, first_replicate=600))[replicate - 600]
    np.testing.assert_array_equal(alone, in_thousand)
    np.testing.assert_array_equal(alone, in_other)


def test_the_same_seed_gives_the_same_results_bit_for_bit():
    first = simulate("adaptive", replicates=300, seed=7).recorder
    second = simulate("adaptive", replicates=300, seed=7).recorder
    assert pd.DataFrame(first.timeseries()).equals(pd.DataFrame(second.timeseries()))
    assert pd.DataFrame(first.summary()).equals(pd.DataFrame(second.summary()))


def test_different_seeds_give_different_results():
    first = trajectories(simulate("pyongyang_deal", replicates=50, seed=1))
    second = trajectories(simulate("pyongyang_deal", replicates=50, seed=2))
    assert not np.array_equal(first, second)


def test_replicates_differ_from_each_other():
    runs = trajectories(simulate("status_quo", replicates=20))
    assert len({runs[r].tobytes() for r in range(20)}) == 20


def test_random_shocks_are_common_to_all_strategies():
    """Replicate r meets the same exogenous shock under every strategy (paired comparisons)."""
    overrides = {"scenario.random_shocks.0.rate": 0.2}
    idle = pd.DataFrame(simulate("status_quo", replicates=100, overrides=overrides).recorder.timeseries())
    squeezed = pd.DataFrame(
        simulate("beijing_trade_squeeze", replicates=100, overrides=overrides).recorder.timeseries()
    )
    # the abandonment shock moves trust in the same months of the same replicates
    column_sets = [c for c in idle.columns if c.startswith("trust_")]
    jumps_idle = idle.groupby("replicate")[column_sets].diff().lt(-0.15).to_numpy()
    jumps_squeezed = squeezed.groupby("replicate")[column_sets].diff().lt(-0.15).to_numpy()
    assert jumps_idle.sum() > 0
    np.testing.assert_array_equal(jumps_idle, jumps_squeezed)


def test_a_longer_horizon_extends_and_never_changes_a_replicates_path():
    shocks = {"scenario.random_shocks.0.rate": 0.2, "scenario.random_shocks.1.rate": 0.2}
    short = trajectories(simulate("sequenced", replicates=40, horizon=12, overrides=shocks))
    long = trajectories(simulate("sequenced", replicates=40, horizon=30, overrides=shocks))
    np.testing.assert_array_equal(short, long[:, :13])


def test_per_configuration_streams_are_also_batch_invariant():
    def run(replicates: int, first: int):
        config = run_config("pyongyang_deal", replicates=replicates, horizon=12)
        config.scenario.crn = "configuration"
        return trajectories(BlocModel(config, first_replicate=first).run())

    np.testing.assert_array_equal(run(1, 3)[0], run(10, 0)[3])
    assert not np.array_equal(run(10, 0), trajectories(simulate("pyongyang_deal", replicates=10, horizon=12)))


def test_an_unknown_crn_mode_is_refused():
    config = run_config(replicates=2, horizon=2)
    config.scenario.crn = "strategy"
    with pytest.raises(ConfigError, match=r"scenario.crn: unknown mode 'strategy'.*configuration"):
        BlocModel(config)


@pytest.mark.parametrize("kind", ["normal", "uniform"])
def test_vectorised_seeding_gives_numpys_own_streams_number_for_number(kind):
    """The streams set up for all replicates at once are those of SeedSequence and PCG64."""
    replicates = [0, 1, 617, 2**32 - 1, 2**32, 2**40 + 3, 2**62]
    for root in (0, 20250101, 2**63 - 1):
        drawn = draw_per_replicate(root, "scenario:baseline_2025", replicates, "shock_pair", (6, 3), kind)
        for row, replicate in enumerate(replicates):
            own = replicate_generator(root, "scenario:baseline_2025", replicate, "shock_pair")
            expected = own.standard_normal((6, 3)) if kind == "normal" else own.random((6, 3))
            np.testing.assert_array_equal(drawn[row], expected)
