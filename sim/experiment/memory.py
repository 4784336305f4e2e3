"""Memory of a job: batches of worlds sized to a budget, an estimate before and the peak after.

A job's worlds (design points x replicates, per strategy) run in batches whose model
arrays fit ``batch_memory_mb``; the tables of the whole job come on top and grow with its
worlds. Both are linear in worlds: the log shows the estimate before the job runs and the
measured peak after it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import math
import resource
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sim.common.vocabulary import BLOC_METRICS, LAYERS, STATE_METRICS
from sim.experiment.configuration import Config
from sim.model.footprint import world_bytes

MB = 2**20
# Bytes per cell of a result table in memory: numbers, and text (scenario, strategy,
# dates, names), which pandas keeps as Arrow strings.
CELL_BYTES = 8
TEXT_BYTES = 16


def table_bytes(config: Config) -> int:
    """Bytes the job's tables take per world (summary, and the time series and ties if kept)."""
    n = len(config.scenario.states)
    ensemble = len(config.scenario.uncertainty.parameters) + 1 if config.scenario.uncertainty.active else 0
    labels = 2 + len(config.design.parameters) + ensemble  # point, replicate, design and ensemble columns
    summary = (labels + len(BLOC_METRICS) + len(STATE_METRICS) * n + 2 * n + 2) * CELL_BYTES + 3 * TEXT_BYTES
    total = summary
    if config.record_timeseries:
        columns = labels + 1 + len(BLOC_METRICS) + len(STATE_METRICS) * n + n * (n - 1)
        total += (config.horizon + 1) * (columns * CELL_BYTES + 3 * TEXT_BYTES)
    if config.record_ties:
        rows = len(LAYERS) * n * (n - 1) * (config.horizon // max(1, config.ties_every) + 2)
        total += rows * ((labels + 2) * CELL_BYTES + 6 * TEXT_BYTES)
    # the batches' tables and their concatenation live side by side; writing the
    # concatenation converts it to Arrow, a third copy (benchmarks/memory.py --design)
    return 3 * total


@dataclass(frozen=True)
class MemoryPlan:
    """How a job's worlds are batched and what memory that should take."""

    worlds: int  # per strategy
    strategies: int
    batch_worlds: int
    batches: int  # over all strategies
    model_bytes: int  # one batch
    tables_bytes: int  # the whole job
    start_bytes: int  # the process before the job

    @property
    def estimate_mb(self) -> float:
        return (self.start_bytes + self.model_bytes + self.tables_bytes) / MB

    def describe(self) -> str:
        return (
            f"{self.worlds * self.strategies:,} worlds ({_count(self.strategies, 'strateg', 'y', 'ies')} "
            f"x {self.worlds:,}) in {_count(self.batches, 'batch', '', 'es')} of at most "
            f"{self.batch_worlds:,}; estimated peak memory "
            f"{self.estimate_mb:,.0f} MB ({self.start_bytes / MB:,.0f} before the job, "
            f"{self.model_bytes / MB:,.0f} per batch, {self.tables_bytes / MB:,.0f} for the tables)"
        )

    def measured(self) -> str:
        """The process's peak so far against the estimate (logged once the tables are written)."""
        return f"peak memory {peak_memory_mb():,.0f} MB (estimated {self.estimate_mb:,.0f} MB)"


def _count(number: int, stem: str, one: str, many: str) -> str:
    return f"{number:,} {stem}{one if number == 1 else many}"


def plan_memory(config: Config, worlds: int, strategies: int) -> MemoryPlan:
    """Batches of at most as many worlds as fit ``config.batch_memory_mb``.

    The default budget, 64 MB, is also about the fastest: a batch of a few thousand worlds
    keeps a month's arrays in the processor's cache, while larger batches run slower per
    world and smaller ones pay Python's fixed costs more often.
    """
    per_world = world_bytes(config)
    batch = max(1, min(worlds, config.batch_memory_mb * MB // per_world))
    return MemoryPlan(
        worlds=worlds,
        strategies=strategies,
        batch_worlds=batch,
        batches=strategies * math.ceil(worlds / batch),  # at least; batches hold whole points
        model_bytes=batch * per_world,
        tables_bytes=worlds * strategies * table_bytes(config),
        start_bytes=int(resident_memory_mb() * MB),
    )


def _status_mb(field: str) -> float | None:
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 2**10
    return None


def resident_memory_mb() -> float:
    """Resident memory of this process now (Linux), else its peak."""
    return _status_mb("VmRSS") or peak_memory_mb()


def peak_memory_mb() -> float:
    """Peak resident memory of this process: VmHWM on Linux, ru_maxrss elsewhere."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / MB if sys.platform == "darwin" else rss / 2**10


@contextlib.contextmanager
def batches_freed_as_they_finish() -> Iterator[None]:
    """Run batches with the objects that outlive them (modules, configuration, earlier
    tables) frozen out of the garbage collector, so that freeing each finished batch
    (:func:`release_freed_memory`) scans only what the batch made, in milliseconds."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_freed_memory() -> None:
    """Free a finished batch's model now and give its pages back to the system.

    A model and its agents refer to each other, so only the cyclic garbage collector
    frees them, and it runs by object counts, not bytes: batches would pile up. glibc
    then keeps freed heap memory for reuse (after large NumPy arrays come and go it
    serves even large ones from the heap). Without both, a job's resident memory would
    grow with its number of batches instead of staying at one batch plus the tables.
    """
    gc.collect()
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None
