"""Sweeps on a real SLURM cluster: one job array per sweep, the numbers of a local run, resume after scancel.

Every sweep runs ``experiments/run.py`` in a subprocess from the project root, as a
researcher would, with the test cluster's environment (``slurm_cluster.env``) and a
wall-clock limit, so a lost job can fail a test but never hang it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SORT = ["strategy", "point", "replicate"]
SWEEP_TIMEOUT_S = 300
POLL_S = 0.2
SKIPPED = "skipped (already complete)"
DONE = ": done in "
CHUNKS = 4


def design_args(replicates: int, horizon: int, chunk_size: int = 3) -> list[str]:
    """An LHS design of CHUNKS * chunk_size points, one job (array task) per chunk."""
    return [
        "experiment=sensitivity",
        "design=lhs",
        f"design.samples={CHUNKS * chunk_size}",
        f"design.chunk_size={chunk_size}",
        f"design.chunk=range(0,{CHUNKS})",
        f"replicates={replicates}",
        f"horizon={horizon}",
    ]


def sweep_command(sweep: Path, args: list[str], launcher: str) -> list[str]:
    """``run.py -m`` with a launcher from configs/hydra/launcher (``local`` is Hydra's basic one)."""
    script = str(ROOT / "experiments" / "run.py")
    return [sys.executable, script, "-m", f"hydra/launcher={launcher}", *args, f"hydra.sweep.dir={sweep}"]


def run_sweep(env: dict[str, str], sweep: Path, args: list[str], launcher: str) -> str:
    """Run a sweep to the end; its console output, or a test failure showing it."""
    result = subprocess.run(
        sweep_command(sweep, args, launcher),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SWEEP_TIMEOUT_S,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"sweep failed (exit {result.returncode}):\n{output[-4000:]}"
    return output


def combined(sweep: Path) -> pd.DataFrame:
    summary = pd.read_parquet(sweep / "combined" / "summary.parquet")
    return summary.sort_values(SORT).reset_index(drop=True)


def array_tasks(sweep: Path) -> dict[str, set[int]]:
    """Array job id -> task indices, from submitit's folders ``<sweep>/.submitit/<job>_<task>``."""
    tasks: dict[str, set[int]] = defaultdict(set)
    for folder in (sweep / ".submitit").glob("*_*"):
        match = re.fullmatch(r"(\d+)_(\d+)", folder.name)
        if match and folder.is_dir():
            tasks[match[1]].add(int(match[2]))
    return dict(tasks)


def slurm_cli(env: dict[str, str], *command: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def accounting(env: dict[str, str], job: str, tasks: int) -> dict[int, str]:
    """Task index -> final state from ``sacct``, once it lists every task and none is active."""
    active = ("PENDING", "RUNNING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED")
    deadline = time.monotonic() + 60  # slurmctld reports to slurmdbd asynchronously
    while True:
        lines = slurm_cli(env, "sacct", "-n", "-P", "-X", "-j", job, "-o", "JobID,State").splitlines()
        states = {}
        for line in lines:
            job_id, state = line.split("|", 1)
            if "_" in job_id and "[" not in job_id:
                states[int(job_id.split("_")[1])] = state
        if len(states) == tasks and not any(state.startswith(active) for state in states.values()):
            return states
        assert time.monotonic() < deadline, f"sacct never listed the {tasks} tasks of job {job}: {lines}"
        time.sleep(1)


def wait_until_drained(env: dict[str, str], job: str) -> None:
    """Wait until no task of the array is queued or running any more."""
    deadline = time.monotonic() + SWEEP_TIMEOUT_S
    while slurm_cli(env, "squeue", "-h", "-r", "-j", job, "-o", "%i").strip():
        assert time.monotonic() < deadline, f"job {job} still in the queue after {SWEEP_TIMEOUT_S}s"
        time.sleep(1)


def task_logs(sweep: Path, job: str) -> str:
    """stdout and stderr of every task of one array job (submitit's ``*_log.out``/``*_log.err``)."""
    files = sorted((sweep / ".submitit").glob(f"{job}_*/{job}_*_log.*"))
    return "".join(path.read_text(errors="replace") for path in files)


def manifests(sweep: Path) -> list[Path]:
    return [p for p in sweep.rglob("manifest.json") if "combined" not in p.parts]


def test_a_chunked_design_runs_as_one_job_array_and_matches_a_local_run(slurm_cluster, tmp_path):
    on_slurm, local = tmp_path / "slurm", tmp_path / "local"
    args = design_args(replicates=20, horizon=12)

    run_sweep(slurm_cluster.env, on_slurm, args, "slurm")

    tasks = array_tasks(on_slurm)
    assert len(tasks) == 1, f"expected one job array, got {tasks}"
    ((job, indices),) = tasks.items()
    assert indices == set(range(CHUNKS))
    assert accounting(slurm_cluster.env, job, CHUNKS) == dict.fromkeys(range(CHUNKS), "COMPLETED")
    assert task_logs(on_slurm, job).count(DONE) == CHUNKS

    run_sweep(slurm_cluster.env, local, args, "local")
    assert not (local / ".submitit").exists()
    assert len(combined(on_slurm)) == CHUNKS * 3 * 20
    pd.testing.assert_frame_equal(combined(on_slurm), combined(local))


def cancel_a_running_task(
    env: dict[str, str], sweep: Path, process: subprocess.Popen, console: Path
) -> tuple[str, int]:
    """Wait until SLURM runs a task of the sweep's array, then ``scancel`` it (job id, task)."""
    deadline = time.monotonic() + SWEEP_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the sweep ended before a task could be cancelled:\n{console.read_text()}")
        assert time.monotonic() < deadline, "no task of the sweep started"
        tasks = array_tasks(sweep)
        if tasks:
            (job,) = tasks
            running = slurm_cli(env, "squeue", "-h", "-r", "-j", job, "-t", "RUNNING", "-o", "%i").split()
            if running:
                task = min(int(task_id.split("_")[1]) for task_id in running)
                slurm_cli(env, "scancel", f"{job}_{task}")
                return job, task
        time.sleep(POLL_S)


def test_a_cancelled_task_fails_the_sweep_and_a_rerun_computes_only_its_chunk(slurm_cluster, tmp_path):
    env = slurm_cluster.env
    sweep, reference = tmp_path / "sweep", tmp_path / "reference"
    # Tasks of about 15 s (3 s of start-up, then 200 points of about 0.06 s), so that a
    # task cancelled as soon as it runs cannot finish: scancel sends SIGTERM, which
    # submitit ignores once its Python has started, and SIGKILL only KillWait (5 s on the
    # test cluster) later; a task that finishes in between writes its result and counts
    # as complete.
    args = design_args(replicates=20, horizon=48, chunk_size=200)

    console = tmp_path / "first_attempt.log"
    with console.open("w") as out:
        process = subprocess.Popen(
            sweep_command(sweep, args, "slurm"), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            job, cancelled = cancel_a_running_task(env, sweep, process, console)
            process.wait(timeout=SWEEP_TIMEOUT_S)
        except BaseException:
            # leave nothing behind: the launcher and the array's tasks
            process.kill()
            process.wait()
            for leftover in array_tasks(sweep):
                subprocess.run(["scancel", leftover], env=env, timeout=30, check=False)
            raise
    output = console.read_text()

    # the launcher reports the cancelled task and the sweep fails
    assert process.returncode != 0, (
        f"the sweep succeeded although task {cancelled} was cancelled: did the task finish within "
        f"SLURM's KillWait? Then make the tasks longer.\n{output[-4000:]}"
    )
    assert "UncompletedJobError" in output, output[-4000:]
    assert f"Job {job}_{cancelled} " in output and "CANCELLED" in output, output[-4000:]
    assert not (sweep / "combined").exists()

    # the other tasks ran on: wait for them, then only the cancelled chunk lacks a result
    wait_until_drained(env, job)
    states = accounting(env, job, CHUNKS)
    assert states.pop(cancelled).startswith("CANCELLED")
    assert set(states.values()) == {"COMPLETED"}, states
    # task k runs chunk k; Hydra names job directories after their overrides
    assert not list(sweep.glob(f"design.chunk={cancelled},*/manifest.json"))
    assert len(manifests(sweep)) == CHUNKS - 1

    # re-running the same command: a new array whose tasks skip the complete chunks
    run_sweep(env, sweep, args, "slurm")
    (rerun,) = set(array_tasks(sweep)) - {job}
    assert array_tasks(sweep)[rerun] == set(range(CHUNKS))
    logs = task_logs(sweep, rerun)
    assert logs.count(SKIPPED) == CHUNKS - 1
    assert logs.count(DONE) == 1
    assert f"chunk {cancelled}, R=20]{DONE}" in logs
    assert len(manifests(sweep)) == CHUNKS

    # the reference on this machine, with joblib's two workers to save time (the basic and
    # joblib launchers give identical numbers: tests/experiment/test_sweeps.py)
    run_sweep(env, reference, args, "joblib")
    pd.testing.assert_frame_equal(combined(sweep), combined(reference))
