"""The memory guard: how much memory a job may use, and whether its tables fit before it starts.

:mod:`sim.experiment.memory` sizes the model's batches of worlds; this module bounds the
whole job (every table it holds until it writes them) against the memory the machine,
its cgroup and ``ulimit -v`` leave.

A job holds every table of its configurations in memory until it writes them, so its
peak grows with replicates x configurations x recorded months. The estimate below is a
fit to measured peaks (``benchmarks/memory.py`` prints them next to the estimate) and
errs on the high side. A job that would not fit is refused before it starts, with the
estimate and the overrides that make it fit, instead of dying later with a traceback.
"""

from __future__ import annotations

import math
import os
import resource
from dataclasses import dataclass
from pathlib import Path

from sim.common.vocabulary import BLOC_METRICS, LAYERS, STATE_METRICS

BASE_BYTES = 300 * 2**20
"""Python with the model, pandas, pyarrow and Hydra imported."""
MODEL_BYTES_PER_VALUE = 14
"""Per recorded month and state value while the model runs (records, noise, working copies)."""
TIMESERIES_BYTES_PER_CELL = 27
TIES_BYTES_PER_CELL = 48
SUMMARY_BYTES_PER_REPLICATE = 2000
HEADROOM = 0.8
"""Share of the available memory a job may plan to use."""


@dataclass(frozen=True)
class MemoryEstimate:
    """The planned peak of a job and its part per replicate and configuration."""

    per_replicate: float
    configurations: int
    replicates: int

    @property
    def total(self) -> float:
        return BASE_BYTES + self.per_replicate * self.configurations * self.replicates

    def replicates_that_fit(self, available: float) -> int:
        """The most replicates per job that fit in ``available`` bytes with headroom."""
        spare = HEADROOM * available - BASE_BYTES
        return max(0, int(spare // (self.per_replicate * self.configurations)))


def estimate(
    replicates: int,
    horizon: int,
    n_states: int,
    configurations: int,
    record_timeseries: bool,
    record_ties: bool,
    ties_every: int,
    random_shocks: int = 0,
) -> MemoryEstimate:
    """The planned peak memory of a job (bytes), from the sizes that drive it."""
    months = horizon + 1
    state_values = len(BLOC_METRICS) + len(STATE_METRICS) * n_states + n_states**2
    per_replicate = MODEL_BYTES_PER_VALUE * (months * state_values + horizon * (n_states + 2 * random_shocks))
    per_replicate += SUMMARY_BYTES_PER_REPLICATE
    if record_timeseries:
        columns = 3 + len(BLOC_METRICS) + len(STATE_METRICS) * n_states + n_states * (n_states - 1)
        per_replicate += TIMESERIES_BYTES_PER_CELL * months * columns
    if record_ties:
        tie_months = math.ceil(horizon / ties_every) + 1
        per_replicate += TIES_BYTES_PER_CELL * 7 * tie_months * len(LAYERS) * n_states * (n_states - 1)
    return MemoryEstimate(per_replicate, configurations, replicates)


def available_memory() -> float:
    """Bytes this process may still use: the least of free memory, a cgroup limit and ``ulimit -v``."""
    limits = [_meminfo_available()]
    limits.append(_cgroup_spare())
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        limits.append(soft - _virtual_size() + _resident_size())
    return min(limit for limit in limits if limit is not None)


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
