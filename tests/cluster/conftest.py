"""Fixtures for tests that need a real one-node SLURM cluster.

Tests in this folder get the ``cluster`` marker automatically; deselect them with
``-m "not cluster"``. Use the session fixture ``slurm_cluster``::

    def test_sweep(slurm_cluster, tmp_path):
        subprocess.run([...], env=slurm_cluster.env, check=True, timeout=300)

While the fixture is active, ``SLURM_CONF`` and ``SLURM_TEST_DIR`` are also set in
``os.environ``, so submitit/Hydra called in-process find the cluster too.

The cluster is started by ``slurm_up.sh`` (needs root: directly, or through
passwordless ``sudo``) and stopped by ``slurm_down.sh`` at the end of the session.
The fixture skips when the machine cannot host it, unless ``REQUIRE_SLURM=1`` (CI),
which turns the skip into a failure.

Environment knobs:
    REQUIRE_SLURM=1         fail instead of skip when no cluster can be started
    SLURM_TEST_DIR=<dir>    scratch dir to use; if a cluster from it is already up it is
                            reused and left running afterwards
    SLURM_KEEP_TEST_DIR=1   keep the scratch dir (daemon logs) even if all tests passed
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.marking import mark_folder

HERE = Path(__file__).resolve().parent
UP_SCRIPT = HERE / "slurm_up.sh"
DOWN_SCRIPT = HERE / "slurm_down.sh"
UP_TIMEOUT_S = 300
DOWN_TIMEOUT_S = 180
# wall-clock limit for each cluster test (incl. cluster start-up for the first one),
# applied when pytest-timeout is installed and the test sets none itself
DEFAULT_TEST_TIMEOUT_S = 900
# what slurm_up.sh prints when it found the cluster already running
ALREADY_UP = "is already up"
# what the scripts need besides apt-get (which installs them if missing)
SLURM_BINARIES = ("slurmctld", "slurmd", "slurmdbd", "sbatch", "sacct", "munged", "mariadbd")


@dataclass(frozen=True)
class SlurmCluster:
    """A running test cluster."""

    dir: Path  # scratch dir: slurm.conf, env.sh, log/, state/, ...
    conf: Path  # the slurm.conf; SLURM_CONF points here
    env: dict[str, str]  # os.environ plus SLURM_CONF/SLURM_TEST_DIR, for subprocesses
    started: bool  # False if an already running cluster was reused

    @property
    def log_dir(self) -> Path:
        return self.dir / "log"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under this folder ``cluster`` (and give it a default timeout)."""
    mark_folder(config, items, HERE, "cluster", DEFAULT_TEST_TIMEOUT_S)


def _privilege_prefix() -> list[str] | None:
    """Command prefix that runs the scripts as root, or None if we cannot."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        ok = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if ok.returncode == 0:
            return ["sudo", "-n"]
    return None


def _cannot_host_reason() -> str | None:
    """Why this machine cannot host the test cluster (None if it can)."""
    if platform.system() != "Linux":
        return f"not Linux ({platform.system()})"
    if _privilege_prefix() is None:
        return "not root and no passwordless sudo (slurm_up.sh must run as root)"
    if not all(shutil.which(b) for b in SLURM_BINARIES) and not shutil.which("apt-get"):
        return "SLURM is not installed and there is no apt-get to install it"
    return None


def _run_script(prefix: list[str], script: Path, args: list[str], env_dir: Path, timeout: int):
    # sudo drops most of the environment: pass SLURM_TEST_DIR explicitly via env(1)
    cmd = [*prefix, "env", f"SLURM_TEST_DIR={env_dir}", "bash", str(script), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("REQUIRE_SLURM") == "1":
        pytest.fail(f"REQUIRE_SLURM=1 but no SLURM test cluster: {reason}", pytrace=False)
    pytest.skip(f"no SLURM test cluster: {reason} (set REQUIRE_SLURM=1 to fail instead)")


@pytest.fixture(scope="session")
def slurm_cluster(request: pytest.FixtureRequest) -> Iterator[SlurmCluster]:
    """Start (or reuse) the one-node SLURM cluster for the whole session."""
    reason = _cannot_host_reason()
    if reason is not None:
        _fail_or_skip(reason)
    prefix = _privilege_prefix() or []

    user_dir = os.environ.get("SLURM_TEST_DIR")
    # a fresh dir directly in the temp root: the munge and mysql users must traverse it
    # (pytest's tmp_path_factory dirs are private to the user)
    scratch = Path(user_dir) if user_dir else Path(tempfile.mkdtemp(prefix="slurm-test-"))
    scratch = scratch.resolve()

    def down(purge: bool) -> subprocess.CompletedProcess[str]:
        args = ["--purge", str(scratch)] if purge else [str(scratch)]
        return _run_script(prefix, DOWN_SCRIPT, args, scratch, DOWN_TIMEOUT_S)

    try:
        up = _run_script(prefix, UP_SCRIPT, [], scratch, UP_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        down(purge=False)  # best effort: stop whatever did come up
        pytest.fail(
            f"slurm_up.sh did not finish within {UP_TIMEOUT_S}s; logs in {scratch}/log\n{exc.stderr or ''}",
            pytrace=False,
        )
    output = f"{up.stdout}\n{up.stderr}"
    if up.returncode != 0:
        down(purge=False)
        pytest.fail(
            f"slurm_up.sh failed (exit {up.returncode}); logs in {scratch}/log\n{output}",
            pytrace=False,
        )
    started = ALREADY_UP not in output

    conf = scratch / "slurm.conf"
    extra = {"SLURM_CONF": str(conf), "SLURM_TEST_DIR": str(scratch)}
    cluster = SlurmCluster(dir=scratch, conf=conf, env={**os.environ, **extra}, started=started)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in extra.items():
            mp.setenv(key, value)
        yield cluster

    if not started:
        return  # not ours to stop
    # keep the logs when something failed or when asked to; never delete a user's dir
    purge = not user_dir and request.session.testsfailed == 0 and os.environ.get("SLURM_KEEP_TEST_DIR") != "1"
    result = down(purge)
    if result.returncode != 0:
        pytest.fail(
            f"slurm_down.sh failed (exit {result.returncode})\n{result.stdout}\n{result.stderr}",
            pytrace=False,
        )
