"""An Optuna study kept in a journal file that several workers share and that survives a kill.

Optuna's ``JournalStorage`` appends every change to one file (safe for several processes,
on one machine or on a cluster's shared file system), so a study resumes from it. A
worker that is killed leaves its trial RUNNING; journal storage has no heartbeat, so each
trial records the index of the worker running it, and a restarted worker fails its own
stale trials and queues their parameters again: no trial is lost and none is counted twice.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState
from tqdm.auto import tqdm

STUDY_FILE = "study.journal"
STUDY_NAME = "portfolios"
WORKER = "worker"

log = logging.getLogger("sim")
optuna.logging.set_verbosity(optuna.logging.WARNING)
# TPE's multivariate and group modes are stable in use but still flagged experimental
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)


def study_path(directory: Path) -> Path:
    return Path(directory) / STUDY_FILE


def open_study(
    directory: Path,
    directions: Sequence[str] | None = None,
    sampler: optuna.samplers.BaseSampler | None = None,
) -> optuna.Study:
    """The study in ``directory``, created (with ``directions``) if it does not exist yet."""
    path = study_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    storage = JournalStorage(JournalFileBackend(str(path)))
    if directions is None:
        return optuna.load_study(study_name=STUDY_NAME, storage=storage, sampler=sampler)
    return optuna.create_study(
        storage=storage,
        study_name=STUDY_NAME,
        directions=list(directions),
        sampler=sampler,
        load_if_exists=True,
    )


def release_stale(study: optuna.Study, worker: int) -> int:
    """Fail this worker's trials left RUNNING by a killed run and queue their parameters again."""
    stale = [
        t
        for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        if t.user_attrs.get(WORKER) == worker
    ]
    for trial in stale:
        study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
        study.enqueue_trial(dict(trial.params), user_attrs={"retry_of": trial.number})
    if stale:
        log.info("worker %d: %d interrupted trial(s) queued again", worker, len(stale))
    return len(stale)


def count(study: optuna.Study, states: Sequence[TrialState]) -> int:
    return len(study.get_trials(deepcopy=False, states=tuple(states)))


def run_worker(
    study: optuna.Study,
    objective: Callable[[optuna.Trial], Sequence[float] | float],
    target: int,
    worker: int = 0,
    progress: bool = True,
) -> int:
    """Run trials until the study holds ``target`` finished or running trials; return how many ran here."""
    release_stale(study, worker)

    def tagged(trial: optuna.Trial):
        trial.set_user_attr(WORKER, worker)
        return objective(trial)

    ran = 0
    done = count(study, (TrialState.COMPLETE,))
    with tqdm(
        total=target, initial=min(done, target), desc=f"worker {worker} trials", disable=not progress
    ) as bar:
        while count(study, (TrialState.COMPLETE, TrialState.RUNNING)) < target:
            study.optimize(tagged, n_trials=1, catch=())
            ran += 1
            bar.n = min(count(study, (TrialState.COMPLETE,)), target)
            bar.refresh()
    return ran
