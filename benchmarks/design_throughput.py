"""Throughput and peak memory of a whole sensitivity design run as batches of worlds.

Why: a design's chunk runs as one batch of worlds per strategy (every design point x
replicate in one BlocModel, each world with its own parameter values) instead of one
model per point. This script measures what that buys on a referee-sized design instead
of asserting it:

* the design: Sobol (Saltelli) sampling of 10 parameters, N = 1024, first-order and total
  indices: N (10 + 2) = 12,288 points x 100 replicates x 48 months = 1,228,800 runs of the
  ``sensitivity`` experiment (strategy ``pyongyang_deal``, summary table only);
* one core: one chunk of the design in a fresh process, runs/s and peak memory;
* two cores: the whole design, its chunks shared by two processes, wall time, runs/s and
  the peak memory of each process;
* the one-model-per-point path (``run_job_point_by_point``: each point's configuration
  built and run alone, as jobs ran before) on a subsample of consecutive points on one
  core, extrapolated to the design; the number of points is printed.

Both paths build the same tables (a test checks they are identical). Times are wall
times of fresh processes, the best of ``--repeats``. The last line is
``speedup_vs_point_by_point: <x>``: batched runs/s over point-by-point runs/s, both on
one core.

Usage: python benchmarks/design_throughput.py [--quick] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PARAMETERS = [
    ("model.tie_rate", 0.02, 0.3),
    ("model.alignment_rate", 0.05, 0.6),
    ("model.rationality", 1.0, 6.0),
    ("model.decision_noise", 0.0, 1.0),
    ("model.deal_value", 0.2, 2.0),
    ("model.coercion_relief", 0.0, 1.0),
    ("model.patron_compensation", 0.5, 3.0),
    ("model.abandonment_response", -0.5, 0.8),
    ("scenario.us.deal_credibility.PRK", 0.2, 0.9),
    ("scenario.us.alliance_strength", 0.1, 0.9),
]
SAMPLES, QUICK_SAMPLES = 1024, 64  # Sobol base N
CHUNKS = 8  # jobs the design is split into
POINT_BY_POINT, QUICK_POINT_BY_POINT = 96, 24  # points of the subsample
REPLICATES, HORIZON = 100, 48


def overrides(samples: int, chunk_size: int, chunk: int) -> list[str]:
    design = ", ".join(f"{{name: {name}, low: {low}, high: {high}}}" for name, low, high in PARAMETERS)
    return [
        "experiment=sensitivity",
        f"design.parameters=[{design}]",
        f"design.samples={samples}",
        f"design.chunk_size={chunk_size}",
        f"design.chunk={chunk}",
        f"replicates={REPLICATES}",
        f"horizon={HORIZON}",
    ]


def child_main(mode: str, samples: int, chunk_size: int, chunks: list[int]) -> None:
    """Child process: run chunks of the design one after another; print runs, seconds, memory."""
    from hydra import compose, initialize_config_dir

    from sim.experiment.configuration import CONFIG_DIR, register_schemas, to_config
    from sim.experiment.memory import peak_memory_mb, plan_memory
    from sim.experiment.runner import run_job, run_job_point_by_point

    register_schemas()
    run = run_job if mode == "batched" else run_job_point_by_point
    runs, seconds, estimate = 0, 0.0, 0.0
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        for chunk in chunks:
            config = to_config(compose(config_name="config", overrides=overrides(samples, chunk_size, chunk)))
            start = time.perf_counter()
            tables = run(config, progress=False)
            seconds += time.perf_counter() - start
            runs += len(tables.summary)
            if mode == "batched":
                estimate = max(estimate, plan_memory(config, len(tables.summary), 1).estimate_mb)
    print(
        json.dumps({"runs": runs, "seconds": seconds, "peak_mb": peak_memory_mb(), "estimate_mb": estimate})
    )


def child(mode: str, samples: int, chunk_size: int, chunks: list[int]) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(samples), str(chunk_size)]
    done = subprocess.run([*command, *map(str, chunks)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def best(task, repeats: int) -> dict:
    """The fastest of ``repeats`` runs: the least disturbed by other load on the machine."""
    return min((task() for _ in range(repeats)), key=lambda result: result["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"N = {QUICK_SAMPLES} instead of {SAMPLES}")
    parser.add_argument(
        "--repeats", type=int, default=None, help="timings of each measure, best kept (2; quick 1)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, samples, chunk_size, *chunks = args.child
        child_main(mode, int(samples), int(chunk_size), [int(c) for c in chunks])
        return

    repeats = args.repeats or (1 if args.quick else 2)
    samples = QUICK_SAMPLES if args.quick else SAMPLES
    points = samples * (len(PARAMETERS) + 2)
    chunk_size = -(-points // CHUNKS)
    subsample = QUICK_POINT_BY_POINT if args.quick else POINT_BY_POINT
    total_runs = points * REPLICATES
    print(
        f"Sobol design: {len(PARAMETERS)} parameters, N = {samples}, {points:,} points x {REPLICATES} "
        f"replicates x {HORIZON} months = {total_runs:,} runs (sensitivity, pyongyang_deal)"
    )
    print(
        f"{CHUNKS} chunks of {chunk_size:,} points; best of {repeats} timings; wall times of fresh processes"
    )

    one = best(lambda: child("batched", samples, chunk_size, [0]), repeats)
    print(
        f"batched, 1 core:   {one['runs']:>9,} runs (1 chunk) in {one['seconds']:7.1f} s = "
        f"{one['runs'] / one['seconds']:7,.0f} runs/s; peak memory {one['peak_mb']:,.0f} MB "
        f"(estimated {one['estimate_mb']:,.0f} MB)"
    )

    halves = [list(range(CHUNKS))[0::2], list(range(CHUNKS))[1::2]]

    def whole_design() -> dict:
        start = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            parts = list(pool.map(lambda chunks: child("batched", samples, chunk_size, chunks), halves))
        wall = time.perf_counter() - start
        return {
            "seconds": wall,
            "runs": sum(p["runs"] for p in parts),
            "peaks": [p["peak_mb"] for p in parts],
        }

    two = best(whole_design, 1)
    peaks = " and ".join(f"{peak:,.0f}" for peak in two["peaks"])
    print(
        f"batched, 2 cores:  {two['runs']:>9,} runs (whole design) in {two['seconds']:7.1f} s = "
        f"{two['runs'] / two['seconds']:7,.0f} runs/s; peak memory {peaks} MB (one per process)"
    )
    print(f"whole design on 2 cores: {two['seconds'] / 60:.1f} minutes (target: under 10)")

    by_point = best(lambda: child("point_by_point", samples, subsample, [0]), repeats)
    rate = by_point["runs"] / by_point["seconds"]
    print(
        f"one model per point, 1 core: {subsample} points ({by_point['runs']:,} runs) in "
        f"{by_point['seconds']:.1f} s = {rate:,.0f} runs/s; the whole design would take "
        f"{total_runs / rate / 60:.1f} minutes on 1 core, {total_runs / rate / 120:.1f} on 2 (extrapolated)"
    )
    print(f"speedup_vs_point_by_point: {one['runs'] / one['seconds'] / rate:.1f}")


if __name__ == "__main__":
    main()
