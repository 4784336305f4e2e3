"""Worker processes of a local parallel sweep end when the sweep's process dies.

The joblib launcher runs jobs in loky worker processes. If the sweep's own process is
killed (``kill -9``, a closed terminal), loky's workers are left behind: they finish
their job and then wait for work forever. The sweep's process records its id in the
environment (:func:`mark_sweep_process`), which its workers inherit; a job running in a
worker starts :func:`exit_with_sweep`, a thread that ends the worker as soon as it is no
longer the sweep's child. A result cut short that way is never taken as complete (the
manifest is written last) and is recomputed on the next run.
"""

from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger("sim")
SWEEP_PROCESS = "BLOC_WEDGE_SIM_SWEEP_PID"
POLL_SECONDS = 1.0
_watching = threading.Event()


def mark_sweep_process() -> None:
    """Record this process as the sweep's, for the worker processes it will start."""
    os.environ[SWEEP_PROCESS] = str(os.getpid())


def exit_with_sweep(poll_seconds: float = POLL_SECONDS) -> None:
    """In a worker of the sweep's process, exit once that process has gone (checked every second).

    Only for workers the sweep's process started itself (the joblib launcher): a SLURM
    task inherits the variable too, but its parent is SLURM's, never the sweep's.
    """
    sweep = int(os.environ.get(SWEEP_PROCESS, "0"))
    if sweep in (0, os.getpid()) or _watching.is_set():
        return
    _watching.set()

    def watch() -> None:
        while os.getppid() == sweep:
            time.sleep(poll_seconds)
        log.error("the sweep's process %d has ended; worker %d stops too", sweep, os.getpid())
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-sweep", daemon=True).start()
