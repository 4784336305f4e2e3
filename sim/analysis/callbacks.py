"""Hydra callback: when a multirun ends, gather its jobs and draw the experiment's figures."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

log = logging.getLogger("sim")


class AnalyzeSweep(Callback):
    """Runs :func:`sim.analysis.reports.analyze` on the sweep directory after the last job returns.

    A sweep with failed or missing jobs is reported (which chunks, which files), not
    analysed; re-running the same command computes only what is missing.
    """

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        from sim.analysis.reports import analyze
        from sim.experiment.dataset import IncompleteSweepError

        sweep_dir = Path(config.hydra.sweep.dir)
        try:
            analyze(sweep_dir)
        except IncompleteSweepError as error:
            log.error("sweep not analysed: %s", error)
            log.error("re-run the same command to compute only the missing jobs")
        except Exception:
            log.exception("analysis of %s failed; results are intact, see experiments/analyze.py", sweep_dir)
            raise
