"""A job's chunk runs as batches of worlds and gives the tables of one model per point, bit for bit."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from sim.common.errors import ConfigError
from sim.experiment.designs import design_chunk
from sim.experiment.memory import MB, plan_memory
from sim.experiment.runner import check_design, job_worlds, run_job, run_job_point_by_point
from sim.model.footprint import world_bytes
from tests.helpers import job_config

SMALL = ["replicates=12", "horizon=12", "batch_memory_mb=16"]
# With a 36-month time series a world takes about 22 KB: a 16 MB budget holds 748 worlds,
# so 40 points x 25 replicates run in two batches of whole points, and points of 800
# replicates are each split over two batches.
IN_BATCHES = ["horizon=36", "batch_memory_mb=16", "record_timeseries=true"]
CASES = {
    "grid": ["experiment=phase_diagram", "design.levels=3", "record_timeseries=true", *SMALL],
    "sobol": [
        "experiment=sensitivity",
        "design.samples=4",
        "experiment.strategies=[pyongyang_deal,adaptive]",
        *SMALL,
    ],
    "morris": [
        "experiment=screening",
        "design.samples=2",
        "scenario.crn=configuration",
        "first_replicate=5",
        *SMALL,
    ],
    "lhs-in-batches": [
        "experiment=sensitivity",
        "design=lhs",
        "design.samples=40",
        "replicates=25",
        *IN_BATCHES,
    ],
    "points-split-over-batches": [
        "experiment=phase_diagram",
        "design.levels=2",
        "replicates=800",
        *IN_BATCHES,
    ],
    "lever-settings": [
        "strategy=sequenced",
        "design=grid",
        "design.parameters=[{name: strategy.levers.1.intensity, values: [0.25, 1.0]}, "
        "{name: model.lever_costs.alliances, values: [0.1, 0.5]}]",
        *SMALL,
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_a_design_chunk_in_batches_equals_one_model_per_point_exactly(case):
    config = job_config(*CASES[case])
    batched, one_by_one = run_job(config, progress=False), run_job_point_by_point(config, progress=False)
    assert batched.as_dict().keys() == one_by_one.as_dict().keys()
    for name, table in batched.as_dict().items():
        pd.testing.assert_frame_equal(table, one_by_one.as_dict()[name], check_exact=True)


@pytest.mark.parametrize(("case", "splits"), [("lhs-in-batches", False), ("points-split-over-batches", True)])
def test_the_large_cases_really_run_in_several_batches(case, splits):
    config = job_config(*CASES[case])
    points = len(design_chunk(config.design)[0])
    plan = plan_memory(config, worlds=points * config.replicates, strategies=1)
    batches = list(job_worlds(config, design_chunk(config.design)[0]).batches(plan.batch_worlds))
    assert len(batches) > 1
    assert any(a.point[-1] == b.point[0] for a, b in itertools.pairwise(batches)) == splits


def test_batches_fit_the_memory_budget_and_memory_grows_linearly_with_worlds():
    config = job_config("experiment=sensitivity", "batch_memory_mb=64")
    plan = plan_memory(config, worlds=10**6, strategies=2)
    assert plan.batch_worlds * world_bytes(config) <= 64 * MB < (plan.batch_worlds + 1) * world_bytes(config)
    assert plan.batches == 2 * -(-(10**6) // plan.batch_worlds)
    double = plan_memory(config, worlds=2 * 10**6, strategies=2)
    assert double.tables_bytes == 2 * plan.tables_bytes


def test_lever_settings_are_design_parameters_of_the_strategies_that_have_them():
    config = job_config(*CASES["lever-settings"])
    check_design(config)
    summary = run_job(config, progress=False).summary
    costs = summary.groupby(["strategy.levers.1.intensity", "model.lever_costs.alliances"])["us_cost"].mean()
    assert costs[(1.0, 0.1)] > costs[(0.25, 0.1)] and costs[(1.0, 0.5)] > costs[(1.0, 0.1)]
    overrides = CASES["lever-settings"][1:]
    without_levers = job_config(*overrides, "experiment.strategies=[sequenced,status_quo]")
    with pytest.raises(
        ConfigError, match=r"strategy status_quo\): strategy.levers.1.intensity: not a parameter"
    ):
        check_design(without_levers)
