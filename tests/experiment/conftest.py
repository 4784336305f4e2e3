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
