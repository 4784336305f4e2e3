"""The memory guard plans a job's model arrays for one batch of worlds and its tables for all.

A design chunk runs its worlds in batches (``batch_memory_mb``), so its model arrays do
not grow with its design points; only the tables do. The guard must not refuse, under a
SLURM request of 1 GB, a 512-point chunk at 200 replicates that peaks at about 0.4 GB
(``benchmarks/memory.py --design``), and must still refuse a chunk whose tables alone
cannot fit, with a replicate count that does. What the process already holds (Python and
the libraries) is in the estimate, so it counts as available too. The peak a job logs is
taken once its tables are written, the job's last and, for large chunks, largest step.
"""

from __future__ import annotations

import logging
import re

import pytest

from sim.common.errors import ConfigError
from sim.experiment import memory_limit, preflight
from sim.experiment.jobs import execute_job
from sim.experiment.memory_limit import HEADROOM, job_estimate
from tests.analysis.conftest import compose_config

GB = 2**30
POINTS = 512  # the shipped sensitivity design in one chunk


def sensitivity(replicates: int):
    return compose_config(["experiment=sensitivity", f"replicates={replicates}"])


def test_a_design_chunk_that_fits_in_one_gigabyte_is_not_refused(monkeypatch):
    monkeypatch.setattr(preflight, "available_memory", lambda: 1.0 * GB)
    config = sensitivity(200)
    preflight.check_memory(config, configurations=POINTS)
    planned = job_estimate(config, POINTS)
    assert planned.batch_worlds < planned.worlds  # the model runs in several batches
    assert planned.total < 0.8 * GB
    unbatched = planned.model_per_world * planned.worlds
    assert unbatched > 4 * GB  # what counting every world in one model would have planned


def test_a_chunk_whose_tables_cannot_fit_is_refused_with_replicates_that_fit(monkeypatch):
    monkeypatch.setattr(preflight, "available_memory", lambda: 1.0 * GB)
    config = sensitivity(2_000)
    with pytest.raises(ConfigError, match="this job needs about") as refusal:
        preflight.check_memory(config, configurations=POINTS)
    fit = int(re.search(r"replicates=(\d+)", str(refusal.value)).group(1))
    assert 0 < fit < 2_000
    assert job_estimate(sensitivity(fit), POINTS).total <= HEADROOM * GB


def test_what_the_process_holds_counts_as_available_under_a_cgroup_limit(monkeypatch):
    monkeypatch.setattr(memory_limit, "_meminfo_available", lambda: 8.0 * GB)
    monkeypatch.setattr(memory_limit, "_cgroup_spare", lambda: 0.5 * GB)  # a 1 GB request, half used
    monkeypatch.setattr(memory_limit, "_resident_size", lambda: 0.25 * GB)
    unlimited = (memory_limit.resource.RLIM_INFINITY,) * 2
    monkeypatch.setattr(memory_limit.resource, "getrlimit", lambda _: unlimited)  # no ulimit -v
    assert memory_limit.available_memory() == pytest.approx(0.75 * GB)


def test_the_logged_peak_is_taken_once_the_tables_are_written(tmp_path, caplog):
    written_when_logged = []

    class Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("peak memory"):
                written_when_logged.append((tmp_path / "summary.parquet").is_file())

    config = compose_config(["experiment.strategies=[status_quo]", "replicates=4", "horizon=6"])
    watch = Watch()
    logging.getLogger("sim").addHandler(watch)
    try:
        with caplog.at_level(logging.INFO, logger="sim"):
            assert execute_job(config, tmp_path, tmp_path).status == "done"
    finally:
        logging.getLogger("sim").removeHandler(watch)
    assert written_when_logged == [True]
