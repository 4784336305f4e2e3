"""Killing a local parallel sweep ends its worker processes too.

With the joblib launcher, jobs run in loky worker processes. When the sweep's process
was killed they used to run on as orphans (finishing their job, then idling). Each job
now watches the sweep's process and its worker exits within about a second of it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.experiment.conftest import ROOT

pytestmark = pytest.mark.slow


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_stop_when_the_sweep_is_killed(tmp_path):
    command = [
        sys.executable,
        str(ROOT / "experiments" / "run.py"),
        "-m",
        "hydra/launcher=joblib",
        "strategy=status_quo,pyongyang_deal,moscow_deal,sequenced",
        "replicates=4000",
        "horizon=48",
        f"hydra.sweep.dir={tmp_path}",
    ]
    sweep = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("*/run.log"))) < 2:  # both workers have started a job
        assert sweep.poll() is None and time.monotonic() < deadline, "the sweep did not start its jobs"
        time.sleep(0.05)
    workers = children(sweep.pid)
    assert len(workers) >= 2
    os.kill(sweep.pid, signal.SIGKILL)
    sweep.wait()
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes outlived the sweep: {left}"
    assert not list(tmp_path.glob("*/manifest.json")), "the kill came after the jobs had finished"
