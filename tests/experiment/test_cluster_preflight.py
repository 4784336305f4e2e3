"""A SLURM sweep where no SLURM controller answers stops at once, in one line that points to
the local launchers, instead of ending in sbatch's error and a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.experiment.cluster import slurm_problem
from tests.experiment.conftest import ROOT


def no_controller(tmp_path: Path) -> dict[str, str]:
    """An environment whose SLURM configuration names a controller nobody runs."""
    conf = tmp_path / "slurm.conf"
    conf.write_text("ClusterName=nowhere\nSlurmctldHost=localhost\nSlurmctldPort=1\nAuthType=auth/none\n")
    return {**os.environ, "SLURM_CONF": str(conf)}


def no_slurm_installed(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PATH": str(Path(sys.executable).parent)}


@pytest.mark.parametrize("environment", [no_controller, no_slurm_installed])
def test_a_slurm_sweep_without_a_controller_is_refused_in_one_line(tmp_path, environment):
    env = environment(tmp_path)
    if environment is no_controller and subprocess.run(["which", "scontrol"], capture_output=True).returncode:
        pytest.skip("scontrol is not installed here; the no-SLURM case covers this machine")
    result = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "run.py"), "-m", "hydra/launcher=slurm", "replicates=5",
         f"hydra.sweep.dir={tmp_path / 'sweep'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if "hydra/launcher=slurm" in line]
    assert len(lines) == 1, result.stderr
    assert "no SLURM controller answers" in lines[0] or "SLURM is not installed" in lines[0]
    assert "hydra/launcher=joblib" in lines[0] and "hydra/launcher=local" in lines[0]
    assert "Traceback" not in result.stderr and "sbatch" not in result.stderr
    assert not list((tmp_path / "sweep").rglob("*.parquet"))


def fake_scontrol(tmp_path: Path, answer: str, status: int) -> str:
    """A PATH whose ``scontrol`` prints ``answer`` and exits with ``status``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "scontrol"
    script.write_text(f"#!/bin/sh\necho '{answer}'\nexit {status}\n")
    script.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def test_a_controller_that_answers_up_passes_the_check(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_scontrol(tmp_path, "Slurmctld(primary) at head is UP", 0))
    assert slurm_problem() is None


def test_a_controller_that_is_down_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", fake_scontrol(tmp_path, "Slurmctld(primary) at head is DOWN", 1))
    assert (
        slurm_problem() == "no SLURM controller answers (scontrol ping: Slurmctld(primary) at head is DOWN)"
    )


def test_no_launcher_file_shadows_a_plugin_schema_of_the_same_name():
    """A file named like a ConfigStore entry (the old ``joblib.yaml``) makes Hydra warn about
    deprecated automatic schema matching in every process of a sweep."""
    from hydra.core.config_store import ConfigStore
    from hydra.core.plugins import Plugins

    from sim.experiment.configuration import CONFIG_DIR

    Plugins.instance()  # registers the launchers' schemas
    registered = set(ConfigStore.instance().list("hydra/launcher"))
    assert "joblib.yaml" in registered
    shadowing = [p.name for p in (CONFIG_DIR / "hydra" / "launcher").glob("*.yaml") if p.name in registered]
    assert not shadowing
