"""The memory guard: how much memory a job may use, and whether its tables fit before it starts.

:mod:`sim.experiment.memory` sizes the model's batches of worlds; this module bounds the
whole job (every table it holds until it writes them) against the memory the machine,
its cgroup and ``ulimit -v`` leave.

A job holds every table of its configurations in memory until it writes them, so that
part of its peak grows with replicates x configurations x recorded months; the model's
own arrays are held for one batch of worlds at a time (``batch_memory_mb``), so that part
stops growing once a job has more worlds than a batch. The estimate below is a fit to
measured peaks (``benchmarks/memory.py`` prints them next to the estimate) and errs on
the high side. A job that would not fit is refused before it starts, with the estimate
and the overrides that make it fit, instead of dying later with a traceback.
"""

from __future__ import annotations

import math
import os
import resource
from dataclasses import dataclass
from pathlib import Path

from sim.common.vocabulary import BLOC_METRICS, LAYERS, STATE_METRICS
from sim.experiment.configuration import Config
from sim.model.footprint import world_bytes

BASE_BYTES = 300 * 2**20
"""Python with the model, pandas, pyarrow and Hydra imported."""
MODEL_BYTES_PER_VALUE = 14
"""Per recorded month and state value while the model runs (records, noise, working copies)."""
TIMESERIES_BYTES_PER_CELL = 30  # 27 measured per cell at 16,000-32,000 worlds; the rest is margin
TIES_BYTES_PER_CELL = 48
SUMMARY_BYTES_PER_REPLICATE = 2000
HEADROOM = 0.8
"""Share of the available memory a job may plan to use."""


@dataclass(frozen=True)
class MemoryEstimate:
    """The planned peak of a job: the model's part per world in a batch, the tables' per world."""

    model_per_world: float
    tables_per_world: float
    configurations: int
    replicates: int
    batch_worlds: int | None = None
    """Worlds in one model at most (None: every world of the job in one model)."""

    @property
    def worlds(self) -> int:
        return self.configurations * self.replicates

    @property
    def total(self) -> float:
        in_model = self.worlds if self.batch_worlds is None else min(self.worlds, self.batch_worlds)
        return BASE_BYTES + self.model_per_world * in_model + self.tables_per_world * self.worlds

    def replicates_that_fit(self, available: float) -> int:
        """The most replicates per job that fit in ``available`` bytes with headroom."""
        spare = HEADROOM * available - BASE_BYTES
        per_world = self.tables_per_world
        if self.batch_worlds is None:
            per_world += self.model_per_world
        else:
            spare -= self.model_per_world * self.batch_worlds
        return max(0, int(spare // (per_world * self.configurations)))


def estimate(
    replicates: int,
    horizon: int,
    n_states: int,
    configurations: int,
    record_timeseries: bool,
    record_ties: bool,
    ties_every: int,
    random_shocks: int = 0,
    batch_worlds: int | None = None,
) -> MemoryEstimate:
    """The planned peak memory of a job (bytes), from the sizes that drive it."""
    months = horizon + 1
    state_values = len(BLOC_METRICS) + len(STATE_METRICS) * n_states + n_states**2
    model = MODEL_BYTES_PER_VALUE * (months * state_values + horizon * (n_states + 2 * random_shocks))
    tables = SUMMARY_BYTES_PER_REPLICATE
    if record_timeseries:
        columns = 3 + len(BLOC_METRICS) + len(STATE_METRICS) * n_states + n_states * (n_states - 1)
        tables += TIMESERIES_BYTES_PER_CELL * months * columns
    if record_ties:
        tie_months = math.ceil(horizon / ties_every) + 1
        tables += TIES_BYTES_PER_CELL * 7 * tie_months * len(LAYERS) * n_states * (n_states - 1)
    return MemoryEstimate(model, tables, configurations, replicates, batch_worlds)


def job_estimate(config: Config, configurations: int) -> MemoryEstimate:
    """The planned peak of a job of ``configurations`` (design points x strategies) under ``config``,
    its model run in batches of worlds as :func:`sim.experiment.memory.plan_memory` sizes them."""
    return estimate(
        replicates=config.replicates,
        horizon=config.horizon,
        n_states=len(config.scenario.states),
        configurations=configurations,
        record_timeseries=config.record_timeseries,
        record_ties=config.record_ties,
        ties_every=config.ties_every,
        random_shocks=len(config.scenario.random_shocks),
        batch_worlds=max(1, config.batch_memory_mb * 2**20 // world_bytes(config)),
    )


def available_memory() -> float:
    """Bytes this job may use in all: the least of free memory, a cgroup's limit (a SLURM
    request) and ``ulimit -v``, each with what this process already holds, which the
    estimate counts too (``BASE_BYTES``)."""
    held = _resident_size()
    limits = [_meminfo_available() + held]
    spare = _cgroup_spare()
    if spare is not None:
        limits.append(spare + held)
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft - _virtual_size() + held)
    return min(limits)


def _meminfo_available() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024
    except OSError:
        pass
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def _cgroup_spare() -> float | None:
    """Limit minus use of this process's cgroup (v2, else v1), if it has a limit."""
    for limit_file, usage_file in (
        ("memory.max", "memory.current"),
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes"),
    ):
        try:
            limit = Path("/sys/fs/cgroup", limit_file).read_text().strip()
            usage = Path("/sys/fs/cgroup", usage_file).read_text().strip()
        except OSError:
            continue
        if limit.isdigit() and int(limit) < 2**60:
            return float(int(limit) - int(usage))
    return None


def _status_kib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return float(line.split()[1]) * 1024
    return 0.0


def _virtual_size() -> float:
    return _status_kib("VmSize")


def _resident_size() -> float:
    return _status_kib("VmRSS")


def gigabytes(size: float) -> str:
    return f"{size / 2**30:.1f} GB"
