"""Peak memory of a job against the estimate the memory guard plans with.

Why: a job that would not fit in memory is refused before it starts
(``sim/experiment/memory_limit.py``), so the estimate must not fall below what a job really
uses. This script runs jobs of several sizes (replicates, recorded tables, number of
configurations), each in a fresh child process that writes its tables as a job does,
and prints the measured peak resident memory next to the estimate. The last line is
``estimate_over_peak_min: <x>``: the smallest ratio of estimate to measured peak (above
1 means the guard errs on the safe side at every size measured).

``--design`` adds jobs of a design: one chunk of the shipped ``sensitivity`` experiment
(its 512 Sobol points, summary table only, 48 months) at 200 and 1,000 replicates, the
sizes ``docs/cluster.md`` quotes for sizing SLURM tasks.

Usage: python benchmarks/memory.py [--quick] [--design]
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
from sim.experiment.memory_limit import job_estimate
from sim.experiment.runner import run_job
from sim.experiment.storage import RunDirectory
replicates, horizon, timeseries, ties, strategies = json.loads(sys.argv[1])
config = Config(replicates=replicates, horizon=horizon, record_timeseries=timeseries, record_ties=ties)
config.experiment.strategies = strategies
tables = run_job(config, progress=False)
RunDirectory(Path(tempfile.mkdtemp())).write(tables.as_dict(), {})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps([peak, job_estimate(config, len(tables.summary) // replicates).total]))
"""

DESIGN_CHILD = """
import json, resource, sys, tempfile
from pathlib import Path
from hydra import compose, initialize_config_dir
from sim.experiment.configuration import CONFIG_DIR, register_schemas, to_config
from sim.experiment.memory_limit import job_estimate
from sim.experiment.runner import run_job
from sim.experiment.storage import RunDirectory
register_schemas()
with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
    config = to_config(compose(config_name="config", overrides=json.loads(sys.argv[1])))
tables = run_job(config, progress=False)
RunDirectory(Path(tempfile.mkdtemp())).write(tables.as_dict(), {})
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps([peak, job_estimate(config, len(tables.summary) // config.replicates).total]))
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
DESIGN_POINTS = 512  # the sensitivity experiment: 64 Sobol samples x (6 parameters + 2)
DESIGN_REPLICATES = (200, 1_000)


def measure(size: object, child: str = CHILD) -> tuple[float, float]:
    """Peak resident memory of a fresh process running the job, and the guard's estimate (bytes)."""
    output = subprocess.run(
        [sys.executable, "-c", child, json.dumps(size)], capture_output=True, text=True, check=True
    ).stdout
    peak, planned = json.loads(output.strip().splitlines()[-1])
    return peak, planned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three small sizes only")
    parser.add_argument("--design", action="store_true", help="also the sensitivity design's jobs")
    args = parser.parse_args()
    ratios = []
    header = ("replicates", "months", "series", "ties", "configs", "peak MB", "estimate MB")
    print(" ".join(f"{name:>{width}}" for name, width in zip(header, (10, 6, 6, 5, 7, 8, 11), strict=True)))
    for size in QUICK if args.quick else SIZES:
        replicates, horizon, timeseries, ties, strategies = size
        peak, planned = measure(size)
        ratios.append(planned / peak)
        _row(replicates, horizon, timeseries, ties, len(strategies), peak, planned)
    for replicates in DESIGN_REPLICATES if args.design else ():
        peak, planned = measure(["experiment=sensitivity", f"replicates={replicates}"], DESIGN_CHILD)
        ratios.append(planned / peak)
        _row(replicates, 48, False, False, DESIGN_POINTS, peak, planned, "  (sensitivity design, one chunk)")
    print(f"estimate_over_peak_min: {min(ratios):.2f}")


def _row(
    replicates: int,
    horizon: int,
    timeseries: bool,
    ties: bool,
    configs: int,
    peak: float,
    planned: float,
    note: str = "",
) -> None:
    print(
        f"{replicates:>10} {horizon:>6} {timeseries!s:>6} {ties!s:>5} {configs:>7} "
        f"{peak / 2**20:>8.0f} {planned / 2**20:>11.0f}{note}"
    )


if __name__ == "__main__":
    main()
