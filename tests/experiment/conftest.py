"""Running the Hydra entry points as a researcher would: in a subprocess, from the project root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_entry(
    script: str, *args: str, check: bool = True, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run ``experiments/<script>`` with arguments; fail with its output if it fails."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        pytest.fail(f"{script} {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def compose(*overrides: str):
    """The validated Config that ``experiments/run.py <overrides>`` would run, composed in-process.

    Goes through the same steps as the entry point: Hydra composition, then
    :func:`~sim.experiment.configuration.to_config` with Hydra's group choices and overrides.
    """
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from omegaconf import open_dict

    from sim.experiment.configuration import CONFIG_DIR, register_schemas, to_config

    register_schemas()
    with initialize_config_dir(str(CONFIG_DIR), version_base="1.3"):
        cfg = hydra_compose("config", overrides=list(overrides), return_hydra_config=True)
    choices = dict(cfg.hydra.runtime.choices)
    task = list(cfg.hydra.overrides.task)
    with open_dict(cfg):
        del cfg["hydra"]
    return to_config(cfg, choices, task)
