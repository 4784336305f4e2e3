"""Throughput and peak memory of the replicate-vectorised BlocModel against ``mesa.batch_run``.

Why: the model advances R replicate worlds in one set of NumPy arrays, so a run of R
replicates should cost far less than R one-world Mesa runs. This script measures that
claim on the default configuration (scenario baseline_2025, strategy status_quo, 48
months) instead of asserting it:

* ``BlocModel(config, replicates=R).run()`` plus the per-replicate summary table, for
  R = 1, 100, 1,000 and 10,000 (output cost counts);
* ``mesa.batch_run`` with one replicate per run (replicates 0..N-1, so the same worlds
  as the first N replicates above), the way a Mesa user would sweep replicates;
* peak memory of each size in a fresh child process, minus an idle child that only
  imports, configures and reads the calibration data (a one-time cost of about 10 MB of
  pandas/pyarrow state that does not depend on R), so the figure is the model's own and
  MB per 1,000 replicates is comparable across R.

The last line is ``speedup_vs_batch_run: <x>``: replicate-runs per second at the largest
R divided by ``mesa.batch_run``'s.

Usage: python benchmarks/throughput.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import math
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import pandas as pd

from sim.experiment.configuration import load_scenario, load_strategy
from sim.model.bloc_model import BlocModel
from sim.model.calibration import load_calibration
from sim.model.parameters import RunConfig

SIZES: tuple[int, ...] = (1, 100, 1_000, 10_000)
QUICK_SIZES: tuple[int, ...] = (1, 100)
BATCH_RUNS = 200
QUICK_BATCH_RUNS = 10
HORIZON = 48
SMALL = 1_000  # sizes below this are short and noisy, so they are timed more often


def default_config() -> RunConfig:
    """The default scenario and strategy over 48 months, as ``tests/helpers.run_config`` builds it."""
    return RunConfig(
        scenario=load_scenario("baseline_2025"),
        strategy=load_strategy("status_quo"),
        horizon=HORIZON,
    )


def run_vectorised(config: RunConfig, replicates: int) -> pd.DataFrame:
    """One vectorised run to the horizon, including the summary table (output is part of the cost)."""
    return pd.DataFrame(BlocModel(config, replicates=replicates).run().recorder.summary())


class BatchRunBlocModel(BlocModel):
    """BlocModel as ``mesa.batch_run`` needs it: with a ``datacollector``, and the same output work.

    batch_run reads ``model.datacollector`` at the end of each run; the reporter records the
    month after every step so the results show that each instance reached the horizon. The
    summary table is built at the horizon, as in the vectorised path.
    """

    def __init__(self, config: RunConfig, **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.datacollector = mesa.DataCollector(model_reporters={"month": "month"})
        self.summary: pd.DataFrame | None = None

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)
        if not self.running:
            self.summary = self.recorder.summary()


def run_batch(config: RunConfig, runs: int) -> list[dict[str, Any]]:
    """``runs`` one-replicate runs through mesa.batch_run in this process; checks every run reached 48."""
    results = mesa.batch_run(
        BatchRunBlocModel,
        parameters={"config": config, "replicates": 1, "first_replicate": range(runs)},
        number_processes=1,
        iterations=1,
        max_steps=config.horizon,
        data_collection_period=-1,
        display_progress=False,
    )
    # batch_run reports Step = model.steps - 1; month is the model's own counter.
    wrong = [row for row in results if row["month"] != config.horizon or row["Step"] != config.horizon - 1]
    if len(results) != runs or wrong:
        raise RuntimeError(f"batch_run did not run {runs} x {config.horizon} steps: {wrong[:3]}")
    return results


def best_seconds(task: Any, repeats: int) -> float:
    """Best wall time of ``repeats`` calls: the least disturbed by other load on the machine."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        best = min(best, time.perf_counter() - start)
    return best


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    Linux: VmHWM, the high-water mark of this address space. Not ru_maxrss: Linux carries
    ru_maxrss over fork and exec, so a child would report at least its parent's size.
    Elsewhere ru_maxrss (KB on Linux-likes, bytes on macOS), so start children from a small parent.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def child_peak_mb(mode: str, size: int) -> float:
    """Peak memory of a fresh interpreter running this script in child mode (size 0 = idle)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(size)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def child_main(mode: str, size: int) -> None:
    """Child process: configure, read the data, run once (unless idle), print the peak memory in MB."""
    config = default_config()
    load_calibration(config.scenario, config.model)  # one-time cost, in the idle baseline too
    if size > 0 and mode == "vectorised":
        run_vectorised(config, size)
    elif size > 0 and mode == "batch_run":
        run_batch(config, size)
    print(peak_rss_mb())


@dataclass
class Row:
    """One line of the report."""

    label: str
    replicates: int
    seconds: float
    memory_mb: float
    linear: bool = True  # memory grows with R (one world set), not for batch_run (one model at a time)

    @property
    def throughput(self) -> float:
        return self.replicates / self.seconds

    def line(self) -> str:
        per_thousand = f"{1000 * self.memory_mb / self.replicates:.2f}" if self.linear else "-"
        return (
            f"{self.label:<22}{self.replicates:>8,}{self.seconds:>11.3f}{self.throughput:>14,.1f}"
            f"{self.memory_mb:>12.1f}{per_thousand:>13}"
        )


HEADER = f"{'path':<22}{'R':>8}{'seconds':>11}{'runs/s':>14}{'peak MB':>12}{'MB/1k reps':>13}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke test)")
    parser.add_argument("--repeats", type=int, default=None, help="timings per size, best kept (3; quick 1)")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child[0], int(args.child[1]))
        return

    repeats = args.repeats or (1 if args.quick else 3)
    sizes = QUICK_SIZES if args.quick else SIZES
    batch_runs = QUICK_BATCH_RUNS if args.quick else BATCH_RUNS
    config = default_config()
    print(f"scenario {config.scenario.name}, strategy {config.strategy.name}, {config.horizon} months")
    # Memory first, while this parent is still small (matters only where ru_maxrss is the measure).
    idle = child_peak_mb("idle", 0)
    memory = {size: child_peak_mb("vectorised", size) - idle for size in sizes}
    batch_memory = child_peak_mb("batch_run", batch_runs) - idle
    print(f"best of {repeats} timings ({5 * repeats} below R={SMALL:,}); peak MB above an idle child")
    print(f"(idle child: {idle:.1f} MB)")
    print(HEADER)

    run_vectorised(config, 1)  # warm-up: first-call imports and caches
    rows: list[Row] = []
    for size in sizes:
        times = repeats * 5 if size < SMALL else repeats
        seconds = best_seconds(lambda size=size: run_vectorised(config, size), times)
        rows.append(Row("BlocModel vectorised", size, seconds, memory[size]))
        print(rows[-1].line(), flush=True)

    (small, small_mb), (large, large_mb) = [(row.replicates, row.memory_mb) for row in rows[-2:]]
    slope = 1000 * (large_mb - small_mb) / (large - small)
    print(f"memory slope R={small:,}->{large:,}: {slope:.2f} MB per 1,000 replicates (small R: fixed cost)")

    seconds = best_seconds(lambda: run_batch(config, batch_runs), repeats)
    batch = Row("mesa.batch_run (R=1)", batch_runs, seconds, batch_memory, linear=False)
    print(batch.line())
    print(f"batch_run check: {batch_runs} runs, each {config.horizon} steps to the horizon")
    if rows[-1].replicates != SIZES[-1]:
        print(f"(quick: speedup at R={rows[-1].replicates:,}, not R={SIZES[-1]:,})")
    print(f"speedup_vs_batch_run: {rows[-1].throughput / batch.throughput:.1f}")


if __name__ == "__main__":
    main()
