"""The figures folder of a run or sweep always matches its results, or says that it does not.

An analysis draws into a fresh staging folder. Only when it succeeds does the staging
folder replace ``figures/``; a failed analysis leaves no half-drawn set behind, and the
figures of an earlier analysis, which may belong to other results, are moved to
``figures.stale/`` with a ``STALE.txt`` that says when and why, instead of staying in
``figures/`` as if they were current. Nothing is deleted that a successful analysis does
not replace.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sim.experiment.dataset import FIGURES

STAGING = ".figures.partial"
STALE = "figures.stale"
STALE_NOTE = "STALE.txt"


def _mark_stale(root: Path, error: BaseException) -> None:
    current = root / FIGURES
    if not current.is_dir():
        return
    stale = root / STALE
    if stale.exists():
        shutil.rmtree(stale)
    current.rename(stale)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    (stale / STALE_NOTE).write_text(
        f"These figures and tables come from an earlier analysis of {root.name}.\n"
        f"The analysis of {when} failed ({reason}),\n"
        "so they may not match the results now in this folder. Fix the problem and run\n"
        "experiments/analyze.py on the folder again; a successful analysis removes this folder.\n"
    )


@contextmanager
def replacing_figures(root: Path) -> Iterator[Path]:
    """Yield a staging folder to draw into; it becomes ``root/figures`` if the block succeeds.

    If the block raises, the staging folder is removed, an existing ``figures/`` is moved
    to ``figures.stale/`` with a note, and the error propagates.
    """
    root = Path(root)
    staging = root / STAGING
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        yield staging
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        _mark_stale(root, error)
        raise
    current, old = root / FIGURES, root / f".{FIGURES}.old"
    if old.exists():
        shutil.rmtree(old)
    if current.exists():
        current.rename(old)
    staging.rename(current)
    for leftover in (old, root / STALE):
        if leftover.exists():
            shutil.rmtree(leftover)


def final_path(path: Path, root: Path) -> Path:
    """Where a file drawn into the staging folder lives once the analysis has succeeded."""
    return root / FIGURES / Path(path).relative_to(root / STAGING)
