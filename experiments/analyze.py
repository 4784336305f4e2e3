"""Gather every job under a run or sweep directory into one dataset, then draw and tabulate.

    python experiments/analyze.py results/sweeps/sensitivity/default
    python experiments/analyze.py results/runs/compare_strategies/<time> experiment.band=percentile
    python experiments/analyze.py results/sweeps/sensitivity/default --gather-only

Writes <dir>/combined/*.parquet (sweeps) and <dir>/figures/. Presentation settings
(experiment.band, experiment.widths, experiment.reference, experiment.outcome) may be
changed as key=value without re-running. Exits with status 2 and a list of the problems
when a chunk is missing or duplicated, a file is corrupt, two sweeps share the folder,
jobs come from different code or data versions, a name is unsafe or a replicate appears
in two jobs; results already written are never modified, and figures of an earlier
analysis are then moved to <dir>/figures.stale/.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sim.analysis.reports import analyze
from sim.analysis.settings import PRESENTATION_KEYS
from sim.common.errors import ConfigError
from sim.experiment.dataset import IncompleteSweepError, gather


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="a run or sweep directory under results/")
    parser.add_argument(
        "overrides",
        nargs="*",
        metavar="key=value",
        help=f"presentation settings: {', '.join(PRESENTATION_KEYS)}",
    )
    parser.add_argument("--gather-only", action="store_true", help="write combined/ but no figures")
    parser.add_argument(
        "--allow-mixed-versions",
        action="store_true",
        help="combine jobs computed by different code or from different data files (a warning each)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name in ("fontTools", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if not args.directory.is_dir():
        print(f"error: {args.directory} is not a directory", file=sys.stderr)
        return 2
    try:
        if args.gather_only:
            gather(args.directory, allow_mixed_versions=args.allow_mixed_versions)
        else:
            analyze(args.directory, overrides=args.overrides, allow_mixed_versions=args.allow_mixed_versions)
    except (IncompleteSweepError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
