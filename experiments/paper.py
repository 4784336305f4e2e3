"""Rebuild every paper figure and table: the canonical experiments at publication size.

    python experiments/paper.py            # all experiments listed in configs/paper.yaml
    python experiments/paper.py phase_diagram sensitivity

Each experiment runs as a Hydra multirun into results/paper/<name>/ (jobs already
complete are skipped, so an interrupted rebuild resumes); the headline figures and
tables are then copied to results/paper/figures/ and timings written to
results/paper/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from omegaconf import OmegaConf

ROOT = Path(__file__).resolve().parent.parent
PAPER = ROOT / "results" / "paper"
SUFFIXES = (".pdf", ".png", ".caption.txt", ".md", ".tex")  # every format present is copied


def run_experiment(name: str, overrides: list[str], launcher: str) -> float:
    """Run one experiment as a multirun into results/paper/<name>; return seconds taken."""
    command = [
        sys.executable,
        str(ROOT / "experiments" / "run.py"),
        "-m",
        f"experiment={name}",
        f"hydra/launcher={launcher}",
        f"hydra.sweep.dir={PAPER / name}",
        *overrides,
    ]
    print(f"== {name}: {' '.join(command[2:])}", flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.monotonic() - started


def copy_headline(paths: list[str]) -> list[Path]:
    """Copy the headline figures and tables (every format present) to results/paper/figures."""
    target = PAPER / "figures"
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for stem in paths:
        sources = [PAPER / f"{stem}{suffix}" for suffix in SUFFIXES]
        found = [source for source in sources if source.is_file()]
        if not found:
            raise FileNotFoundError(f"results/paper/{stem}.* was not produced")
        for source in found:
            destination = target / f"{stem.split('/')[0]}__{source.name}"
            shutil.copyfile(source, destination)
            copied.append(destination)
    return copied


def write_index(timings: dict[str, float]) -> None:
    """results/paper/README.md: wall time of every experiment (kept across partial rebuilds)."""
    record = PAPER / "timings.json"
    known = json.loads(record.read_text()) if record.is_file() else {}
    known.update({name: round(seconds) for name, seconds in timings.items()})
    record.write_text(json.dumps(known, indent=2) + "\n")
    lines = ["# Paper figures and tables", "", "Rebuilt by `make paper` (configs/paper.yaml).", ""]
    lines += ["Wall times of the last rebuild; on a shared machine they include waiting for the cores.", ""]
    lines += ["| experiment | wall time (s) |", "|---|---:|"]
    lines += [f"| {name} | {seconds} |" for name, seconds in known.items()]
    lines += [f"| total | {sum(known.values())} |", "", "Files:", ""]
    lines += [f"- `figures/{path.name}`" for path in sorted((PAPER / "figures").iterdir())]
    (PAPER / "README.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    plan = OmegaConf.load(ROOT / "configs" / "paper.yaml")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiments", nargs="*", help=f"subset of {list(plan.experiments)}")
    args = parser.parse_args(argv)
    unknown = set(args.experiments) - set(plan.experiments)
    if unknown:
        parser.error(f"unknown experiment(s) {sorted(unknown)}; choose from {list(plan.experiments)}")
    chosen = args.experiments or list(plan.experiments)
    timings = {
        name: run_experiment(name, list(plan.experiments[name].overrides), plan.launcher) for name in chosen
    }
    headline = [stem for stem in plan.headline if stem.split("/")[0] in chosen]
    copy_headline(headline)
    write_index(timings)
    print(f"paper figures and tables in {PAPER.relative_to(ROOT)} ({sum(timings.values()):.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
