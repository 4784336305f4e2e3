"""Before a sweep goes to SLURM: is there a controller to take it?

Without a reachable controller, submitit's ``sbatch`` call ends in ``sbatch: fatal: Could
not establish a configuration source`` and a long traceback, after the sweep has been
composed and its folder created. :class:`RefuseWithoutSlurm` asks ``scontrol ping`` first
and, if no controller answers, stops the multirun with one line that names the local
launchers instead (exit status 2, nothing written).
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

PING_TIMEOUT_S = 15
LOCAL_LAUNCHERS = "hydra/launcher=joblib (parallel jobs on this machine's cores) or hydra/launcher=local"


def slurm_problem(timeout: float = PING_TIMEOUT_S) -> str | None:
    """Why a SLURM job cannot be submitted from here, or None when a controller answers."""
    try:
        result = subprocess.run(
            ["scontrol", "ping"], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return "SLURM is not installed here (no scontrol on PATH)"
    except subprocess.TimeoutExpired:
        return f"no SLURM controller answered within {timeout:g} s"
    answer = (result.stdout + result.stderr).strip().splitlines()
    if result.returncode == 0 and any(line.rstrip().endswith("is UP") for line in answer):
        return None
    first = answer[0].strip() if answer else f"exit status {result.returncode}"
    return f"no SLURM controller answers (scontrol ping: {first})"


def uses_slurm(config: DictConfig) -> bool:
    """True when the multirun's launcher is submitit's SLURM launcher."""
    target = str(config.hydra.launcher.get("_target_", ""))
    return target.endswith("SlurmLauncher")


class RefuseWithoutSlurm(Callback):
    """Stops a ``hydra/launcher=slurm`` multirun at its start when no SLURM controller answers."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        if not uses_slurm(config):
            return
        problem = slurm_problem()
        if problem is not None:
            print(f"hydra/launcher=slurm: {problem}; run locally with {LOCAL_LAUNCHERS}", file=sys.stderr)
            raise SystemExit(2)
