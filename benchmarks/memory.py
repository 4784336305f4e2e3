"""Peak memory of a job against the estimate the memory guard plans with.

Why: a job that would not fit in memory is refused before it starts
(``sim/experiment/memory_limit.py``), so the estimate must not fall below what a job really
uses. This script runs jobs of several sizes (replicates, recorded tables, number of
configurations), each in a fresh child process that writes its tables as a job does,
and prints the measured peak resident memory next to the estimate. The last line is
``estimate_over_peak_min: <x>``: the smallest ratio of estimate to measured peak (above
1 means the guard errs on the safe side at every size measured).

Usage: python benchmarks/memory.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
from sim.experiment.configuration import Config
from sim.experiment.runner import run_job
from sim.experiment.storage import RunDirectory
replicates, horizon, timeseries, ties, strategies = json.loads(sys.argv[1])
config = Config(replicates=replicates, horizon=horizon, record_timeseries=timeseries, record_ties=ties)
config.experiment.strategies = strategies
tables = run_job(config, progress=False)
RunDirectory(Path(tempfile.mkdtemp())).write(tables.as_dict(), {})
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

SIZES = [
    # replicates, horizon, record_timeseries, record_ties, strategies
    (2_000, 48, False, False, ["status_quo"]),
    (8_000, 48, False, False, ["status_quo"]),
    (8_000, 48, False, False, ["status_quo", "pyongyang_deal", "moscow_deal", "sequenced"]),
    (8_000, 120, False, False, ["status_quo"]),
    (4_000, 48, True, False, ["status_quo"]),
    (16_000, 48, True, False, ["status_quo"]),
    (4_000, 48, True, False, ["status_quo", "pyongyang_deal"]),
    (2_000, 48, True, True, ["status_quo"]),
]
QUICK = [SIZES[0], SIZES[4], SIZES[7]]


def measure(size: tuple) -> float:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(size)], capture_output=True, text=True, check=True
    ).stdout
    return float(output.strip().splitlines()[-1])


def main() -> None:
    from sim.experiment.memory_limit import estimate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three small sizes only")
    args = parser.parse_args()
    ratios = []
    header = ("replicates", "months", "series", "ties", "configs", "peak MB", "estimate MB")
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, (10, 6, 6, 5, 7, 8, 11), strict=True)))
    for size in QUICK if args.quick else SIZES:
        replicates, horizon, timeseries, ties, strategies = size
        peak = measure(size)
        planned = estimate(
            replicates, horizon, 4, len(strategies), timeseries, ties, 1, random_shocks=2
        ).total
        ratios.append(planned / peak)
        print(
            f"{replicates:>10} {horizon:>6} {timeseries!s:>6} {ties!s:>5} {len(strategies):>7} "
            f"{peak / 2**20:>8.0f} {planned / 2**20:>11.0f}"
        )
    print(f"estimate_over_peak_min: {min(ratios):.2f}")


if __name__ == "__main__":
    main()
